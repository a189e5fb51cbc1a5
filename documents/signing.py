"""Digital signatures for documents (PAdES via pyHanko) under the deployment's internal CA.

The ``Signer`` interface is what services call; ``InternalCASigner`` is today's implementation.
A certified signature service (BSrE) or a hardware token replaces it by setting
``DOCUMENT_SIGNER_BACKEND`` to another class with the same ``sign_pdf`` method.

Key material (never derived from SECRET_KEY):
- the CA certificate and its private key come from files named by ``SIGNING_CA_CERT_FILE`` and
  ``SIGNING_CA_KEY_FILE`` (the key wrapped by documents.envelope; a PEM written before the envelope
  is still read); outside production a development CA is created there on first use;
- each signer's private key is stored in ``SignerCertificate.encrypted_key``, wrapped by
  documents.envelope, and unwrapped only in ``sign_pdf``.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from documents import envelope
from documents.models import SignerCertificate

CERT_VALIDITY = timedelta(days=365 * 2)


# --- the CA ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CertificateAuthority:
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def _ca_paths() -> tuple[Path, Path]:
    return Path(settings.SIGNING_CA_CERT_FILE), Path(settings.SIGNING_CA_KEY_FILE)


def create_dev_ca(*, common_name: str = "Terpadu Development CA",
                  deliberate: bool = False) -> CertificateAuthority:
    """A self-signed CA. Never created implicitly under production settings; ``deliberate=True`` is
    the ``signing_ca_create`` command, run once by an operator who then keeps the files safe."""
    if getattr(settings, "TERPADU_ENV", "") == "production" and not deliberate:
        raise ImproperlyConfigured("Production CA material must come from the environment.")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Pelayanan Terpadu DKI Jakarta (dev)"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])
    now = timezone.now()
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     key_cert_sign=True, crl_sign=True, encipher_only=False,
                                     decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = _ca_paths()
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.parent.mkdir(parents=True, exist_ok=True)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    ca_key_write(key_path, wrapped_ca_key(key))
    return CertificateAuthority(cert=cert, key=key)


def wrapped_ca_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return envelope.wrap(der, purpose=envelope.CA_KEY).encode() + b"\n"


def ca_key_write(path: Path, content: bytes) -> None:
    """Write the CA key file whole or not at all (a temporary file renamed over it), mode 0600."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".ca-key-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def ca_key_read(content: bytes) -> ec.EllipticCurvePrivateKey:
    """The CA key from its file: an envelope token, or a PEM from before the envelope."""
    if content.lstrip().startswith(b"-----BEGIN"):
        return serialization.load_pem_private_key(content, password=envelope.legacy_ca_password())
    der = envelope.unwrap(content.decode("ascii").strip(), purpose=envelope.CA_KEY)
    return serialization.load_der_private_key(der, password=None)


def load_ca(*, create_if_missing: bool | None = None) -> CertificateAuthority:
    cert_path, key_path = _ca_paths()
    if not cert_path.exists() or not key_path.exists():
        if create_if_missing is None:
            create_if_missing = getattr(settings, "TERPADU_ENV", "") != "production"
        if not create_if_missing:
            raise ImproperlyConfigured(
                f"Signing CA not found: set SIGNING_CA_CERT_FILE and SIGNING_CA_KEY_FILE "
                f"(looked for {cert_path} and {key_path}).")
        return create_dev_ca()
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    return CertificateAuthority(cert=cert, key=ca_key_read(key_path.read_bytes()))


# --- signer certificates ---------------------------------------------------------------------------

def certificate_issue(*, user, position: str = "") -> SignerCertificate:
    """Issue a signing certificate for ``user`` (EC P-256) and store its key wrapped."""
    ca = load_ca()
    key = ec.generate_private_key(ec.SECP256R1())
    display = getattr(user, "display_name", str(user))
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Tim Percepatan Pelayanan Terpadu"),
        *([x509.NameAttribute(NameOID.TITLE, position[:64])] if position else []),
        x509.NameAttribute(NameOID.COMMON_NAME, display[:64]),
        x509.NameAttribute(NameOID.USER_ID, user.username[:64]),
    ])
    now = timezone.now()
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(ca.cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + CERT_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     key_cert_sign=False, crl_sign=False, encipher_only=False,
                                     decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
                       critical=False)
        .sign(ca.key, hashes.SHA256())
    )
    key_der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return SignerCertificate.objects.create(
        user=user, serial=format(cert.serial_number, "x"), subject=cert.subject.rfc4514_string(),
        cert_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
        encrypted_key=envelope.wrap(key_der, purpose=envelope.SIGNER_KEY),
        not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc,
    )


