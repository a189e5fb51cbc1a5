"""The PDF pipeline and PAdES signatures: real PDFs, read back and validated with pyHanko."""

import io

import pytest
from pypdf import PdfReader

from agencies.models import Role
from documents import signing
from documents.pdf import render_pdf
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _signing_ca(signing_ca):
    """Every test here signs or stores files: a temporary CA and storage."""
    return signing_ca


def _pdf(text="Notula rapat uji"):
    return render_pdf("pdf/test_document.html", {"text": text})


def test_rendered_pdf_embeds_its_fonts_and_reads_back():
    pdf = _pdf()
    reader = PdfReader(io.BytesIO(pdf))
    assert "Notula rapat uji" in reader.pages[0].extract_text()
    fonts = [f for page in reader.pages for f in page["/Resources"]["/Font"].values()]
    assert fonts and all("/FontFile2" in f.get_object()["/DescendantFonts"][0].get_object()
                         ["/FontDescriptor"].get_object() for f in fonts)


def test_signed_pdf_is_intact_valid_and_trusted(uptd):
    chair = member(uptd, Role.TP_KETUA)
    signed = signing.get_signer().sign_pdf(_pdf(), user=chair, reason="Pengesahan notula",
                                           location="Jakarta")
    result = signing.verify_pdf(signed)
    assert result.ok, result
    assert result.signer_name == chair.display_name
    # The signer's key is stored wrapped, never in clear.
    record = chair.signer_certificates.get()
    assert "PRIVATE KEY" not in record.encrypted_key


def test_flipped_byte_inside_the_signed_range_is_detected(uptd):
    signed = bytearray(signing.get_signer().sign_pdf(_pdf(), user=member(uptd, Role.TP_KETUA),
                                                     reason="r", location="Jakarta"))
    pos = bytes(signed).index(b"Notula") if b"Notula" in signed else 200
    signed[pos + 1] ^= 0x01
    result = signing.verify_pdf(bytes(signed))
    assert not result.ok and not result.intact


def test_incremental_update_after_signing_is_reported(uptd):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = signing.get_signer().sign_pdf(_pdf(), user=member(uptd, Role.TP_KETUA), reason="r",
                                           location="Jakarta")
    w = IncrementalPdfFileWriter(io.BytesIO(signed))
    w.document_meta.title = "Diubah setelah ditandatangani"
    w.root["/Terpadu"] = generic.NameObject("/Altered")
    w.update_root()
    buf = io.BytesIO()
    w.write(buf)
    result = signing.verify_pdf(buf.getvalue())
    assert result.intact and not result.covers_whole_file and not result.ok


def test_a_pdf_signed_by_another_ca_is_not_trusted(uptd, tmp_path, settings):
    signed = signing.get_signer().sign_pdf(_pdf(), user=member(uptd, Role.TP_KETUA), reason="r",
                                           location="Jakarta")
    settings.SIGNING_CA_CERT_FILE = str(tmp_path / "other.pem")
    settings.SIGNING_CA_KEY_FILE = str(tmp_path / "other.key")
    signing.create_dev_ca(common_name="Other CA")
    result = signing.verify_pdf(signed)
    assert result.intact and not result.trusted and not result.ok


def test_unsigned_and_garbage_are_unknown():
    assert not signing.verify_pdf(_pdf()).has_signature
    assert not signing.verify_pdf(b"not a pdf").has_signature
