"""A first response recorded with a time earlier than now (R1, SKB B.2.a.1).

Like a back-dated ``received_at``: the earlier time needs a reason, the reason is kept with the
response and the case timeline says the time was entered back-dated — on the page, in the API and
in the service. A response dated before a breach that was already recorded does not erase it:
the breach row stays, and the response does not claim to be within the 24 hours.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role
from cases.intake import services as intake
from cases.models import CaseEvent, EventType, InitialResponse, SlaEvent
from cases.models.intake import SlaKind
from cases.selectors import complaint_queue
from cases.sla import sla_sweep
from tests.factories import member
from tests.intake.helpers import complaint_input

pytestmark = pytest.mark.django_db

REASON = "Respons lewat telepon malam hari, dicatat pagi ini"


@pytest.fixture
def officer(uptd):
    return member(uptd, Role.ADMIN_OFFICER)


@pytest.fixture
def complaint(uptd, officer):
    return intake.complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input(
        received_at=timezone.now() - timedelta(hours=6), received_at_reason="Hotline malam"))


def backdated_events(case):
    return list(CaseEvent.objects.filter(case=case, event_type=EventType.RESPONDED_AT_BACKDATED))


def test_a_backdated_response_without_reason_is_refused_and_nothing_is_saved(officer, complaint):
    with pytest.raises(ValidationError) as refused:
        intake.initial_response_record(actor=officer, complaint=complaint, method="phone", successful=True,
                                       responded_at=timezone.now() - timedelta(hours=3))
    assert refused.value.message_dict == {"responded_at_reason": [intake.RESPONSE_EARLIER_NEEDS_REASON]}
    complaint.refresh_from_db()
    assert complaint.responded_at is None and not InitialResponse.objects.exists()
    assert not backdated_events(complaint.case)
    assert complaint in complaint_queue(user=officer)


def test_a_backdated_response_with_reason_is_kept_and_on_the_timeline(officer, complaint):
    at = timezone.now() - timedelta(hours=3)
    intake.initial_response_record(actor=officer, complaint=complaint, method="phone", successful=True,
                                   responded_at=at, responded_at_reason=f"  {REASON} ")
    complaint.refresh_from_db()
    assert complaint.responded_at == at
    assert InitialResponse.objects.get().responded_at_reason == REASON
    [event] = backdated_events(complaint.case)
    assert event.actor == officer and event.payload["hours_earlier"] == 3.0
    assert event.payload["complaint"] == str(complaint.public_id)
    [answered] = CaseEvent.objects.filter(case=complaint.case, event_type=EventType.INITIAL_RESPONSE)
    assert answered.payload["within_sla"] is True and answered.payload["breach_recorded"] is False


def test_a_backdated_failed_attempt_needs_a_reason_too(officer, complaint):
    with pytest.raises(ValidationError):
        intake.initial_response_record(actor=officer, complaint=complaint, method="phone", successful=False,
                                       responded_at=timezone.now() - timedelta(hours=2))
    intake.initial_response_record(actor=officer, complaint=complaint, method="phone", successful=False,
                                   responded_at=timezone.now() - timedelta(hours=2),
                                   responded_at_reason="Nomor tidak aktif semalam")
    assert len(backdated_events(complaint.case)) == 1


# --- page ------------------------------------------------------------------------------------------

def _local(dt: datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_the_case_page_refuses_a_backdated_response_without_reason(client, officer, complaint):
    client.force_login(officer)
    url = reverse("cases:respond", args=[complaint.case_id, complaint.public_id])
    page = client.get(reverse("cases:detail", args=[complaint.case_id])).content.decode()
    assert 'name="responded_at_reason"' in page
    earlier = _local(timezone.now() - timedelta(hours=3))
    resp = client.post(url, {"method": "visit", "successful": "1", "responded_at": earlier}, follow=True)
    assert resp.status_code == 200 and str(intake.RESPONSE_EARLIER_NEEDS_REASON) in resp.content.decode()
    complaint.refresh_from_db()
    assert complaint.responded_at is None and not InitialResponse.objects.exists()

    resp = client.post(url, {"method": "visit", "successful": "1", "responded_at": earlier,
                             "responded_at_reason": REASON}, follow=True)
    assert "Respons awal dicatat." in resp.content.decode()
    complaint.refresh_from_db()
    assert _local(complaint.responded_at) == earlier
    assert InitialResponse.objects.get().responded_at_reason == REASON
    assert len(backdated_events(complaint.case)) == 1
    assert "Waktu respons diisi mundur" in resp.content.decode()  # on the case timeline


# --- API -------------------------------------------------------------------------------------------

def test_the_api_refuses_a_backdated_response_without_reason(client, officer, complaint):
    client.force_login(officer)
    url = f"/api/cases/{complaint.case_id}/complaints/{complaint.public_id}/responses/"
    earlier = (timezone.now() - timedelta(hours=3)).isoformat()
    resp = client.post(url, {"method": "phone", "successful": True, "responded_at": earlier},
                       content_type="application/json")
    assert resp.status_code == 400
    assert resp.json() == {"responded_at_reason": [intake.RESPONSE_EARLIER_NEEDS_REASON]}
    assert not InitialResponse.objects.exists()

    resp = client.post(url, {"method": "phone", "successful": True, "responded_at": earlier,
                             "responded_at_reason": REASON}, content_type="application/json")
    assert resp.status_code == 201 and resp.json()["responded_at"]
    assert InitialResponse.objects.get().responded_at_reason == REASON
    assert len(backdated_events(complaint.case)) == 1


# --- a breach already recorded -------------------------------------------------------------------

JAKARTA = ZoneInfo("Asia/Jakarta")
START = datetime(2026, 6, 15, 9, 0, tzinfo=JAKARTA)


def test_a_response_dated_before_a_recorded_breach_keeps_the_breach(uptd, officer):
    with time_machine.travel(START, tick=False) as clock:
        complaint = intake.complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input())
        clock.move_to(START + timedelta(hours=24, minutes=1))
        assert sla_sweep() == {"warned": 0, "breached": 1}  # first seen after the deadline
        breach = SlaEvent.objects.get(complaint=complaint, kind=SlaKind.BREACH)

        # Two hours later the officer records that she had in fact phoned the victim at hour 10.
        clock.move_to(START + timedelta(hours=26))
        intake.initial_response_record(actor=officer, complaint=complaint, method="phone", successful=True,
                                       responded_at=START + timedelta(hours=10),
                                       responded_at_reason=REASON)

        complaint.refresh_from_db()
        assert complaint.responded_at == START + timedelta(hours=10)
        # The breach row is untouched and still counts; the response does not say "within 24 h".
        assert SlaEvent.objects.get(complaint=complaint, kind=SlaKind.BREACH) == breach
        assert SlaEvent.objects.get(pk=breach.pk).at == breach.at == START + timedelta(hours=24, minutes=1)
        assert SlaEvent.objects.filter(kind=SlaKind.BREACH).count() == 1
        [answered] = CaseEvent.objects.filter(case=complaint.case, event_type=EventType.INITIAL_RESPONSE)
        assert answered.payload["within_sla"] is False and answered.payload["breach_recorded"] is True
        assert CaseEvent.objects.filter(case=complaint.case, event_type=EventType.SLA_BREACHED).count() == 1
        assert len(backdated_events(complaint.case)) == 1
        # Off the clock now: nothing more, however often the sweep runs.
        assert complaint not in complaint_queue(user=officer)
        assert sla_sweep() == {"warned": 0, "breached": 0}
        clock.move_to(START + timedelta(days=3))
        assert sla_sweep() == {"warned": 0, "breached": 0}
        assert SlaEvent.objects.filter(kind=SlaKind.BREACH).count() == 1
