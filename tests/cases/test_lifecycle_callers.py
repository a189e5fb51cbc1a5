"""Every place that moves a case or ends a complaint does it through the lifecycle (docs/lifecycle.md):
triage, action first, voiding at intake and signing the minutes each leave their status event with
the reason code."""

from __future__ import annotations

import pytest

from agencies.models import Role
from cases.intake import services as intake
from cases.models import CaseEvent, CaseStatus, EventType
from meetings import services
from meetings.models import DecisionKind, MinutesStatus
from tests.factories import member
from tests.intake.helpers import complaint_input
from tests.meetings.helpers import decide, make_meeting, make_team, register

pytestmark = pytest.mark.django_db


def status_moves(case) -> list[dict]:
    return list(CaseEvent.objects.filter(case=case, event_type=EventType.STATUS_CHANGED)
                .order_by("at", "id").values_list("payload", flat=True))


def test_triage_moves_a_registered_case_with_its_reason(uptd):
    from triage.services import triage_record

    officer = member(uptd, Role.ADMIN_OFFICER)
    c = register(uptd, actor=officer)
    triage_record(actor=officer, complaint=c, emergency_conditions=[],
                  complexity_conditions=["power_relation"], needs_multiple_services=True, cross_region=False)
    triage_record(actor=officer, complaint=c, emergency_conditions=[],
                  complexity_conditions=["power_relation"], needs_multiple_services=True,
                  cross_region=False)  # a second triage moves nothing
    assert status_moves(c.case) == [{"from": "registered", "to": "triaged", "reason": "triage"}]


def test_an_emergency_moves_the_case_to_await_the_meetings_decision(uptd):
    from triage.services import triage_record

    officer = member(uptd, Role.ADMIN_OFFICER)
    c = register(uptd, actor=officer)
    triage_record(actor=officer, complaint=c, emergency_conditions=["severe_injury"],
                  complexity_conditions=["power_relation"], needs_multiple_services=True, cross_region=False)
    c.case.refresh_from_db()
    assert c.case.status == CaseStatus.AWAITING_DECISION and c.case.awaiting_formal_decision
    assert status_moves(c.case) == [
        {"from": "registered", "to": "triaged", "reason": "triage"},
        {"from": "triaged", "to": "awaiting_decision", "reason": "emergency"},
    ]


def test_voiding_the_last_complaint_voids_the_case_on_its_timeline(uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    first = register(uptd, actor=officer)
    second = intake.complaint_register(actor=officer, receiving_agency=uptd, join_case=first.case,
                                       data=complaint_input())
    case = first.case

    intake.complaint_void(actor=officer, complaint=first, reason="Tercatat ganda oleh petugas")
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTERED and status_moves(case) == []

    intake.complaint_void(actor=officer, complaint=second, reason="Tercatat ganda oleh petugas")
    case.refresh_from_db()
    assert case.status == CaseStatus.VOIDED
    assert status_moves(case) == [{"from": "registered", "to": "voided", "reason": "all_complaints_voided"}]
    voids = CaseEvent.objects.filter(case=case, event_type=EventType.COMPLAINT_VOIDED).order_by("id")
    assert [e.payload for e in voids] == [
        {"complaint": str(c.public_id), "from": "", "to": "voided", "reason": "complaint_voided"}
        for c in (first, second)]


@pytest.fixture
def team(uptd):
    return make_team(uptd)


def _close_and_ready(team, meeting):
    services.meeting_close(actor=team.sekretaris, meeting=meeting)
    services.minutes_mark_ready(actor=team.sekretaris, meeting=meeting)
    meeting.refresh_from_db()


def _sign(meeting, ketua):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from meetings.signing import minutes_content_hash, minutes_sign
    from tests.meetings.test_signing import signing_request

    device = TOTPDevice.objects.get_or_create(user=ketua, name="uji", defaults={"confirmed": True})[0]
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=6):06d}"
    return minutes_sign(actor=ketua, meeting=meeting, password="sandi-uji-12345", otp_token=token,
                        shown_hash=minutes_content_hash(meeting), request=signing_request())


def test_signing_moves_each_case_and_ends_each_complaint_with_its_reason(signing_ca, team, uptd, polres,
                                                                        rsud):
    selected = register(uptd, name="Ani Satu Rahayu", nik="3174054101900011")
    not_selected = register(polres, name="Budi Dua Santoso", nik="")
    noted = register(polres, name="Citra Tiga Lestari", nik="")
    meeting = make_meeting(team)
    services.screening_record(actor=team.sekretaris, meeting=meeting, outcomes={
        str(selected.public_id): "proposed", str(not_selected.public_id): "proposed",
        str(noted.public_id): "noted"})
    services.meeting_open(actor=team.sekretaris, meeting=meeting, attendee_ids=team.ids)
    decide(team, meeting, selected.case, DecisionKind.SELECT, serving_agencies=[rsud],
           coordinator_agency=uptd)
    services.decision_record(actor=team.sekretaris, meeting=meeting, case=not_selected.case,
                             kind=DecisionKind.NOT_SELECT, reason="Ditangani Polres sesuai SOP")
    _close_and_ready(team, meeting)
    assert all(status_moves(c.case) == [] for c in (selected, not_selected, noted))  # nothing before signing

    _sign(meeting, team.ketua)

    assert status_moves(selected.case) == [
        {"from": "registered", "to": "selected", "reason": "decision_select"}]
    assert status_moves(not_selected.case) == [
        {"from": "registered", "to": "handled_by_agency", "reason": "decision_not_select"}]
    assert status_moves(noted.case) == [
        {"from": "registered", "to": "handled_by_agency", "reason": "screening_noted"}]
    outcome = CaseEvent.objects.get(case=selected.case, event_type=EventType.COMPLAINT_OUTCOME)
    assert outcome.payload == {"complaint": str(selected.public_id), "from": "", "to": "selected",
                               "reason": "decision_select", "outcome": "selected"}
    assert outcome.actor == team.ketua


def test_a_signed_selection_does_not_bring_back_a_case_voided_meanwhile(signing_ca, team, uptd, rsud):
    officer = member(uptd, Role.ADMIN_OFFICER)
    c = register(uptd, actor=officer)
    meeting = make_meeting(team)
    services.screening_record(actor=team.sekretaris, meeting=meeting, outcomes={str(c.public_id): "proposed"})
    services.meeting_open(actor=team.sekretaris, meeting=meeting, attendee_ids=team.ids)
    decide(team, meeting, c.case, DecisionKind.SELECT,
           serving_agencies=[rsud], coordinator_agency=uptd)
    _close_and_ready(team, meeting)
    intake.complaint_void(actor=officer, complaint=c, reason="Pengaduan tercatat ganda")

    minutes = _sign(meeting, team.ketua)

    assert minutes.status == MinutesStatus.SIGNED  # the other decisions of the minutes take effect
    c.case.refresh_from_db()
    assert c.case.status == CaseStatus.VOIDED
    assert status_moves(c.case) == [{"from": "registered", "to": "voided", "reason": "all_complaints_voided"}]
    assert CaseEvent.objects.filter(case=c.case, event_type=EventType.DECISION_SIGNED).count() == 1
