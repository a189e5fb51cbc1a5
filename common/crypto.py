"""Field encryption (AES-GCM) and keyed blind indexes, with keys apart from SECRET_KEY.

A stored value reads ``v1:<key id>:<base64(nonce || ciphertext+tag)>``. The first key of
``FIELD_ENCRYPTION_KEYS`` encrypts; every listed key can decrypt, so keys rotate by putting a new
key first and running ``manage.py rotate_keys``. A value whose key is unknown or whose tag does not
verify raises :class:`DecryptionError` — never silently returns garbage or the ciphertext.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import unicodedata
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "v1"


class DecryptionError(Exception):
    """Raised when a value cannot be decrypted. The message never contains the value."""


@lru_cache(maxsize=8)
def _parse_keys(raw: tuple[str, ...]) -> tuple[str, dict[str, bytes]]:
    keys: dict[str, bytes] = {}
    primary = ""
    for item in raw:
        key_id, _, b64 = item.partition(":")
        if not key_id or not b64:
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS entries must read 'keyid:base64key'.")
        key = base64.b64decode(b64)
        if len(key) != 32:
            raise ImproperlyConfigured(f"Field encryption key {key_id!r} must be 32 bytes.")
        keys[key_id] = key
        primary = primary or key_id
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    return primary, keys


def keyring() -> tuple[str, dict[str, bytes]]:
    return _parse_keys(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    key_id, keys = keyring()
    nonce = os.urandom(12)
    ct = AESGCM(keys[key_id]).encrypt(nonce, plaintext.encode("utf-8"), key_id.encode())
    return f"{PREFIX}:{key_id}:{base64.b64encode(nonce + ct).decode('ascii')}"


def key_id_of(token: str) -> str:
    parts = token.split(":", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        raise DecryptionError("Value is not an encrypted token.")
    return parts[1]


def decrypt(token: str) -> str:
    key_id = key_id_of(token)
    _, keys = keyring()
    if key_id not in keys:
        raise DecryptionError(f"No key with id {key_id!r} is configured.")
    blob = base64.b64decode(token.split(":", 2)[2])
    try:
        pt = AESGCM(keys[key_id]).decrypt(blob[:12], blob[12:], key_id.encode())
    except Exception as exc:  # InvalidTag: wrong key material or tampered value
        raise DecryptionError(f"Value does not decrypt with key {key_id!r}.") from exc
    return pt.decode("utf-8")


# --- blind indexes ---------------------------------------------------------------------------------

def _index_key() -> bytes:
    return base64.b64decode(settings.BLIND_INDEX_KEY)


def blind_index(kind: str, normalised: str) -> str:
    """A keyed HMAC of an already-normalised value; equal inputs give equal indexes."""
    msg = f"{kind}:{normalised}".encode()
    return hmac.new(_index_key(), msg, hashlib.sha256).hexdigest()[:32]


def normalise_nik(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def normalise_phone(value: str) -> str:
    digits = re.sub(r"[^\d+]", "", value or "")
    if digits.startswith("+"):
        digits = digits[1:]
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return "+" + digits if digits else ""


def name_tokens(value: str) -> list[str]:
    text = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode().lower()
    return sorted({t for t in re.split(r"[^a-z0-9]+", text) if len(t) >= 2})
