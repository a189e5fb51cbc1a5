"""Append-only tables, enforced by PostgreSQL itself.

The law needs a trail that nobody can quietly rewrite: the access log, the case timeline, SLA
events, screenings, action-item follow-ups and every django-simple-history table. Services only
ever INSERT these rows; a ``BEFORE UPDATE OR DELETE`` row trigger refuses everything else, whatever
the code (an admin action, a shell, a stray ``QuerySet.update()``) tries.

**The one door.** Inside :func:`trail_rewrite` (one transaction that sets the session flag
``terpadu.allow_history_rewrite`` with ``SET LOCAL`` semantics) an UPDATE may change the row's
*encrypted* columns and nothing else; DELETE is refused even there. ``rotate_keys`` uses it to
re-encrypt history under a new key; a lawful erasure (UU 27/2022) will use the same door to
overwrite identity in place — the rows, their dates and actors stay.

**Why plain SQL, not django-pgtrigger.** One small PL/pgSQL function and one trigger per table; a
migration operation (:class:`AppendOnly`) installs it from the model state, so a table's
rewritable columns are derived from its encrypted fields, not typed by hand. pgtrigger would add
a dependency, need registering on every generated history model, and bring its own bypass
(``pgtrigger.ignore``) — a second door. Signed documents are frozen by their own triggers
(documents.freeze). ``tests/common/test_append_only.py`` derives the set of tables from the models
(every history model, the five trail models) and fails for any table whose trigger is missing or
out of date, printing the operation to add.

**Not covered, on purpose.** ``TRUNCATE`` fires no row trigger: the test runner empties tables
with it between transactional tests. In production the application's database role must not be
given ``TRUNCATE`` on these tables, nor be able to ``DISABLE TRIGGER``; those are privileges of
the schema owner, used only by reviewed migrations.

This module is imported by migrations: it must not import models.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.migrations.operations.base import Operation

REWRITE_FLAG = "terpadu.allow_history_rewrite"
FUNCTION_NAME = "terpadu_append_only"
TRIGGER_NAME = "terpadu_append_only"

# Trigger arguments are the columns an UPDATE may change inside trail_rewrite(); none = no UPDATE.
FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION_NAME}() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND TG_NARGS > 0
     AND current_setting('{REWRITE_FLAG}', true) = 'on'
     AND (to_jsonb(NEW) - TG_ARGV) = (to_jsonb(OLD) - TG_ARGV) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'Jejak audit hanya dapat ditambah: % pada % ditolak', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;
"""

def drop_unused_function_sql(function_name: str) -> str:
    """SQL that drops a trigger function once no trigger uses it (the reverse of the last
    migration that installed one). Shared by every trigger module (``documents.freeze`` too)."""
    return f"""
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
                 WHERE p.proname = '{function_name}') THEN
    DROP FUNCTION IF EXISTS {function_name}();
  END IF;
END $$;
"""  # noqa: S608 (module constants, no input)


DROP_UNUSED_FUNCTION_SQL = drop_unused_function_sql(FUNCTION_NAME)


def is_history_model(model) -> bool:
    """A django-simple-history table (``Historical*``, its m2m ones included). Works on real
    models and on migration-state models alike: both have simple-history's primary key."""
    return model._meta.pk is not None and model._meta.pk.name in {"history_id", "m2m_history_id"}


