"""Signed documents: the registry behind the public verification page.

A document code is chosen before rendering (it is printed on the page and in the QR), the PDF is
signed, then stored here with its SHA-256. Verification answers *valid*, *altered* or *unknown*
and never reveals anything but signer, position, signing time and the document's date."""

from __future__ import annotations

import hashlib
import io
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse

from common.models import SignedDocument
from common.signing import PdfVerification, verify_pdf

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_RE = re.compile(r"TPD-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}")


def new_document_code() -> str:
    while True:
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(8))
        code = f"TPD-{raw[:4]}-{raw[4:]}"
        if not SignedDocument.objects.filter(code=code).exists():
            return code


def verification_url(code: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{reverse('verify')}?kode={code}"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def document_register(*, code: str, kind: str, title: str, obj, pdf: bytes, content_hash: str,
                      signer, signer_name: str, signer_position: str, signed_at: datetime,
                      subject_date: date | None) -> SignedDocument:
    doc = SignedDocument(
        code=code, kind=kind, title=title, object_type=obj._meta.label_lower, object_id=str(obj.pk),
        sha256=sha256(pdf), content_hash=content_hash, signer=signer, signer_name=signer_name,
        signer_position=signer_position, signed_at=signed_at, subject_date=subject_date,
    )
    doc.pdf.save(f"{code}.pdf", ContentFile(pdf), save=False)
    doc.save()
    return doc


@dataclass(frozen=True)
class Verdict:
    status: str  # "valid" | "altered" | "unknown"
    document: SignedDocument | None = None
    detail: str = ""


def _code_in(pdf: bytes) -> str | None:
    """The document code from the PDF's metadata (keywords/subject/title), if it can be read."""
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader

        meta = PdfFileReader(io.BytesIO(pdf), strict=False).document_meta_view
        text = " ".join(str(x) for x in (meta.keywords, meta.subject, meta.title) if x)
    except Exception:  # noqa: BLE001 — an unreadable PDF simply has no code
        text = ""
    m = CODE_RE.search(text)
    return m.group(0) if m else None


def verify_code(code: str) -> Verdict:
    code = (code or "").strip().upper()
    doc = SignedDocument.objects.filter(code=code).first() if CODE_RE.fullmatch(code) else None
    if doc is None:
        return Verdict("unknown")
    with doc.pdf.open("rb") as fh:
        stored = fh.read()
    if sha256(stored) != doc.sha256 or not verify_pdf(stored).ok:
        return Verdict("altered", doc, "stored copy no longer matches")
    return Verdict("valid", doc)


def verify_upload(pdf: bytes) -> Verdict:
    doc = SignedDocument.objects.filter(sha256=sha256(pdf)).first()
    check: PdfVerification = verify_pdf(pdf)
    if doc is not None and check.ok:
        return Verdict("valid", doc)
    code = _code_in(pdf)
    claimed = SignedDocument.objects.filter(code=code).first() if code else None
    if claimed is not None or doc is not None or check.issued_by_our_ca:
        return Verdict("altered", claimed or doc,
                       "tanda tangan tidak utuh" if not check.intact
                       else "berkas diubah setelah ditandatangani")
    return Verdict("unknown")
