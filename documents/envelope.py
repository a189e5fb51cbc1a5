"""The one envelope for private keys at rest: signer keys in ``SignerCertificate.encrypted_key`` and
the internal CA's key in ``SIGNING_CA_KEY_FILE``.

A wrapped key reads ``wk1:<key id>:<base64(nonce || AES-GCM ciphertext+tag)>``. The AES key is
derived with HKDF-SHA256 from the key-ring entry named by the key id, and the associated data binds
the token to its purpose and key id, so a signer-key token cannot be passed off as the CA key or
moved under another id.

The key ring is ``SIGNING_KEYS`` (``keyid:base64``, at least 32 bytes each, the first wraps), read
and refused exactly like ``FIELD_ENCRYPTION_KEYS`` (common.crypto). Left empty, it is the one entry
``master`` holding ``SIGNING_MASTER_KEY``, so an existing deployment needs no new setting.

**The format before the envelope** is still read: a signer key as plain base64 of nonce and
ciphertext under ``sha256("terpadu-signing-key-wrap:" + SIGNING_MASTER_KEY)``, and the CA key as an
encrypted PKCS#8 PEM whose password derives from the same key (:func:`legacy_ca_password`).
``manage.py rewrap_signing_keys`` rewrites both, and any key under a key id that is no longer
primary, under the primary key; then a retired key can leave the ring.

Errors never carry key material: :class:`KeyUnwrapError` names the key id, nothing else.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from common.crypto import KEY_ID_RE, parse_keyring

PREFIX = "wk1"
MASTER_KEY_ID = "master"  # the key id of SIGNING_MASTER_KEY when SIGNING_KEYS is empty
SIGNER_KEY = "signer-key"
CA_KEY = "ca-key"
PURPOSES = frozenset({SIGNER_KEY, CA_KEY})
_HKDF_SALT = b"terpadu-signing-envelope-v1"


class KeyUnwrapError(Exception):
    """A wrapped key cannot be read. The message names the key id, never key material."""


# --- the key ring ----------------------------------------------------------------------------------

@lru_cache(maxsize=8)
def _parse(entries: tuple[str, ...], master: str) -> tuple[str, dict[str, bytes]]:
    if not entries:
        if not master:
            raise ImproperlyConfigured("Set SIGNING_KEYS (or SIGNING_MASTER_KEY) to wrap signing keys.")
        entries = (f"{MASTER_KEY_ID}:{master}",)
        setting = "SIGNING_MASTER_KEY"
    else:
        setting = "SIGNING_KEYS"
    return parse_keyring(entries, setting=setting, exact_bytes=None, min_bytes=32)


def keyring() -> tuple[str, dict[str, bytes]]:
    """(primary key id, {key id: key material}) of the signing key ring."""
    return _parse(tuple(getattr(settings, "SIGNING_KEYS", ()) or ()),
                  getattr(settings, "SIGNING_MASTER_KEY", "") or "")


def primary_key_id() -> str:
    return keyring()[0]


@lru_cache(maxsize=32)
def _derive(material: bytes, key_id: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT,
                info=b"terpadu key wrap|" + key_id.encode()).derive(material)


def _aad(purpose: str, key_id: str) -> bytes:
    if purpose not in PURPOSES:
        raise ValueError(f"Unknown key purpose {purpose!r}.")
    return f"terpadu|{purpose}|{key_id}".encode()


# --- wrap and unwrap -------------------------------------------------------------------------------

def wrap(data: bytes, *, purpose: str) -> str:
    key_id, keys = keyring()
    nonce = os.urandom(12)
    ct = AESGCM(_derive(keys[key_id], key_id)).encrypt(nonce, data, _aad(purpose, key_id))
    return f"{PREFIX}:{key_id}:{base64.b64encode(nonce + ct).decode('ascii')}"


def is_legacy(token: str) -> bool:
    """A signer key wrapped before the envelope (plain base64, no prefix and no key id)."""
    return ":" not in token


def key_id_of(token: str) -> str | None:
    """The key id of an envelope token; None for the legacy format."""
    if is_legacy(token):
        return None
    prefix, key_id, _ = (token.split(":", 2) + ["", ""])[:3]
    if prefix != PREFIX or not KEY_ID_RE.fullmatch(key_id):
        raise KeyUnwrapError("Not a wrapped key.")
    return key_id


def unwrap(token: str, *, purpose: str) -> bytes:
    key_id = key_id_of(token)
    if key_id is None:
        if purpose != SIGNER_KEY:
            raise KeyUnwrapError("Only signer keys exist in the legacy format.")
        return _legacy_unwrap(token)
    _, keys = keyring()
    if key_id not in keys:
        raise KeyUnwrapError(f"No signing key with id {key_id!r} is configured (SIGNING_KEYS).")
    try:
        blob = base64.b64decode(token.split(":", 2)[2], validate=True)
    except (ValueError, binascii.Error):
        raise KeyUnwrapError(f"Wrapped key under {key_id!r} is not valid base64.") from None
    if len(blob) < 12 + 16:
        raise KeyUnwrapError(f"Wrapped key under {key_id!r} is truncated.")
    try:
        return AESGCM(_derive(keys[key_id], key_id)).decrypt(blob[:12], blob[12:], _aad(purpose, key_id))
    except InvalidTag:
        raise KeyUnwrapError(f"Wrapped key does not open with signing key {key_id!r}.") from None


def needs_rewrap(token: str) -> bool:
    return key_id_of(token) != primary_key_id()


def rewrap(token: str, *, purpose: str) -> str | None:
    """``token`` wrapped under the primary key, or None when it already is."""
    if not needs_rewrap(token):
        return None
    return wrap(unwrap(token, purpose=purpose), purpose=purpose)


# --- the format before the envelope (read only) ----------------------------------------------------

def _legacy_master() -> bytes:
    raw_b64 = getattr(settings, "SIGNING_MASTER_KEY", "") or ""
    if not raw_b64:
        raise KeyUnwrapError("A key in the legacy format needs SIGNING_MASTER_KEY.")
    raw = base64.b64decode(raw_b64)
    if len(raw) < 32:
        raise ImproperlyConfigured("SIGNING_MASTER_KEY must be at least 32 bytes (base64).")
    return hashlib.sha256(b"terpadu-signing-key-wrap:" + raw).digest()


def _legacy_unwrap(token: str) -> bytes:
    try:
        blob = base64.b64decode(token, validate=True)
        return AESGCM(_legacy_master()).decrypt(blob[:12], blob[12:], b"signer-key")
    except (ValueError, binascii.Error, InvalidTag):
        raise KeyUnwrapError("Legacy wrapped key does not open with SIGNING_MASTER_KEY.") from None


def legacy_ca_password() -> bytes:
    """The password of a CA key PEM written before the envelope."""
    return base64.b64encode(hashlib.sha256(b"terpadu-ca:" + _legacy_master()).digest())
