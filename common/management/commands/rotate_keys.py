"""Re-encrypt every EncryptedTextField value under the primary field-encryption key.

Rotation, step by step:

1. put the new key first in ``FIELD_ENCRYPTION_KEYS`` (``new:…,old:…``) and deploy: new writes use
   the new key, old values still decrypt;
2. run ``manage.py rotate_keys`` (safe to repeat, safe while the site runs);
3. when it reports nothing left under the old key, remove the old key from the list.

Every model with an encrypted column is covered, history tables included — a retired key must
not still be needed to read an old history row.

Why raw SQL instead of ``save()`` (the audit rule says audited models change through ``save()``
so that history is complete): re-encryption writes the *same plaintext* under another key. It is
not a change of the record, so it must not add history rows — one more row per value would copy
every victim's identity into history once per rotation, and the audit trail would claim a change
that nobody made. Historical tables are not audited models themselves and must be rewritten in
place for the same reason. So each row is updated by primary key, only its encrypted columns, with
a compare-and-swap on the old token: a row that a user saved in the meantime is left alone (it was
written under the primary key anyway). Rows are read in keyset batches, each batch in its own
transaction, so the command never holds locks for long and can be interrupted and re-run.

History tables are append-only in the database (common.append_only): each batch goes through the
one door, ``trail_rewrite()``, which lets an UPDATE change encrypted columns and nothing else.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from common import crypto
from common.append_only import trail_rewrite
from common.fields import EncryptedTextField


def encrypted_models():
    """(model, [encrypted column names]) for every installed model, historical ones included."""
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        columns = [f.column for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if columns:
            yield model, columns


class Command(BaseCommand):
    help = "Re-encrypt all encrypted fields (history tables included) under the primary key."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--dry-run", action="store_true",
                            help="Count the values that would be re-encrypted; change nothing.")

    def handle(self, *args, batch_size: int, dry_run: bool, **options):
        primary = crypto.primary_key_id()
        totals = {"rows": 0, "values": 0, "skipped": 0}
        for model, columns in encrypted_models():
            counts = self.rotate_table(model, columns, batch_size=batch_size, dry_run=dry_run)
            for key in totals:
                totals[key] += counts[key]
            self.stdout.write(f"{model._meta.db_table}: {counts['rows']} rows scanned, "
                              f"{counts['values']} values re-encrypted"
                              + (f", {counts['skipped']} changed meanwhile" if counts["skipped"] else ""))
        verb = "would be re-encrypted" if dry_run else "re-encrypted"
        self.stdout.write(self.style.SUCCESS(
            f"Key {primary!r}: {totals['values']} values {verb} in {totals['rows']} rows."))

    def rotate_table(self, model, columns: list[str], *, batch_size: int, dry_run: bool) -> dict:
        qn = connection.ops.quote_name
        table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
        cols = ", ".join(qn(c) for c in columns)
        counts = {"rows": 0, "values": 0, "skipped": 0}
        last = None
        while True:
            with trail_rewrite(), connection.cursor() as cursor:
                where = f"WHERE {pk} > %s " if last is not None else ""
                cursor.execute(f"SELECT {pk}, {cols} FROM {table} {where}ORDER BY {pk} LIMIT %s",  # noqa: S608
                               [*([last] if last is not None else []), batch_size])
                rows = cursor.fetchall()
                for row_pk, *values in rows:
                    changes = {}
                    for column, token in zip(columns, values, strict=True):
                        if not token:
                            continue
                        try:
                            new = crypto.reencrypt(token)
                        except crypto.DecryptionError as exc:
                            # Name the place, never the value.
                            raise CommandError(f"{model._meta.db_table}.{column} id={row_pk}: {exc} "
                                               "Add the missing key to FIELD_ENCRYPTION_KEYS.") from None
                        if new is not None:
                            changes[column] = (token, new)
                    if not changes:
                        continue
                    if dry_run:
                        counts["values"] += len(changes)
                        continue
                    sets = ", ".join(f"{qn(c)} = %s" for c in changes)
                    guards = " AND ".join(f"{qn(c)} = %s" for c in changes)
                    cursor.execute(
                        f"UPDATE {table} SET {sets} WHERE {pk} = %s AND {guards}",  # noqa: S608
                        [*(new for _, new in changes.values()), row_pk,
                         *(old for old, _ in changes.values())],
                    )
                    if cursor.rowcount:
                        counts["values"] += len(changes)
                    else:
                        counts["skipped"] += 1
            counts["rows"] += len(rows)
            if len(rows) < batch_size:
                return counts
            last = rows[-1][0]
