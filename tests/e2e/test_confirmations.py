"""Through a real browser (issue 12 point 6): the first triage save and an identity grant ask once,
saying what will happen; dismissing leaves nothing saved; a form being sent says it is working."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.models import Role
from cases.intake.services import complaint_register
from cases.models import AccessLevel, CaseEvent, CaseGrant, EventType, GrantBasis
from tests.factories import member
from tests.intake.helpers import complaint_input
from triage.models import TriageAssessment

pytestmark = [pytest.mark.django_db(transaction=True)]


def _answer(dialogs, accept):
    def handler(dialog):
        dialogs.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()
    return handler


def test_the_first_triage_save_asks_what_follows_and_shows_it_is_working(page, live_server, sign_in, uptd,
                                                                          screenshot):
    officer = member(uptd, Role.ADMIN_OFFICER)
    complaint = complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input())
    sign_in(page, officer)
    page.goto(f"{live_server.url}/triase/{complaint.case_id}/")
    page.check("#triage-form input[name=needs_multiple_services][value=ya]")
    page.check("#triage-form input[name=cross_region][value=tidak]")
    save = page.locator("#triage-form button[type=submit]")

    dialogs = []
    page.once("dialog", _answer(dialogs, accept=False))
    save.click()
    assert dialogs and "Simpan verifikasi dan triase pertama?" in dialogs[0]
    assert "Terverifikasi" in dialogs[0] and "tidak dapat diurungkan" in dialogs[0]
    assert not TriageAssessment.objects.filter(complaint=complaint).exists()
    assert save.is_enabled()

    # Accepted: while the server works, the button says so and cannot send the form twice (what
    # the button showed is kept when the page is left, and read on the next one).
    page.evaluate("""() => window.addEventListener("pagehide", () => {
        const b = document.querySelector("#triage-form button[type=submit]");
        sessionStorage.setItem("busy", b.disabled + "|" + b.textContent);
    })""")
    page.once("dialog", _answer(dialogs, accept=True))
    with page.expect_navigation():
        save.click()
    assert len(dialogs) == 2
    assert page.evaluate("sessionStorage.getItem('busy')") == "true|Memproses…"
    screenshot(page, "triage-first-save-done")
    assert TriageAssessment.objects.filter(complaint=complaint).count() == 1

    # A second save asks again, saying the earlier result is replaced.
    page.goto(f"{live_server.url}/triase/{complaint.case_id}/")
    page.once("dialog", _answer(dialogs, accept=False))
    page.locator("#triage-form button[type=submit]").click()
    assert "Hasil sebelumnya" in dialogs[-1]


def test_an_identity_grant_repeats_what_is_shared_with_whom_before_saving(page, live_server, sign_in, uptd,
                                                                          rsud, screenshot):
    officer = member(uptd, Role.ADMIN_OFFICER)
    complaint = complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input())
    case = complaint.case
    head = member(uptd, Role.HEAD)
    device = TOTPDevice.objects.create(user=head, name="HP", confirmed=True)
    sign_in(page, head)
    device.refresh_from_db()
    page.fill("#id_otp_token", f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=6):06d}")
    page.get_by_role("button", name="Verifikasi").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/kasus/{case.pk}/#grants")
    # The form (every agency in its list) is loaded when the head opens it, not on every view.
    assert page.locator("#grant-form").count() == 0
    page.locator("#grant-open > summary").click()
    page.select_option("#grant_agency", label=rsud.name)
    page.select_option("#grant_level", str(AccessLevel.FULL.value))
    page.fill("#grant_reason", "Visum et repertum di rumah sakit.")
    # A form loaded by htmx says it is working too (the handlers listen on the document).
    page.evaluate("""() => window.addEventListener("pagehide", () => {
        const b = document.querySelector("#grant-form button[type=submit]");
        sessionStorage.setItem("busy", b.disabled + "|" + b.textContent);
    })""")
    with page.expect_navigation():
        page.locator("#grant-form button[type=submit]").click()
    assert page.evaluate("sessionStorage.getItem('busy')") == "true|Memproses…"

    dialog = page.get_by_role("alertdialog")
    text = dialog.inner_text()
    assert "Bagikan identitas korban?" in text
    assert "Identitas korban dibagikan kepada RSUD Uji sampai" in text
    assert "atas dasar persetujuan korban/orang tua/wali" in text and "Visum et repertum" in text
    screenshot(page, "identity-grant-confirm")
    assert not CaseGrant.objects.filter(content_object=case).exists()

    # Dismissed: nothing saved, the form is there again.
    dialog.get_by_role("link", name="Batal").click()
    page.wait_for_load_state()
    assert page.get_by_role("alertdialog").count() == 0
    assert not CaseGrant.objects.filter(content_object=case).exists()
    assert not CaseEvent.objects.filter(case=case, event_type=EventType.ACCESS_GRANTED).exists()

    # Confirmed: saved, and the list shows reason, basis and expiry.
    page.select_option("#grant_agency", label=rsud.name)
    page.select_option("#grant_level", str(AccessLevel.FULL.value))
    page.fill("#grant_reason", "Visum et repertum di rumah sakit.")
    page.locator("#grant-form button[type=submit]").click()
    page.wait_for_load_state()
    with page.expect_navigation():
        page.get_by_role("alertdialog").get_by_role("button", name="Ya, bagikan identitas").click()
    grant = CaseGrant.objects.get(content_object=case)
    assert grant.level == AccessLevel.FULL and grant.basis == GrantBasis.CONSENT
    row = page.locator(f"#grant-{grant.pk}").inner_text()
    assert "Visum et repertum" in row and "persetujuan korban/orang tua/wali" in row
    assert "sampai dicabut" not in row
    assert "Akses diberikan. Identitas korban dibagikan kepada RSUD Uji" in page.content()