def rewritable_columns(model) -> list[str]:
    """The columns trail_rewrite() may change: the encrypted ones (re-encryption, erasure)."""
    from common.fields import EncryptedTextField

    return [f.column for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def create_trigger_sql(model, quote_name) -> str:
    # CREATE OR REPLACE TRIGGER: PostgreSQL 14+ (docker-compose and CI run 15).
    args = ", ".join(f"'{column}'" for column in rewritable_columns(model))
    return (f"CREATE OR REPLACE TRIGGER {TRIGGER_NAME} BEFORE UPDATE OR DELETE ON "
            f"{quote_name(model._meta.db_table)} FOR EACH ROW EXECUTE FUNCTION {FUNCTION_NAME}({args});")


def drop_trigger_sql(model, quote_name) -> str:
    return f"DROP TRIGGER IF EXISTS {TRIGGER_NAME} ON {quote_name(model._meta.db_table)};"


class AppendOnly(Operation):
    """Migration operation: make the named models' tables of this app append-only.

    ``AppendOnly("accesslog")`` for a trail model; ``AppendOnly("historicalvictim")`` for a
    history table (its encrypted columns become rewritable through the door). Re-running it on a
    table replaces the trigger, e.g. after adding an encrypted field to an audited model.
    """

    reversible = True
    reduces_to_sql = True

    def __init__(self, *model_names: str):
        self.model_names = [name.lower() for name in model_names]

    def deconstruct(self):
        return self.__class__.__name__, self.model_names, {}

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        schema_editor.execute(FUNCTION_SQL, params=None)  # '%' is PL/pgSQL's, not a placeholder
        for name in self.model_names:
            model = to_state.apps.get_model(app_label, name)
            schema_editor.execute(create_trigger_sql(model, schema_editor.quote_name), params=None)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for name in self.model_names:
            model = from_state.apps.get_model(app_label, name)
            schema_editor.execute(drop_trigger_sql(model, schema_editor.quote_name), params=None)
        schema_editor.execute(DROP_UNUSED_FUNCTION_SQL, params=None)

    def describe(self):
        return f"Make {', '.join(self.model_names)} append-only (database trigger)"

    @property
    def migration_name_fragment(self):
        return "append_only"


# --- records written once more, then frozen ----------------------------------------------------------

WRITE_ONCE_TRIGGER = "terpadu_write_once"


def write_once_function_sql(function: str, *, marker: str, columns: list[str]) -> str:
    """The trigger function of a :class:`WriteOnce` table. Trigger arguments are the encrypted
    columns (as for the append-only trigger)."""
    once = ", ".join(f"'{c}'" for c in [marker, *columns])
    return f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF OLD.{marker} IS NULL AND NEW.{marker} IS NOT NULL
       AND (to_jsonb(NEW) - ARRAY[{once}]) = (to_jsonb(OLD) - ARRAY[{once}]) THEN
      RETURN NEW;
    END IF;
    IF TG_NARGS > 0 AND current_setting('{REWRITE_FLAG}', true) = 'on'
       AND (to_jsonb(NEW) - TG_ARGV) = (to_jsonb(OLD) - TG_ARGV) THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'Catatan ini hanya dapat ditutup sekali, tidak diubah atau dihapus: % pada % ditolak',
    TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;
"""  # noqa: S608 (names from the model state, no input)


class WriteOnce(Operation):
    """Migration operation: a record that is closed once and otherwise never changes (a consent
    and its withdrawal). Its rows refuse DELETE, and every UPDATE except two: the one that sets
    ``marker`` (NULL before) and changes only ``fields`` besides it; and, through
    :func:`trail_rewrite`, one that changes only the encrypted columns (key rotation, erasure).

    ``WriteOnce("consent", marker="withdrawn_at", fields=["withdrawn_by", "withdrawal_note"])``.
    """

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str, *, marker: str, fields: list[str]):
        self.model_name = model_name.lower()
        self.marker = marker
        self.fields = list(fields)

    def deconstruct(self):
        return self.__class__.__name__, [self.model_name], {"marker": self.marker, "fields": self.fields}

    def state_forwards(self, app_label, state):
        pass

    def _function(self, model) -> str:
        return f"{WRITE_ONCE_TRIGGER}_{model._meta.db_table}"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        column = {f.name: f.column for f in model._meta.concrete_fields}
        function = self._function(model)
        schema_editor.execute(write_once_function_sql(
            function, marker=column[self.marker], columns=[column[f] for f in self.fields]), params=None)
        args = ", ".join(f"'{c}'" for c in rewritable_columns(model))
        table = schema_editor.quote_name(model._meta.db_table)
        schema_editor.execute(
            f"CREATE OR REPLACE TRIGGER {WRITE_ONCE_TRIGGER} BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}({args});", params=None)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {WRITE_ONCE_TRIGGER} ON "
                              f"{schema_editor.quote_name(model._meta.db_table)};", params=None)
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {self._function(model)}();", params=None)

    def describe(self):
        return f"Make {self.model_name} write-once (database trigger)"

    @property
    def migration_name_fragment(self):
        return "write_once"


@contextmanager
def trail_rewrite() -> Iterator[None]:
    """The one door through the append-only triggers, for one transaction (or savepoint).

    Inside, an UPDATE may change encrypted columns of trail and history rows; nothing else.
    ``set_config(..., true)`` is ``SET LOCAL``: if the block fails, the rollback takes the flag
    with it; if it succeeds, the flag is switched off again before the block ends, so an enclosing
    transaction does not keep the door open."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [REWRITE_FLAG])
        yield
        cursor.execute("SELECT set_config(%s, 'off', true)", [REWRITE_FLAG])
