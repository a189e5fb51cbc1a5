"""Through a real browser: an officer registers a complaint with two victims, sees it in the work
queue with its 24-hour clock, and records the initial response that stops the clock."""

from __future__ import annotations

import pytest

from agencies.models import Role
from cases.models import Complaint
from tests.factories import member

pytestmark = pytest.mark.django_db(transaction=True)


def test_register_two_victims_queue_and_respond(page, live_server, sign_in, uptd, screenshot):
    officer = member(uptd, Role.ADMIN_OFFICER)
    sign_in(page, officer)
    page.goto(f"{live_server.url}/kasus/antrian/")
    page.get_by_role("link", name="Catat pengaduan baru").click()

    page.select_option("#id_channel", "hotline")
    page.fill("#id_victims-0-full_name", "Kirana Larasati")
    page.select_option("#id_victims-0-category", "adult_woman")
    page.fill("#id_victims-0-nik", "3174054101900123")
    page.fill("#id_victims-0-phone", "081311112222")
    page.fill("#id_victims-1-full_name", "Bima Larasati")
    page.select_option("#id_victims-1-category", "witness")
    page.select_option("#id_victims-1-sex", "m")
    page.check("input[name=violence_types][value=kdrt]")
    page.fill("#id_chronology", "Korban menelepon SAPA 129 setelah dipukul pasangan.")
    page.select_option("#id_perpetrators-0-relation", "spouse")
    page.select_option("#id_consent_by", "victim")
    screenshot(page, "intake-register")
    page.click("#register-submit")

    page.wait_for_url("**/kasus/*/")
    complaint = Complaint.objects.get()
    assert complaint.victims.count() == 2
    number = complaint.case.number
    assert number in page.content()
    # The NIK never lands in a URL.
    assert "3174054101900123" not in page.url

    page.goto(f"{live_server.url}/kasus/antrian/")
    row = page.locator("#queue tbody tr", has_text=number)
    assert row.count() == 1
    clock = row.locator("td.clock").inner_text()
    assert clock.startswith("sisa 23 j") or clock.startswith("sisa 24 j")
    screenshot(page, "intake-queue")

    row.get_by_role("link", name=number).click()
    page.select_option("#id_method", "phone")
    page.select_option("#id_successful", "1")
    # Recording the response stops the clock for good: the browser asks first.
    dialogs = []
    page.once("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    page.get_by_role("button", name="Catat respons awal").click()
    page.wait_for_load_state()
    assert dialogs and "menghentikan hitungan batas waktu" in dialogs[0]
    assert "Respons awal dicatat" in page.content()
    complaint.refresh_from_db()
    assert complaint.responded_at is not None

    page.goto(f"{live_server.url}/kasus/antrian/")
    assert page.locator("#queue tbody tr", has_text=number).count() == 0
