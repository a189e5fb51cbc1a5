"""Signed documents are frozen in PostgreSQL itself, by triggers one helper generates per kind.

A document kind names its *root* row (the minutes, a referral letter, an agreement …), the root's
foreign key to the signed-document registry (the *flag*: NULL until signed), and the rows frozen
with it as lookups from the root (``"meeting__decisions"``, ``"meeting__decisions__serving_agencies"``
— the last one a many-to-many, whose link table is the frozen table). Once the flag is set, each of
those tables refuses INSERT, UPDATE and DELETE of a row that belongs to the signed root, whatever the
code tries (a service, the admin, a shell, raw SQL). Other rows of the same tables stay writable.

One PL/pgSQL function serves every kind; each frozen table gets one trigger whose arguments are the
row's column that leads to the root and the query that answers "is that root signed?", generated
here from the model state. ``once`` names columns an effect may still set after the freeze, once,
from NULL to a value (a decision's ``applied_at``, stamped when the signed minutes take effect) —
every other column of a frozen row stays as signed.

The same helper serves the migration (:class:`FreezeSigned`) and the test that compares every
registered kind's declaration with the triggers installed (tests/documents/test_freeze.py).

This module is imported by migrations: it must not import models.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.migrations.operations.base import Operation

from common.append_only import drop_unused_function_sql

FUNCTION_NAME = "terpadu_signed_frozen"
FROZEN_MESSAGE = "Dokumen yang sudah ditandatangani tidak dapat diubah"

FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION_NAME}() RETURNS trigger AS $$
DECLARE
  frozen boolean := false;
  settable text[];
  old_row jsonb;
  new_row jsonb;
BEGIN
  -- TG_ARGV[0]: this row's column leading to the root; TG_ARGV[1]: "is that root signed?" ($1);
  -- TG_ARGV[2..]: columns an effect may set once after signing.
  IF TG_OP <> 'INSERT' THEN
    old_row := to_jsonb(OLD);
    EXECUTE TG_ARGV[1] INTO frozen USING old_row ->> TG_ARGV[0];
  END IF;
  IF TG_OP <> 'DELETE' THEN
    new_row := to_jsonb(NEW);
    IF NOT frozen THEN
      EXECUTE TG_ARGV[1] INTO frozen USING new_row ->> TG_ARGV[0];
    END IF;
  END IF;
  IF NOT frozen THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND TG_NARGS > 2 THEN
    settable := TG_ARGV[2:TG_NARGS - 1];
    IF (new_row - settable) = (old_row - settable) AND NOT EXISTS (
        SELECT 1 FROM unnest(settable) AS c
        WHERE old_row -> c <> 'null'::jsonb AND (old_row -> c) IS DISTINCT FROM (new_row -> c)) THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION '{FROZEN_MESSAGE}: % pada % ditolak', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;
"""  # noqa: S608 (module constants, no input)

DROP_UNUSED_FUNCTION_SQL = drop_unused_function_sql(FUNCTION_NAME)


@dataclass(frozen=True)
class Freeze:
    """What signing freezes, declared by a document kind and repeated in its app's migration."""

    flag: str = "document"
    rows: tuple[str, ...] = ()
    once: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def trigger_name(root) -> str:
    return f"frozen_by_{root._meta.db_table}"[:63]


def trigger_specs(root, freeze: Freeze, connection) -> dict[str, list[str]]:
    """{table: [trigger arguments]} for ``root`` (a model class, real or from migration state)."""
    qn = _quote
    flag = root._meta.get_field(freeze.flag)
    unknown = set(freeze.once) - {"", *freeze.rows}
    if unknown:
        raise ValueError(f"'once' names rows that are not frozen: {sorted(unknown)}")
    specs: dict[str, list[str]] = {}
    for path in ("", *freeze.rows):
        table, child, once, joins, match, match_field = _walk(root, path)
        # Table and column names from the model state, quoted; the value is the bound $1.
        query = (f"SELECT EXISTS (SELECT 1 FROM {qn(root._meta.db_table)} t0{joins} "  # noqa: S608
                 f"WHERE t0.{qn(flag.column)} IS NOT NULL "
                 f"AND {match} = $1::{match_field.db_type(connection)})")
        if table in specs:
            raise ValueError(f"{table} is reached twice from {root._meta.label}")
        once_columns = [once._meta.get_field(name).column for name in freeze.once.get(path, ())]
        specs[table] = [child, query, *once_columns]
    return specs


