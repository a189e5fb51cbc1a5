"""EncryptedTextField: stores AES-GCM ciphertext (common.crypto); Python code sees plaintext.

History tables copy the field, so they hold ciphertext too (each row under its own nonce).
Lookups other than ``isnull`` and every transform are refused: search goes through blind indexes,
never through the ciphertext, and a ``filter(full_name=...)`` that silently matched nothing would
hide a bug.
"""

from django.db import models

from common import crypto

ALLOWED_LOOKUPS = frozenset({"isnull"})


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest with AES-GCM"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def to_python(self, value):
        # Only deserialisation hands us a stored token; anything else is already plaintext.
        if isinstance(value, str) and crypto.is_token(value):
            return crypto.decrypt(value)
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def get_lookup(self, lookup_name):
        if lookup_name not in ALLOWED_LOOKUPS:
            raise TypeError(f"EncryptedTextField does not support the '{lookup_name}' lookup; "
                            "search through a blind index instead.")
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name):
        raise TypeError(f"EncryptedTextField does not support the '{lookup_name}' transform.")
