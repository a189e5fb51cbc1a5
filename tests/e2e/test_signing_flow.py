"""Through a real browser: the presiding officer signs the minutes with password and TOTP, downloads
the signed PDF, and the public verification page says it is valid — and that a changed copy is not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from meetings import services
from meetings.models import DecisionKind, MinutesStatus
from tests.meetings.helpers import decide, make_meeting, make_team, propose_and_open, register

pytestmark = pytest.mark.django_db(transaction=True)


def code_for(device: TOTPDevice, steps_back: int = 0) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0 + steps_back * device.step, digits=6):06d}"


@pytest.fixture(autouse=True)
def _signing_ca(signing_ca):
    """Every test here signs or stores files: a temporary CA and storage."""
    return signing_ca


def test_presiding_officer_signs_and_the_pdf_verifies(page, live_server, sign_in, uptd, rsud, tmp_path,
                                                       screenshot):
    team = make_team(uptd)
    complaint = register(uptd, name="Wulan Sekar Arum", nik="3174054101900099")
    meeting = make_meeting(team)
    propose_and_open(team, meeting, [complaint])
    decide(team, meeting, complaint.case, DecisionKind.SELECT, serving_agencies=[rsud],
           coordinator_agency=uptd)
    services.action_item_add(actor=team.sekretaris, decision=meeting.decisions.get(),
                             description="Visum di RSUD", responsible_agency=rsud,
                             due_date=timezone.localdate() + timedelta(days=5))
    services.meeting_close(actor=team.sekretaris, meeting=meeting)
    services.minutes_mark_ready(actor=team.sekretaris, meeting=meeting)
    device = TOTPDevice.objects.create(user=team.ketua, name="HP", confirmed=True)

    # Sign-in as a TOTP role: password, then a code (one step back, so the next code stays fresh).
    sign_in(page, team.ketua)
    page.fill("#id_otp_token", code_for(device, steps_back=1))
    page.get_by_role("button", name="Verifikasi").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/rapat/{meeting.pk}/notula/")
    page.click("#minutes-sign-link")
    assert complaint.case.number in page.content() and "Wulan" not in page.content()
    page.fill("#id_password", "sandi-uji-12345")
    page.fill("#id_otp_token", code_for(device))
    screenshot(page, "minutes-sign")
    page.once("dialog", lambda d: d.accept())
    page.click("#sign-submit")
    page.wait_for_url(f"**/rapat/{meeting.pk}/notula/")
    meeting.minutes.refresh_from_db()
    assert meeting.minutes.status == MinutesStatus.SIGNED

    with page.expect_download() as dl:
        page.click("#minutes-download")
    pdf_path = tmp_path / "notula.pdf"
    dl.value.save_as(pdf_path)

    page.goto(f"{live_server.url}/verifikasi/")
    page.set_input_files("#id_berkas", str(pdf_path))
    page.get_by_role("button", name="Periksa").click()
    page.wait_for_load_state()
    verdict = page.locator("#verdict").inner_text()
    assert "SAH" in verdict and team.ketua.display_name in verdict
    screenshot(page, "verify-valid")

    tampered = bytearray(pdf_path.read_bytes())
    tampered[400] ^= 0x01
    (tmp_path / "diubah.pdf").write_bytes(bytes(tampered))
    page.set_input_files("#id_berkas", str(tmp_path / "diubah.pdf"))
    page.get_by_role("button", name="Periksa").click()
    page.wait_for_load_state()
    assert "DIUBAH" in page.locator("#verdict").inner_text()
