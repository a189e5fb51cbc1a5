"""One envelope for private keys at rest (documents.envelope): HKDF-derived keys named by a key id,
rotatable like field encryption — and a CA and signer keys wrapped before it keep working: they are
read, rewrapped by ``rewrap_signing_keys``, still sign, and what they signed still verifies."""

from __future__ import annotations

import base64
import errno
import hashlib
import io
import os
import tempfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from agencies.models import Role
from documents import envelope, registry, signing
from documents.pdf import render_pdf
from documents.verification import verify_code
from tests.factories import member

pytestmark = pytest.mark.django_db

MASTER = base64.b64encode(b"m" * 32).decode()
OLD = "k2025:" + base64.b64encode(b"o" * 32).decode()
NEW = "k2026:" + base64.b64encode(b"n" * 48).decode()


# --- the format before the envelope, written exactly as the code before it did ---------------------

def legacy_master() -> bytes:
    return hashlib.sha256(b"terpadu-signing-key-wrap:" + base64.b64decode(MASTER)).digest()


def legacy_wrap(data: bytes) -> str:
    nonce = os.urandom(12)
    return base64.b64encode(nonce + AESGCM(legacy_master()).encrypt(nonce, data, b"signer-key")).decode()


def legacy_ca_pem(key) -> bytes:
    password = base64.b64encode(hashlib.sha256(b"terpadu-ca:" + legacy_master()).digest())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.BestAvailableEncryption(password))


@pytest.fixture
def legacy_deployment(tmp_path, settings):
    """A CA and a signer key as a deployment made them before the envelope, and one signed, registered
    document: only SIGNING_MASTER_KEY configured, the CA key a password-protected PEM, the signer's key
    in the SHA-256-derived format."""
    settings.SIGNING_MASTER_KEY = MASTER
    settings.SIGNING_KEYS = []
    settings.SIGNING_CA_CERT_FILE = str(tmp_path / "ca.pem")
    settings.SIGNING_CA_KEY_FILE = str(tmp_path / "ca.key")
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private")}}}
    ca = signing.create_dev_ca()
    (tmp_path / "ca.key").write_bytes(legacy_ca_pem(ca.key))
    return tmp_path


def legacy_signer(agency):
    """A signer whose certificate row holds their key in the legacy format."""
    chair = member(agency, Role.TP_KETUA)
    record = signing.certificate_issue(user=chair)
    der = envelope.unwrap(record.encrypted_key, purpose=envelope.SIGNER_KEY)
    record.encrypted_key = legacy_wrap(der)
    record.save(update_fields=["encrypted_key"])
    return chair, record


def sign_and_register(user, text: str):
    code = registry.new_document_code()
    pdf = render_pdf("pdf/test_document.html", {"text": f"{text} {code}", "code": code})
    signed = signing.get_signer().sign_pdf(pdf, user=user, reason="Pengesahan", location="Jakarta")
    registry.document_register(code=code, kind="minutes", title="Notula uji", obj=user, pdf=signed,
                               content_hash="x" * 64, signer=user, signer_name=user.display_name,
                               signer_position="Ketua", signed_at=timezone.now(), subject_date=None)
    return code, signed


def run_rewrap(*args) -> str:
    out = io.StringIO()
    call_command("rewrap_signing_keys", *args, stdout=out)
    return out.getvalue()


def test_an_old_ca_and_signer_key_are_read_rewrapped_and_still_sign(legacy_deployment, uptd):
    chair, record = legacy_signer(uptd)
    assert envelope.is_legacy(record.encrypted_key)
    before_code, before_pdf = sign_and_register(chair, "Ditandatangani sebelum rewrap")  # old format reads
    assert signing.verify_pdf(before_pdf).ok

    report = run_rewrap()

    record.refresh_from_db()
    assert record.encrypted_key.startswith("wk1:master:")  # new format, with its key id
    ca_file = (legacy_deployment / "ca.key").read_bytes()
    assert ca_file.startswith(b"wk1:master:") and b"PRIVATE KEY" not in ca_file
    assert oct((legacy_deployment / "ca.key").stat().st_mode & 0o777) == "0o600"
    assert "1 rewrapped" in report and "PRIVATE" not in report
    # The same certificate signs on; the document signed before and the one signed after both verify.
    after_code, after_pdf = sign_and_register(chair, "Ditandatangani sesudah rewrap")
    assert chair.signer_certificates.get().serial == record.serial
    assert signing.verify_pdf(after_pdf).ok and signing.verify_pdf(before_pdf).ok
    assert verify_code(before_code).status == "valid" and verify_code(after_code).status == "valid"
    # A second run has nothing left to do.
    assert "0 rewrapped" in run_rewrap() and "already under the primary key" in run_rewrap()


