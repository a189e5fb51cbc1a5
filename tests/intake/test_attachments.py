"""Attachments: private storage, type sniffed from the bytes, size limited, downloads logged."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.models import Role
from cases.intake import services as intake
from cases.intake.services import complaint_register
from cases.models import AccessLevel, Attachment, CaseEvent, EventType
from cases.services import case_grant_access
from common.models import AccessAction, AccessLog
from tests.factories import member
from tests.intake.helpers import complaint_input

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _signing_ca(signing_ca):
    """Every test here signs or stores files: a temporary CA and storage."""
    return signing_ca


@pytest.fixture
def complaint(uptd):
    return complaint_register(actor=member(uptd, Role.ADMIN_OFFICER), receiving_agency=uptd,
                              data=complaint_input())


def test_pdf_and_png_are_kept_with_their_sniffed_type(complaint, uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    a = intake.attachment_add(actor=officer, complaint=complaint,
                              uploaded=SimpleUploadedFile("Wulan visum.jpg", PDF, "image/jpeg"))
    assert a.content_type == "application/pdf"  # the bytes decide, not the name or the claim
    assert "Wulan" not in a.file.name
    b = intake.attachment_add(actor=officer, complaint=complaint,
                              uploaded=SimpleUploadedFile("foto.png", PNG, "image/png"))
    assert b.content_type == "image/png"
    assert CaseEvent.objects.filter(case=complaint.case, event_type=EventType.ATTACHMENT_ADDED).count() == 2


@pytest.mark.parametrize("content, message", [
    (b"MZ\x90\x00 not a document", intake.ATTACHMENT_TYPE_REFUSED),
    (b"<html><script>alert(1)</script>", intake.ATTACHMENT_TYPE_REFUSED),
    (b"", intake.ATTACHMENT_EMPTY),
])
def test_other_types_are_refused_and_nothing_is_saved(complaint, uptd, client, content, message):
    officer = member(uptd, Role.ADMIN_OFFICER)
    client.force_login(officer)
    resp = client.post(reverse("cases:attach", args=[complaint.case_id, complaint.public_id]),
                       {"file": SimpleUploadedFile("x.pdf", content, "application/pdf")}, follow=True)
    assert not Attachment.objects.exists()
    if content:
        assert str(message) in resp.content.decode()


def test_too_big_is_refused(complaint, uptd, settings, monkeypatch):
    monkeypatch.setattr(intake, "ATTACHMENT_MAX_BYTES", 100)
    with pytest.raises(intake.ValidationError) as exc:
        intake.attachment_add(actor=member(uptd, Role.ADMIN_OFFICER), complaint=complaint,
                              uploaded=SimpleUploadedFile("besar.pdf", PDF + b"0" * 200))
    assert intake.ATTACHMENT_TOO_BIG in exc.value.message_dict["file"]
    assert not Attachment.objects.exists()


def test_download_needs_full_access_and_is_logged(complaint, uptd, rsud, client):
    officer = member(uptd, Role.ADMIN_OFFICER)
    a = intake.attachment_add(actor=officer, complaint=complaint,
                              uploaded=SimpleUploadedFile("v.pdf", PDF))
    url = reverse("cases:attachment", args=[complaint.case_id, a.pk])
    client.force_login(officer)
    resp = client.get(url)
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == PDF
    assert AccessLog.objects.filter(action=AccessAction.DOWNLOAD, case=complaint.case).count() == 1
    # Summary-level staff and a service-level agency do not get it.
    client.force_login(member(uptd, Role.KONSELOR))
    assert client.get(url).status_code == 404
    case_grant_access(actor=member(uptd, Role.HEAD), case=complaint.case, agency=rsud,
                      level=AccessLevel.SERVICE)
    client.force_login(member(rsud, Role.HEALTH_WORKER))
    assert client.get(url).status_code == 404
