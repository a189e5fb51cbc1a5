"""The public verification page: valid, altered or unknown — and nothing about the case."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role
from documents import registry as documents
from documents import signing
from documents.pdf import render_pdf
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _signing_ca(signing_ca):
    """Every test here signs or stores files: a temporary CA and storage."""
    return signing_ca


@pytest.fixture
def signed_doc(uptd):
    chair = member(uptd, Role.TP_KETUA)
    code = documents.new_document_code()
    pdf = render_pdf("pdf/test_document.html", {"text": f"Notula rapat uji {code}", "code": code})
    signed = signing.get_signer().sign_pdf(pdf, user=chair, reason="Pengesahan", location="Jakarta")
    doc = documents.document_register(
        code=code, kind="minutes", title="Notula rapat penelaahan", obj=chair, pdf=signed,
        content_hash="x" * 64, signer=chair, signer_name=chair.display_name,
        signer_position="Ketua Tim Percepatan", signed_at=timezone.now(),
        subject_date=timezone.localdate())
    return doc, signed


def test_code_verifies_as_valid_without_login(client, signed_doc):
    doc, _ = signed_doc
    resp = client.get(reverse("verify"), {"kode": doc.code})
    page = resp.content.decode()
    assert resp.status_code == 200 and "SAH" in page and doc.signer_name in page


def test_upload_of_the_exact_pdf_is_valid(client, signed_doc):
    doc, signed = signed_doc
    resp = client.post(reverse("verify"), {"berkas": SimpleUploadedFile("n.pdf", signed, "application/pdf")})
    assert "SAH" in resp.content.decode()


def test_upload_with_one_byte_changed_is_altered(client, signed_doc):
    doc, signed = signed_doc
    tampered = bytearray(signed)
    tampered[300] ^= 0x01
    resp = client.post(reverse("verify"), {"berkas": SimpleUploadedFile("n.pdf", bytes(tampered))})
    assert "DIUBAH" in resp.content.decode()


def test_incremental_update_is_altered(client, signed_doc):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    doc, signed = signed_doc
    w = IncrementalPdfFileWriter(io.BytesIO(signed))
    w.document_meta.title = "Diubah"
    w.update_root()
    buf = io.BytesIO()
    w.write(buf)
    resp = client.post(reverse("verify"), {"berkas": SimpleUploadedFile("n.pdf", buf.getvalue())})
    assert "DIUBAH" in resp.content.decode()


def test_unknown_code_and_unsigned_pdf_are_unknown(client):
    assert "TIDAK DIKENAL" in client.get(reverse("verify"), {"kode": "TPD-AAAA-BBBB"}).content.decode()
    plain = render_pdf("pdf/test_document.html", {"text": "bukan dokumen resmi"})
    resp = client.post(reverse("verify"), {"berkas": SimpleUploadedFile("x.pdf", plain)})
    assert "TIDAK DIKENAL" in resp.content.decode()


def test_empty_form_is_a_clear_400(client):
    resp = client.post(reverse("verify"), {})
    assert resp.status_code == 400 and "Masukkan kode dokumen" in resp.content.decode()


def test_verification_is_rate_limited(client, settings):
    settings.VERIFY_RATE_LIMIT = "5/h"
    statuses = [client.get(reverse("verify"), {"kode": "TPD-AAAA-BBBB"}).status_code for _ in range(7)]
    assert statuses[:5] == [200] * 5 and statuses[-1] == 429, statuses
