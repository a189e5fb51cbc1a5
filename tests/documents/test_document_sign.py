"""One service for every signed document (documents.registry.document_sign), proved with a second
kind that is not the minutes: a test letter with lines (tests/fakedocs). The signer re-authenticates,
the letter is rendered, signed, registered, frozen — and only then do its effects run; a refusal
saves nothing."""

from __future__ import annotations

import io

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from agencies.models import Role
from agencies.reauth import BAD_PASSWORD, BAD_TOTP
from common.errors import ActionNotAllowed, ApplicationError
from documents import registry, signing
from documents.freeze import FROZEN_MESSAGE
from documents.models import SignedDocument
from documents.verification import verify_code
from tests.factories import member
from tests.fakedocs import kinds
from tests.fakedocs.models import FakeEffect, FakeLetter, FakeLetterLine

pytestmark = pytest.mark.django_db
PASSWORD = "sandi-uji-12345"


@pytest.fixture(autouse=True)
def _signing_ca(signing_ca):
    return signing_ca


def fresh_code(user) -> str:
    device = TOTPDevice.objects.get_or_create(user=user, name="uji", defaults={"confirmed": True})[0]
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=6):06d}"


@pytest.fixture
def letter(uptd):
    signer = member(uptd, Role.HEAD)
    letter = FakeLetter.objects.create(title="Rujukan uji", body="Mohon layanan konseling lanjutan.",
                                       signer=signer)
    FakeLetterLine.objects.create(letter=letter, text="Layanan psikologis")
    FakeLetterLine.objects.create(letter=letter, text="Pendampingan hukum")
    return letter


def sign(letter, user, *, password=PASSWORD, otp=None, shown=None, kind=kinds.FAKE_LETTER):
    return registry.document_sign(
        request=RequestFactory().post("/", REMOTE_ADDR="127.0.0.1"), actor=user, kind=kind, obj=letter,
        password=password, otp_token=otp or fresh_code(user),
        shown_content_hash=shown or kinds.FAKE_LETTER.content_hash(letter))


def refused(sql: str, params) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, params)
    except IntegrityError as exc:
        assert FROZEN_MESSAGE in str(exc)
        return True
    return False


def test_the_named_signer_signs_a_letter_that_renders_registers_and_verifies(letter):
    signed = sign(letter, letter.signer)
    doc = signed.document
    assert doc is not None and doc.kind == "fake_letter" and doc.title == "Surat uji Rujukan uji"
    assert (doc.object_type, doc.object_id) == ("fakedocs.fakeletter", str(letter.pk))
    assert doc.signer == letter.signer and doc.signer_position == "Penguji dokumen"
    with doc.pdf.open("rb") as fh:
        pdf = fh.read()
    assert registry.sha256(pdf) == doc.sha256
    check = signing.verify_pdf(pdf)
    assert check.ok and check.signer_name == letter.signer.display_name
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Mohon layanan konseling lanjutan." in text and "Pendampingan hukum" in text
    assert doc.code in text and letter.signer.display_name in text
    assert verify_code(doc.code).status == "valid"


def test_a_signed_letter_and_its_lines_are_frozen_in_the_database(letter, uptd):
    other = FakeLetter.objects.create(title="Belum", body="Draf", signer=letter.signer)
    other_line = FakeLetterLine.objects.create(letter=other, text="Masih boleh diubah")
    sign(letter, letter.signer)
    line = letter.lines.first()
    assert refused("UPDATE fakedocs_fakeletter SET body = 'diubah' WHERE id = %s", [letter.pk])
    assert refused("DELETE FROM fakedocs_fakeletter WHERE id = %s", [letter.pk])
    assert refused("UPDATE fakedocs_fakeletterline SET text = 'diubah' WHERE id = %s", [line.pk])
    assert refused("DELETE FROM fakedocs_fakeletterline WHERE id = %s", [line.pk])
    assert refused("INSERT INTO fakedocs_fakeletterline (letter_id, text) VALUES (%s, 'baru')", [letter.pk])
    # A line cannot be moved out of (or into) a signed letter either.
    assert refused("UPDATE fakedocs_fakeletterline SET letter_id = %s WHERE id = %s", [other.pk, line.pk])
    assert refused("UPDATE fakedocs_fakeletterline SET letter_id = %s WHERE id = %s",
                   [letter.pk, other_line.pk])
    # The registry row itself is append-only (common.append_only).
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE documents_signeddocument SET title = 'lain' WHERE object_id = %s",
                    [str(letter.pk)])
    # An unsigned letter of the same kind stays editable.
    assert not refused("UPDATE fakedocs_fakeletterline SET text = 'diubah' WHERE id = %s", [other_line.pk])
    assert not refused("UPDATE fakedocs_fakeletter SET body = 'diubah' WHERE id = %s", [other.pk])


def test_effects_run_once_after_the_freeze(letter):
    signed = sign(letter, letter.signer)
    effect = FakeEffect.objects.get(letter=letter)
    assert effect.code == signed.document.code
    assert effect.letter_was_frozen  # the effect ran on the frozen letter, in the signing transaction


def test_the_kind_may_be_named_by_its_code(letter):
    assert sign(letter, letter.signer, kind="fake_letter").document.kind == "fake_letter"


def nothing_saved(letter) -> bool:
    letter = FakeLetter.objects.get(pk=letter.pk)
    return (letter.document_id is None and not SignedDocument.objects.exists()
            and not FakeEffect.objects.exists())


@pytest.mark.parametrize("bad, message", [({"password": "salah-sekali"}, BAD_PASSWORD),
                                          ({"otp": "000000"}, BAD_TOTP),
                                          ({"shown": "0" * 64}, kinds.CONTENT_CHANGED)])
def test_failed_reauthentication_or_changed_content_saves_nothing(letter, bad, message, tmp_path):
    with pytest.raises(ApplicationError, match=str(message)):
        sign(letter, letter.signer, **bad)
    assert nothing_saved(letter)
    assert not (tmp_path / "private" / "signed").exists()  # no PDF stored (signing_ca's storage)


def test_someone_else_or_an_unready_letter_is_refused_before_the_code_is_asked(letter, uptd):
    stranger = member(uptd, Role.HEAD)
    with pytest.raises(ActionNotAllowed, match=str(kinds.NOT_SIGNER)):
        sign(letter, stranger, password="salah-sekali")  # refused for who they are, not the password
    letter.ready = False
    letter.save(update_fields=["ready"])
    with pytest.raises(ApplicationError, match=str(kinds.NOT_READY)):
        sign(letter, letter.signer)
    assert nothing_saved(letter)


def test_a_letter_is_signed_once(letter):
    sign(letter, letter.signer)
    with pytest.raises(ApplicationError, match=str(kinds.ALREADY_SIGNED)):
        sign(letter, letter.signer, otp="123456")
    assert SignedDocument.objects.count() == 1 and FakeEffect.objects.count() == 1