def certificate_for(user, *, position: str = "") -> SignerCertificate:
    now = timezone.now()
    current = SignerCertificate.objects.filter(user=user, revoked_at__isnull=True,
                                               not_before__lte=now, not_after__gt=now).first()
    return current or certificate_issue(user=user, position=position)


# --- signing -----------------------------------------------------------------------------------------

class Signer(Protocol):
    def sign_pdf(self, pdf: bytes, *, user, reason: str, location: str,
                 signed_at: datetime | None = None) -> bytes: ...


class InternalCASigner:
    """PAdES B-B signature with the signer's own certificate from the internal CA."""

    field_name = "TandaTanganPimpinanRapat"

    def sign_pdf(self, pdf: bytes, *, user, reason: str, location: str,
                 signed_at: datetime | None = None) -> bytes:
        from asn1crypto import keys as asn1_keys
        from asn1crypto import x509 as asn1_x509
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        ca = load_ca()
        record = certificate_for(user)
        key_der = envelope.unwrap(record.encrypted_key, purpose=envelope.SIGNER_KEY)  # in memory, now
        signer = signers.SimpleSigner(
            signing_cert=asn1_x509.Certificate.load(
                x509.load_pem_x509_certificate(record.cert_pem.encode()).public_bytes(
                    serialization.Encoding.DER)),
            signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
            cert_registry=SimpleCertificateStore.from_certs([
                asn1_x509.Certificate.load(ca.cert.public_bytes(serialization.Encoding.DER))]),
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        meta = signers.PdfSignatureMetadata(
            field_name=self.field_name, reason=reason, location=location,
            subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
            name=getattr(user, "display_name", str(user)),
        )
        out = signers.sign_pdf(writer, meta, signer=signer)
        return out.getvalue()


def get_signer() -> Signer:
    from django.utils.module_loading import import_string

    return import_string(settings.DOCUMENT_SIGNER_BACKEND)()


# --- verification ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PdfVerification:
    has_signature: bool
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    covers_whole_file: bool = False
    signer_name: str = ""
    signed_at: datetime | None = None
    problem: str = ""
    #: The signer certificate was issued by our CA (checked on the certificate alone, so a document
    #: whose bytes were changed is still recognised as one of ours, and reported as altered).
    issued_by_our_ca: bool = False

    @property
    def ok(self) -> bool:
        return self.has_signature and self.intact and self.valid and self.trusted and self.covers_whole_file


def verify_pdf(pdf: bytes) -> PdfVerification:
    """Validate the first PAdES signature of ``pdf`` against the deployment CA."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        sigs = reader.embedded_signatures
    except Exception as exc:  # not a PDF, or a PDF broken beyond reading
        return PdfVerification(has_signature=False, problem=f"unreadable: {type(exc).__name__}")
    if not sigs:
        return PdfVerification(has_signature=False, problem="no signature")
    ca = load_ca()
    vc = ValidationContext(trust_roots=[asn1_x509.Certificate.load(
        ca.cert.public_bytes(serialization.Encoding.DER))])
    try:
        status = validate_pdf_signature(sigs[0], vc)
    except (SignatureValidationError, ValueError, KeyError) as exc:
        return PdfVerification(has_signature=True, problem=f"invalid: {type(exc).__name__}")
    cert = status.signing_cert
    ours = _issued_by(cert, ca)
    name = ""
    if cert is not None:
        try:
            name = cert.subject.native.get("common_name", "")
        except Exception:  # noqa: BLE001 — a name we cannot read is shown as unknown
            name = ""
    return PdfVerification(
        has_signature=True, intact=bool(status.intact), valid=bool(status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer_name=name, signed_at=getattr(status, "signer_reported_dt", None),
        issued_by_our_ca=ours,
    )


def _issued_by(asn1_cert, ca: CertificateAuthority) -> bool:
    if asn1_cert is None:
        return False
    try:
        cert = x509.load_der_x509_certificate(asn1_cert.dump())
        cert.verify_directly_issued_by(ca.cert)
        return True
    except Exception:  # noqa: BLE001 — any failure means "not ours"
        return False


@transaction.atomic
def revoke_certificate(*, record: SignerCertificate) -> None:
    record.revoked_at = timezone.now()
    record.save(update_fields=["revoked_at"])