def test_keys_rotate_to_a_new_key_id_and_the_old_key_can_leave(legacy_deployment, uptd, settings):
    settings.SIGNING_KEYS = [OLD]
    signing.create_dev_ca()
    chair = member(uptd, Role.TP_KETUA)
    record = signing.certificate_issue(user=chair)
    assert record.encrypted_key.startswith("wk1:k2025:")
    _, signed_before = sign_and_register(chair, "Kunci lama")

    settings.SIGNING_KEYS = [NEW, OLD]  # the new key first; the old one still opens
    assert "1 rewrapped" in run_rewrap()
    record.refresh_from_db()
    assert record.encrypted_key.startswith("wk1:k2026:")

    settings.SIGNING_KEYS = [NEW]  # the old key leaves the ring
    _, signed_after = sign_and_register(chair, "Kunci baru")
    assert signing.verify_pdf(signed_before).ok and signing.verify_pdf(signed_after).ok


def test_a_key_under_a_key_id_no_longer_configured_is_named_not_guessed(settings):
    settings.SIGNING_KEYS = [OLD]
    token = envelope.wrap(b"kunci rahasia", purpose=envelope.SIGNER_KEY)
    settings.SIGNING_KEYS = [NEW]
    with pytest.raises(envelope.KeyUnwrapError, match="k2025") as exc:
        envelope.unwrap(token, purpose=envelope.SIGNER_KEY)
    assert "rahasia" not in str(exc.value)


def test_the_rewrap_command_names_the_certificate_it_cannot_open(legacy_deployment, uptd, settings):
    settings.SIGNING_KEYS = [OLD]
    legacy_signer_record = signing.certificate_issue(user=member(uptd, Role.TP_KETUA))
    settings.SIGNING_KEYS = [NEW]
    with pytest.raises(CommandError, match=f"id={legacy_signer_record.pk}.*k2025"):
        run_rewrap()


def test_a_read_only_ca_key_is_rewrapped_to_another_file(legacy_deployment, uptd, monkeypatch):
    key_file = legacy_deployment / "ca.key"
    legacy = key_file.read_bytes()
    mkstemp = tempfile.mkstemp

    def read_only_mount(*, dir, prefix):  # noqa: A002 — tempfile's own keyword
        if Path(dir) == legacy_deployment:  # the folder is mounted read-only (tests run as root)
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return mkstemp(dir=dir, prefix=prefix)

    monkeypatch.setattr(signing.tempfile, "mkstemp", read_only_mount)
    with pytest.raises(CommandError, match="--ca-key-out"):
        run_rewrap()
    out = legacy_deployment.parent / "ca.key.new"
    assert "rewrapped" in run_rewrap("--ca-key-out", str(out))
    assert key_file.read_bytes() == legacy
    assert signing.ca_key_read(out.read_bytes()).private_numbers() == \
        signing.ca_key_read(legacy).private_numbers()


@pytest.mark.parametrize("purpose_written, purpose_read", [(envelope.SIGNER_KEY, envelope.CA_KEY),
                                                           (envelope.CA_KEY, envelope.SIGNER_KEY)])
def test_a_token_opens_only_for_its_purpose(purpose_written, purpose_read):
    token = envelope.wrap(b"kunci", purpose=purpose_written)
    with pytest.raises(envelope.KeyUnwrapError):
        envelope.unwrap(token, purpose=purpose_read)


def test_a_tampered_token_does_not_open():
    token = envelope.wrap(b"kunci", purpose=envelope.SIGNER_KEY)
    prefix, key_id, blob = token.split(":", 2)
    raw = bytearray(base64.b64decode(blob))
    raw[-1] ^= 1
    with pytest.raises(envelope.KeyUnwrapError):
        envelope.unwrap(f"{prefix}:{key_id}:{base64.b64encode(bytes(raw)).decode()}",
                        purpose=envelope.SIGNER_KEY)


@pytest.mark.parametrize("keys", [["nokey"], ["a:" + base64.b64encode(b"x" * 16).decode()], [OLD, OLD],
                                  ["bad id:" + base64.b64encode(b"A" * 32).decode()]])
def test_bad_signing_key_configuration_is_refused(keys):
    with override_settings(SIGNING_KEYS=keys), pytest.raises(ImproperlyConfigured):
        envelope.wrap(b"x", purpose=envelope.SIGNER_KEY)


def test_without_signing_keys_the_master_key_is_the_one_key(settings):
    settings.SIGNING_KEYS = []
    settings.SIGNING_MASTER_KEY = MASTER
    assert envelope.keyring() == ("master", {"master": b"m" * 32})
    settings.SIGNING_MASTER_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        envelope.keyring()
