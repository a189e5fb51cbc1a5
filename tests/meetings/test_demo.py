"""The demo: two past meetings (one with minutes ready to sign), a screening list for the coming
meeting, action items open, done and overdue."""

import pytest

from demo.seed import seed
from meetings import selectors
from meetings.models import ActionItem, Meeting, MeetingStatus, MinutesStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_what_a_meeting_needs():
    seed()
    past = Meeting.objects.filter(status=MeetingStatus.CLOSED).select_related("minutes")
    assert past.count() == 2
    # The older meeting's minutes are signed and verify; last week's wait for the signature.
    assert {m.minutes.status for m in past} == {MinutesStatus.SIGNED, MinutesStatus.READY}
    from documents.verification import verify_code

    signed = next(m.minutes for m in past if m.minutes.status == MinutesStatus.SIGNED)
    assert verify_code(signed.document.code).status == "valid"
    coming = selectors.next_meeting()
    assert coming.status == MeetingStatus.SCHEDULED
    assert selectors.screening_candidates(meeting=coming).count() >= 3
    assert coming.agenda.exists()  # the deferred case and the overdue action item
    statuses = set(selectors.with_status(ActionItem.objects.all()).values_list("current_status", flat=True))
    assert {"open", "done", "overdue"} <= statuses
    seed()  # idempotent
    assert Meeting.objects.count() == 3


def test_the_demo_keeps_decided_complaints_on_the_clock_until_answered():
    """R1: a decision never stops the 24-hour clock. The demo's complaint noted at the signed
    meeting was never answered, so it waits in UPTD's work queue, overdue; the complaints presented
    at a meeting were answered (back-dated, with the reason on the timeline) and are off it."""
    from cases.models import CaseEvent, Complaint, ComplaintOutcome, EventType
    from cases.selectors import complaint_queue

    users = seed()
    decided = Complaint.objects.exclude(outcome__in=["", ComplaintOutcome.VOIDED])
    assert set(decided.values_list("outcome", flat=True)) == {ComplaintOutcome.SELECTED,
                                                               ComplaintOutcome.HANDLED_BY_AGENCY}
    unanswered = decided.filter(responded_at__isnull=True)
    assert unanswered.count() == 1
    [noted] = unanswered
    assert noted.outcome == ComplaintOutcome.HANDLED_BY_AGENCY
    assert noted.sla_events.filter(kind="breach").exists()
    assert noted in complaint_queue(user=users["uptd.admin"])
    for answered in decided.filter(responded_at__isnull=False):
        assert answered not in complaint_queue(user=users[answered.registered_by.username])
        assert answered.responses.get().responded_at_reason
        assert CaseEvent.objects.filter(case=answered.case,
                                        event_type=EventType.RESPONDED_AT_BACKDATED).exists()
