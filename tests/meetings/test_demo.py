"""The demo: two past meetings (one with minutes ready to sign), a screening list for the coming
meeting, action items open, done and overdue."""

import pytest

from agencies.demo import seed
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
