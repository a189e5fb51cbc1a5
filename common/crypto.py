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

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "v1"
KEY_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")


class DecryptionError(Exception):
    """Raised when a value cannot be decrypted. The message never contains the value."""


def parse_keyring(entries, *, setting: str, exact_bytes: int | None = 32,
                  min_bytes: int = 32) -> tuple[str, dict[str, bytes]]:
    """(primary key id, {key id: key}) from ``keyid:base64`` entries, the first being the primary.

    Shared by every key ring of the deployment (field encryption here, the signing-key envelope in
    documents.envelope) so that they read, refuse and rotate alike."""
    keys: dict[str, bytes] = {}
    primary = ""
    for item in entries:
        key_id, _, b64 = item.strip().partition(":")
        if not KEY_ID_RE.fullmatch(key_id) or not b64:
            raise ImproperlyConfigured(f"{setting} entries must read 'keyid:base64key' "
                                       "(key id: letters, digits, '_' or '-').")
        if key_id in keys:
            # Two different keys under one id would make old values undecryptable at random.
            raise ImproperlyConfigured(f"{setting}: key id {key_id!r} is listed twice.")
        try:
            key = base64.b64decode(b64)
        except ValueError:
            raise ImproperlyConfigured(f"{setting}: key {key_id!r} is not valid base64.") from None
        if exact_bytes is not None and len(key) != exact_bytes:
            raise ImproperlyConfigured(f"{setting}: key {key_id!r} must be {exact_bytes} bytes.")
        if len(key) < min_bytes:
            raise ImproperlyConfigured(f"{setting}: key {key_id!r} must be at least {min_bytes} bytes.")
        keys[key_id] = key
        primary = primary or key_id
    if not keys:
        raise ImproperlyConfigured(f"{setting} is empty.")
    return primary, keys


@lru_cache(maxsize=8)
def _parse_keys(raw: tuple[str, ...]) -> tuple[str, dict[str, bytes]]:
    return parse_keyring(raw, setting="FIELD_ENCRYPTION_KEYS")


def keyring() -> tuple[str, dict[str, bytes]]:
    """(primary key id, {key id: key}) from ``settings.FIELD_ENCRYPTION_KEYS``."""
    return _parse_keys(tuple(settings.FIELD_ENCRYPTION_KEYS))


def primary_key_id() -> str:
    return keyring()[0]


def encrypt(plaintext: str) -> str:
    key_id, keys = keyring()
    nonce = os.urandom(12)
    ct = AESGCM(keys[key_id]).encrypt(nonce, plaintext.encode("utf-8"), key_id.encode())
    return f"{PREFIX}:{key_id}:{base64.b64encode(nonce + ct).decode('ascii')}"


def is_token(value: str) -> bool:
    """True when ``value`` has the shape of a stored token (not whether it decrypts)."""
    parts = value.split(":", 2)
    return len(parts) == 3 and parts[0] == PREFIX and bool(KEY_ID_RE.fullmatch(parts[1]))


def key_id_of(token: str) -> str:
    if not is_token(token):
        raise DecryptionError("Value is not an encrypted token.")
    return token.split(":", 2)[1]


def decrypt(token: str) -> str:
    key_id = key_id_of(token)
    _, keys = keyring()
    if key_id not in keys:
        raise DecryptionError(f"No key with id {key_id!r} is configured.")
    # ``from None`` everywhere: a chained exception could carry the ciphertext or, worse, bytes
    # of a partly decoded value into a traceback or an error report.
    try:
        blob = base64.b64decode(token.split(":", 2)[2], validate=True)
    except ValueError:
        raise DecryptionError(f"Value under key {key_id!r} is not valid base64.") from None
    if len(blob) < 12 + 16:
        raise DecryptionError(f"Value under key {key_id!r} is truncated.")
    try:
        pt = AESGCM(keys[key_id]).decrypt(blob[:12], blob[12:], key_id.encode())
    except InvalidTag:  # wrong key material under this id, or a tampered value
        raise DecryptionError(f"Value does not decrypt with key {key_id!r}.") from None
    return pt.decode("utf-8")


def reencrypt(token: str) -> str | None:
    """``token`` re-encrypted under the primary key, or None when it already uses that key."""
    if key_id_of(token) == primary_key_id():
        return None
    return encrypt(decrypt(token))


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
