"""Through a real browser (issue 12, point 5): a refused registration shows every error in a summary
whose links put the cursor in the field; free texts count against their limit; the kecamatan list
follows the city; a file over the upload limit is stopped before the form is sent."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from agencies.models import Role
from cases.models import Attachment, Complaint
from common import limits
from tests.factories import member

pytestmark = pytest.mark.django_db(transaction=True)


def test_summary_links_counter_and_kecamatan_list(page, live_server, sign_in, uptd, screenshot):
    sign_in(page, member(uptd, Role.ADMIN_OFFICER))
    page.goto(f"{live_server.url}/kasus/pengaduan/baru/")

    counter = page.locator("#id_chronology-counter")
    expect(counter).to_have_text("0 dari 10.000 karakter")
    page.fill("#id_chronology", "Korban")
    expect(counter).to_have_text("6 dari 10.000 karakter")
    page.fill("#id_chronology", "")

    page.select_option("#id_victims-0-region", "3174")  # Kota Jakarta Selatan
    shown = page.locator("#id_victims-0-kecamatan option[data-region]:not([hidden])")
    expect(shown).to_have_count(10)
    assert set(shown.evaluate_all("os => os.map(o => o.dataset.region)")) == {"3174"}
    page.select_option("#id_victims-0-kecamatan", "31.74.01")  # Tebet

    # No victim named and no chronology: both are listed after one submit.
    page.check("input[name=violence_types][value=kdrt]")
    page.click("#register-submit")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(2)
    screenshot(page, "register-error-summary")
    summary.get_by_role("link", name="Korban 1 — Nama lengkap korban").click()
    expect(page.locator("#id_victims-0-full_name")).to_be_focused()
    summary.get_by_role("link", name="Kronologi singkat").click()
    expect(page.locator("#id_chronology")).to_be_focused()
    # What was chosen is kept.
    expect(page.locator("#id_victims-0-kecamatan")).to_have_value("31.74.01")
    assert not Complaint.objects.exists()


def test_a_file_over_the_upload_limit_is_stopped_before_sending(page, live_server, sign_in, uptd,
                                                                monkeypatch):
    from cases.intake.services import complaint_register
    from tests.intake.helpers import complaint_input

    monkeypatch.setattr(limits, "ATTACHMENT_MAX_BYTES", 1024)  # the page tells the browser this limit
    officer = member(uptd, Role.ADMIN_OFFICER)
    complaint = complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input())
    sign_in(page, officer)
    page.goto(f"{live_server.url}/kasus/{complaint.case_id}/")
    page.set_input_files("input[type=file][name=file]", files=[
        {"name": "visum.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n" + b"0" * 4096}])
    warning = page.locator(".size-warning")
    expect(warning).to_have_text("Berkas visum.pdf berukuran 4 KB, melebihi batas 1 KB. Pilih berkas yang "
                                 "lebih kecil; formulir belum dikirim.")
    page.get_by_role("button", name="Unggah lampiran").click()
    expect(page.locator("input[type=file][name=file]")).to_be_focused()
    assert not Attachment.objects.exists()
