"""EncryptedTextField: stores AES-GCM ciphertext (common.crypto); Python code sees plaintext.

History tables copy the column's database value, so they hold ciphertext too. Lookups other than
``isnull`` are refused: search goes through blind indexes, never through the ciphertext.
"""

from django.db import models

from common import crypto


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest with AES-GCM"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def to_python(self, value):
        if isinstance(value, str) and value.startswith(crypto.PREFIX + ":"):
            return crypto.decrypt(value)
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def get_lookup(self, lookup_name):
        if lookup_name not in {"isnull"}:
            raise TypeError(f"EncryptedTextField does not support the '{lookup_name}' lookup.")
        return super().get_lookup(lookup_name)
