"""Text fields of the domain models.

LimitedTextField: a TextField whose ``max_length`` the model enforces (``common.limits``). Django's own
TextField only hands ``max_length`` to the form widget; here ``full_clean`` (so every service),
model forms and the admin refuse a longer value, with Django's message naming the limit. The limits
themselves are in ``common.limits``.

EncryptedTextField: stores AES-GCM ciphertext (common.crypto); Python code sees plaintext, and the
limit counts the plaintext.

History tables copy the field, so they hold ciphertext too (each row under its own nonce).
Lookups other than ``isnull`` and every transform are refused: search goes through blind indexes,
never through the ciphertext, and a ``filter(full_name=...)`` that silently matched nothing would
hide a bug.
"""

from django.core import validators
from django.db import models

from common import crypto

ALLOWED_LOOKUPS = frozenset({"isnull"})


class LimitedTextField(models.TextField):
    description = "Text with a maximum length checked by the model"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # As CharField does; deconstruct() leaves it out, so migrations carry only max_length.
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))


class EncryptedTextField(LimitedTextField):
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
