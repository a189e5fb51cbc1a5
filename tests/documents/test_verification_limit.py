"""The public verification page states the upload limit the server really lets through: the
request-size middleware passes ``DATA_UPLOAD_MAX_MEMORY_SIZE`` plus one attachment for a multipart
body, so the page never promises more (issue 12, one owner of the number)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from common.limits import ATTACHMENT_MAX_BYTES
from documents.verification import VerifyForm

pytestmark = pytest.mark.django_db


def test_the_verification_page_states_the_limit_the_middleware_lets_through(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # multipart bodies up to 1 MB + 10 MB pass
    page = client.get(reverse("verify")).content.decode()
    assert "maks. 11 MB" in page
    assert "15 MB" not in page


def test_a_pdf_over_the_real_limit_is_refused_with_that_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    limit = 1024 * 1024 + ATTACHMENT_MAX_BYTES
    big = SimpleUploadedFile("notula.pdf", b"%PDF-" + b"0" * (limit - 4), content_type="application/pdf")
    form = VerifyForm(data={}, files={"berkas": big})
    assert not form.is_valid()
    assert form.errors["berkas"] == ["Berkas terlalu besar (maks. 11 MB)."]