def _walk(root, path: str):
    """Follow ``path`` from the root: (frozen table, its column leading back, the model whose
    ``once`` columns apply, the SQL joins, the matching expression, the matched field)."""
    qn = _quote
    model, alias, joins = root, "t0", ""
    names = path.split("__") if path else []
    if not names:
        pk = root._meta.pk
        return root._meta.db_table, pk.column, root, "", f"t0.{qn(pk.column)}", pk
    for i, name in enumerate(names):
        f = model._meta.get_field(name)
        last = i == len(names) - 1
        nxt = f"t{i + 1}"
        if f.many_to_many and not f.auto_created:  # forward many-to-many: its link table is frozen
            if not last:
                raise ValueError(f"{path}: a many-to-many may only end a path")
            through = f.remote_field.through
            pk = model._meta.pk
            return (through._meta.db_table, through._meta.get_field(f.m2m_field_name()).column, through,
                    joins, f"{alias}.{qn(pk.column)}", pk)
        if f.concrete and (f.many_to_one or f.one_to_one):  # forward foreign key
            target, target_field = f.related_model, f.target_field
            if last:
                return (target._meta.db_table, target_field.column, target, joins,
                        f"{alias}.{qn(f.column)}", target_field)
            joins += (f" JOIN {qn(target._meta.db_table)} {nxt} "
                      f"ON {nxt}.{qn(target_field.column)} = {alias}.{qn(f.column)}")
        elif f.auto_created and not f.concrete and not f.many_to_many:  # reverse foreign key
            fk, target = f.remote_field, f.related_model
            if last:
                return (target._meta.db_table, fk.column, target, joins,
                        f"{alias}.{qn(fk.target_field.column)}", fk.target_field)
            joins += (f" JOIN {qn(target._meta.db_table)} {nxt} "
                      f"ON {nxt}.{qn(fk.column)} = {alias}.{qn(fk.target_field.column)}")
        else:
            raise ValueError(f"{path}: cannot follow {name!r}")
        model, alias = target, nxt
    raise AssertionError("unreachable")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def create_trigger_sql(table: str, args: Iterable[str], name: str, quote_name) -> str:
    arguments = ", ".join(_literal(a) for a in args)
    return (f"CREATE OR REPLACE TRIGGER {quote_name(name)} BEFORE INSERT OR UPDATE OR DELETE ON "
            f"{quote_name(table)} FOR EACH ROW EXECUTE FUNCTION {FUNCTION_NAME}({arguments});")


def drop_trigger_sql(table: str, name: str, quote_name) -> str:
    return f"DROP TRIGGER IF EXISTS {quote_name(name)} ON {quote_name(table)};"


class FreezeSigned(Operation):
    """Migration operation: once ``model_name``'s ``flag`` is set, the root row and ``rows`` refuse
    change. Re-running it with another declaration replaces the triggers of the tables it names.

    ``FreezeSigned("minutes", flag="document", rows=["meeting__decisions"],
    once={"meeting__decisions": ["applied_at"]})``
    """

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str, *, flag: str = "document", rows=(), once=None):
        self.model_name = model_name.lower()
        self.freeze = Freeze(flag=flag, rows=tuple(rows),
                             once={k: tuple(v) for k, v in (once or {}).items()})

    def deconstruct(self):
        return (self.__class__.__name__, [self.model_name],
                {"flag": self.freeze.flag, "rows": list(self.freeze.rows),
                 "once": {k: list(v) for k, v in self.freeze.once.items()}})

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        root = to_state.apps.get_model(app_label, self.model_name)
        schema_editor.execute(FUNCTION_SQL, params=None)  # '%' is PL/pgSQL's, not a placeholder
        for table, args in trigger_specs(root, self.freeze, schema_editor.connection).items():
            schema_editor.execute(create_trigger_sql(table, args, trigger_name(root),
                                                     schema_editor.quote_name), params=None)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        root = from_state.apps.get_model(app_label, self.model_name)
        for table in trigger_specs(root, self.freeze, schema_editor.connection):
            schema_editor.execute(drop_trigger_sql(table, trigger_name(root), schema_editor.quote_name),
                                  params=None)
        schema_editor.execute(DROP_UNUSED_FUNCTION_SQL, params=None)

    def describe(self):
        return f"Freeze signed {self.model_name} and its rows (database triggers)"

    @property
    def migration_name_fragment(self):
        return f"freeze_signed_{self.model_name}"
