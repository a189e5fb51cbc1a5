"""Through a real browser: the receiving agency's officer withdraws a victim's consent on the case
page — the browser asks first, saying what will happen; dismissing it changes nothing."""

from __future__ import annotations

import pytest

from agencies.models import Role
from cases.intake.services import complaint_register
from tests.factories import member
from tests.intake.helpers import complaint_input

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_withdrawing_a_consent_asks_first(page, live_server, sign_in, uptd, screenshot):
    officer = member(uptd, Role.ADMIN_OFFICER)
    complaint = complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input())
    consent = complaint.victims.get().consents.get()
    sign_in(page, officer)
    page.goto(f"{live_server.url}/kasus/{complaint.case_id}/")
    row = page.locator(f"#consent-{consent.pk}")
    assert "Berbagi data dengan lembaga" in row.inner_text() and "berlaku" in row.inner_text()
    row.get_by_text("Tarik persetujuan").click()
    row.locator("textarea[name=note]").fill("Korban menelepon dan menarik persetujuannya.")

    dialogs = []

    def answer(dialog, accept):
        dialogs.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, accept=False))
    row.get_by_role("button", name="Tarik", exact=True).click()
    assert dialogs and "tidak berlaku lagi" in dialogs[0]
    consent.refresh_from_db()
    assert consent.withdrawn_at is None

    page.once("dialog", lambda d: answer(d, accept=True))
    with page.expect_navigation():
        row.get_by_role("button", name="Tarik", exact=True).click()
    assert "Persetujuan ditarik" in page.content()
    assert "ditarik" in page.locator(f"#consent-{consent.pk}").inner_text()
    screenshot(page, "consent-withdrawn")
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_by == officer
