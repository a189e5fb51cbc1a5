"""Through a real browser, a whole meeting with an emergency (R9, SKB E.3.b; issue 13 point 5): the
screening first proposes the case for ordinary selection; it then becomes an emergency (action
first, temporary grant to the hospital); at the meeting it is an emergency item whose options are
confirm or revoke — never "select" — each step asks once and says what follows, the chair's home
page says the minutes wait for her signature, she signs, and the confirmation takes effect."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.models import Role
from cases.models import CaseGrant, CaseStatus, GrantSource
from common.models import Notification
from meetings import services
from meetings.models import AgendaItem, DecisionKind, MinutesStatus
from tests.factories import member
from tests.meetings.helpers import make_team, register

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _signing_ca(signing_ca):
    return signing_ca


def code_for(device: TOTPDevice, steps_back: int = 0) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0 + steps_back * device.step, digits=6):06d}"


def sign_out(page):
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url("**/akun/masuk/")


def accept_next_dialog(page, seen: list):
    def _accept(dialog):
        seen.append(dialog.message)
        dialog.accept()

    page.once("dialog", _accept)


def test_a_whole_meeting_where_the_emergency_keeps_its_options(page, live_server, sign_in, uptd, rsud,
                                                                 screenshot):
    from triage.services import emergency_refer, triage_record

    team = make_team(uptd)
    head = member(uptd, Role.HEAD)
    rsud_head = member(rsud, Role.HEAD)
    presenter = member(uptd, Role.PENDAMPING)
    complaint = register(uptd, name="Wulan Sekar Arum", nik="3174054101900099")
    case = complaint.case
    meeting = services.meeting_create(actor=team.sekretaris, starts_at=timezone.now() + timedelta(minutes=3),
                                      place="Ruang Rapat KemenPPPA")
    base = f"{live_server.url}/rapat/{meeting.pk}"
    dialogs: list[str] = []

    # The secretary screens: the complaint is proposed for ordinary selection (asked once).
    sign_in(page, team.sekretaris)
    page.goto(f"{base}/penyaringan/")
    page.select_option(f"#outcome-{complaint.public_id}", "proposed")
    accept_next_dialog(page, dialogs)
    page.click("#screening-submit")
    assert page.get_by_text("1 pengaduan disaring.").is_visible()
    assert "tidak dapat diubah" in dialogs[-1]

    # Meanwhile the receiving agency finds it an emergency: action first, a temporary grant.
    triage_record(actor=head, complaint=complaint, emergency_conditions=["severe_injury"],
                  complexity_conditions=[], needs_multiple_services=True, cross_region=False,
                  complexity_change_reason="Tidak ada relasi kuasa menurut verifikasi")
    emergency_refer(actor=head, case=case, agencies=[rsud], hours=72)

    # The meeting opens (asked once, saying what follows).
    page.goto(f"{base}/")
    for user in (team.ketua, team.sekretaris, team.anggota):
        page.get_by_label(user.display_name, exact=True).check()
    accept_next_dialog(page, dialogs)
    page.get_by_role("button", name="Buka rapat").click()
    assert page.locator("#presiding").inner_text() == team.ketua.display_name
    assert "Kehadiran" in dialogs[-1]
    item = AgendaItem.objects.get(meeting=meeting, case=case)

    # The presentation and the joint assessment (through the services: not what this test is about).
    services.presentation_save(actor=presenter, item=item, chronology="Korban WSA dianiaya suami.",
                               current_condition="Dirawat di RSUD, stabil.", obstacles="Pelaku buron.")
    services.assessment_save(actor=team.sekretaris, item=item,
                             ratings={"violence": 4, "urgency": 4, "psychosocial": 3, "coordination": 2})

    # The agenda and the item call it an emergency; its options are confirm, revoke or defer.
    page.goto(f"{base}/agenda/")
    assert "Kasus darurat menunggu penetapan formal" in page.locator("#agenda").inner_text()
    page.goto(f"{base}/agenda/{item.pk}/")
    assert page.locator("#item-kind").inner_text() == "Kasus darurat menunggu penetapan formal"
    options = page.locator("#decision-form select[name=kind] option")
    values = {options.nth(i).get_attribute("value") for i in range(options.count())} - {""}
    assert values == {DecisionKind.EMERGENCY_CONFIRM, DecisionKind.EMERGENCY_REVOKE, DecisionKind.DEFER}
    screenshot(page, "emergency-item")
    page.select_option("#decision-form select[name=kind]", DecisionKind.EMERGENCY_CONFIRM)
    page.locator("#decision-form").get_by_label(rsud.name, exact=True).check()
    page.select_option("#decision-form select[name=coordinator_agency]", label=uptd.name)
    page.get_by_role("button", name="Catat keputusan").click()
    assert page.get_by_text("Keputusan dicatat.").is_visible()
    assert team.ketua.display_name in page.locator("#case-coordinator").inner_text()

    # Closing asks once and says what follows; the minutes go for signature.
    page.goto(f"{base}/")
    accept_next_dialog(page, dialogs)
    page.click("#close-meeting")
    page.wait_for_load_state()
    assert "ajukan untuk ditandatangani" in dialogs[-1]
    page.goto(f"{base}/notula/")
    accept_next_dialog(page, dialogs)
    page.click("#minutes-ready")
    page.wait_for_load_state()
    meeting.minutes.refresh_from_db()
    assert meeting.minutes.status == MinutesStatus.READY
    sign_out(page)

    # The chair's home page says the minutes wait for her signature; she signs from there.
    device = TOTPDevice.objects.create(user=team.ketua, name="HP", confirmed=True)
    sign_in(page, team.ketua)
    page.fill("#id_otp_token", code_for(device, steps_back=1))
    page.get_by_role("button", name="Verifikasi").click()
    page.wait_for_url(f"{live_server.url}/")
    waiting = page.locator("#home-to-sign")
    assert "1 notula menunggu tanda tangan Anda." in waiting.inner_text()
    waiting.get_by_role("link", name=meeting.title).click()
    assert "Menandatangani notula" in page.locator("#sign-form").get_attribute("data-working")
    page.fill("#id_password", "sandi-uji-12345")
    page.fill("#id_otp_token", code_for(device))
    accept_next_dialog(page, dialogs)
    page.click("#sign-submit", no_wait_after=True)  # signing renders and signs the PDF: it takes a while
    page.wait_for_url(f"**/rapat/{meeting.pk}/notula/", timeout=60_000)
    screenshot(page, "emergency-signed")

    # The confirmation took effect: the hospital's access stands on the decision, the case is
    # selected, the hospital was told and the Ketua coordinates.
    meeting.minutes.refresh_from_db()
    case.refresh_from_db()
    assert meeting.minutes.status == MinutesStatus.SIGNED
    assert case.status == CaseStatus.SELECTED and not case.awaiting_formal_decision
    assert CaseGrant.objects.filter(content_object=case, group=rsud.group, revoked_at__isnull=True,
                                    source=GrantSource.SIGNED_DECISION).exists()
    assert Notification.objects.filter(user=rsud_head, kind="decision_signed").exists()
    assert meeting.decisions.get().case_coordinator == team.ketua
