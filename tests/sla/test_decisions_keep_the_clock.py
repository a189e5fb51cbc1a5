"""R1 (SKB B.2.a.1): the 24-hour clock follows the first response, not the outcome.

Given complaints that signed minutes of the Tim Percepatan have selected, not selected (handled by
the agency) or screened "outside the criteria" before anyone answered them, then each stays in the
receiving agency's work queue, the SLA sweep still warns and breaches it, and its case page still
offers "record initial response" — until a successful first response is recorded or the
complaint is voided. Voiding stays possible until a signed selection.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from agencies.models import Role
from cases.intake import services as intake
from cases.models import CaseStatus, ComplaintOutcome, SlaEvent
from cases.models.intake import SlaKind
from cases.selectors import complaint_queue
from cases.sla import sla_sweep
from common.errors import ApplicationError
from meetings import services
from meetings.models import DecisionKind
from tests.factories import member
from tests.meetings.helpers import make_meeting, make_team, register, select
from tests.meetings.test_signing import sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(uptd, signing_ca):
    """Three complaints of UPTD registered now that nobody has answered yet; then the minutes of
    a meeting that selects the first, does not select the second and screens the third as outside
    the criteria are signed."""
    team = make_team(uptd)
    officer = member(uptd, Role.ADMIN_OFFICER)
    chosen = register(uptd, actor=officer, name="Ani Satu Rahayu", nik="3174054101900011")
    not_chosen = register(uptd, actor=officer, name="Cici Tiga Lestari", nik="3174054101900013")
    outside = register(uptd, actor=officer, name="Budi Dua Santoso", nik="3174054101900012")
    meeting = make_meeting(team)
    services.screening_record(actor=team.sekretaris, meeting=meeting, outcomes={
        str(chosen.public_id): "proposed", str(not_chosen.public_id): "proposed",
        str(outside.public_id): "outside_criteria"})
    services.meeting_open(actor=team.sekretaris, meeting=meeting, attendee_ids=team.ids)
    select(team, meeting, chosen.case, uptd)
    services.decision_record(actor=team.sekretaris, meeting=meeting, case=not_chosen.case,
                             kind=DecisionKind.NOT_SELECT, reason="Ditangani UPTD sesuai SOP")
    services.meeting_close(actor=team.sekretaris, meeting=meeting)
    services.minutes_mark_ready(actor=team.sekretaris, meeting=meeting)
    meeting.refresh_from_db()
    sign(meeting, team.ketua)
    complaints = {"selected": chosen, "handled_by_agency": not_chosen, "outside_criteria": outside}
    for outcome, complaint in complaints.items():
        complaint.refresh_from_db()
        assert complaint.outcome == outcome and complaint.responded_at is None
    return {**complaints, "officer": officer}


def response_form_on_case_page(client, complaint) -> bool:
    page = client.get(reverse("cases:detail", args=[complaint.case_id])).content.decode()
    return f'action="{reverse("cases:respond", args=[complaint.case_id, complaint.public_id])}"' in page


@pytest.mark.parametrize("which", ["selected", "handled_by_agency", "outside_criteria"])
def test_a_decided_complaint_without_response_stays_on_the_clock(client, decided, which):
    complaint, officer = decided[which], decided["officer"]
    client.force_login(officer)

    # It waits in the work queue, on the page and in the API, and its case page offers the form.
    assert complaint in complaint_queue(user=officer)
    page = client.get(reverse("cases:queue")).content.decode()
    assert complaint.case.number in page
    listed = client.get("/api/complaints/").json()["results"]
    assert str(complaint.public_id) in {c["id"] for c in listed}
    assert response_form_on_case_page(client, complaint)

    # The sweep warns it after 18 hours and breaches it after 24, as for any other complaint.
    due = complaint.response_due_at
    sla_sweep(now=due - timedelta(hours=5))
    sla_sweep(now=due + timedelta(minutes=1))
    assert set(complaint.sla_events.values_list("kind", flat=True)) == {SlaKind.WARNING, SlaKind.BREACH}

    # The first successful response — not the decision — takes it off the clock.
    resp = client.post(reverse("cases:respond", args=[complaint.case_id, complaint.public_id]),
                       {"method": "phone", "successful": "1"})
    assert resp.status_code == 302
    assert complaint not in complaint_queue(user=officer)
    assert not response_form_on_case_page(client, complaint)
    assert sla_sweep(now=due + timedelta(days=3)) == {"warned": 0, "breached": 0}


@pytest.mark.parametrize("which", ["handled_by_agency", "outside_criteria"])
def test_a_complaint_not_selected_can_still_be_voided_and_then_leaves_the_clock(client, decided, which):
    complaint, officer = decided[which], decided["officer"]
    client.force_login(officer)
    resp = client.post(reverse("cases:void", args=[complaint.case_id, complaint.public_id]),
                       {"reason": "Pengaduan tercatat ganda"}, follow=True)
    assert "Pengaduan dibatalkan." in resp.content.decode()
    complaint.refresh_from_db()
    assert complaint.outcome == ComplaintOutcome.VOIDED
    assert complaint.case.status == CaseStatus.VOIDED
    assert complaint not in complaint_queue(user=officer)
    assert not response_form_on_case_page(client, complaint)
    sla_sweep(now=complaint.response_due_at + timedelta(hours=1))
    assert SlaEvent.objects.filter(kind=SlaKind.BREACH).count() == 2  # the two others
    assert not SlaEvent.objects.filter(complaint=complaint).exists()


def test_void_is_refused_after_a_signed_selection(client, decided):
    complaint, officer = decided["selected"], decided["officer"]
    with pytest.raises(ApplicationError) as refused:
        intake.complaint_void(actor=officer, complaint=complaint, reason="Salah input")
    assert refused.value.message == intake.VOID_AFTER_SELECTION

    # On the page: no void form to offer, and a forged post gets the same clear message.
    client.force_login(officer)
    void_url = reverse("cases:void", args=[complaint.case_id, complaint.public_id])
    page = client.get(reverse("cases:detail", args=[complaint.case_id])).content.decode()
    assert f'action="{void_url}"' not in page
    resp = client.post(void_url, {"reason": "Salah input"}, follow=True)
    assert resp.status_code == 200 and str(intake.VOID_AFTER_SELECTION) in resp.content.decode()
    complaint.refresh_from_db()
    assert complaint.outcome == ComplaintOutcome.SELECTED
    assert complaint.case.status == CaseStatus.SELECTED
    assert complaint in complaint_queue(user=officer)  # and it still needs its first response
