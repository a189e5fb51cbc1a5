"""SOP: the weekly meeting is created with its agenda and members are reminded the day before;
the responsible agency is reminded once before an action item's due date and the item is marked
overdue once after it; done on time is recorded for IKU 4. Sweeps run twice without harm."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from agencies.models import Role
from cases.models import CaseEvent, EventType
from common.deadlines import deadline_due
from common.models import Notification
from meetings import selectors, services
from meetings.models import ActionItemAlert, FollowUp, Meeting, MeetingKind
from meetings.services.sweeps import action_item_deadline
from tests.factories import member
from tests.meetings.helpers import make_meeting, propose_and_open, register, select

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)  # a Monday


def test_the_sweep_creates_the_next_weekly_meeting_once_and_reminds_the_day_before(team, uptd):
    with time_machine.travel(MONDAY, tick=False):
        services.schedule_update(actor=team.sekretaris, weekday=1, time=time(10, 0),
                                 place="Ruang Rapat KemenPPPA")
        complaint = register(uptd, name="Ani Satu", nik="")
        services.meeting_sweep()
        services.meeting_sweep()
    meeting = Meeting.objects.get(kind=MeetingKind.REGULAR)
    assert timezone.localtime(meeting.scheduled_for) == datetime(2026, 3, 3, 10, 0, tzinfo=TZ)
    assert meeting.minutes.is_draft
    # Monday 09:00 is 25 hours before: no reminder yet.
    assert not Notification.objects.filter(kind="meeting_reminder").exists()

    with time_machine.travel(MONDAY + timedelta(hours=2), tick=False):
        services.meeting_sweep()
        services.meeting_sweep()
    assert Notification.objects.filter(kind="meeting_reminder", user=team.anggota).count() == 1
    assert Meeting.objects.filter(kind=MeetingKind.REGULAR).count() == 1
    assert complaint.case.number  # listed on the screening list of that meeting
    assert list(selectors.screening_candidates(meeting=meeting)) == [complaint]


@pytest.fixture
def action_item(team, uptd, polres):
    with time_machine.travel(MONDAY, tick=False):
        complaint = register(uptd, name="Ani Satu", nik="")
        meeting = make_meeting(team)
        propose_and_open(team, meeting, [complaint])
        decision = select(team, meeting, complaint.case, polres)
        ai = services.action_item_add(actor=team.sekretaris, decision=decision, description="Jadwalkan visum",
                                      responsible_agency=polres, due_date=MONDAY.date() + timedelta(days=7))
        services.meeting_close(actor=team.sekretaris, meeting=meeting)
    return ai


def test_the_responsible_agency_is_reminded_once_before_the_due_date(action_item, polres):
    head = member(polres, Role.HEAD)
    with time_machine.travel(MONDAY + timedelta(days=3), tick=False):
        assert services.action_item_sweep() == {"reminded": 0, "overdue": 0}
    with time_machine.travel(MONDAY + timedelta(days=5, hours=1), tick=False):
        assert services.action_item_sweep() == {"reminded": 1, "overdue": 0}
        assert services.action_item_sweep() == {"reminded": 0, "overdue": 0}
    with time_machine.travel(MONDAY + timedelta(days=6), tick=False):
        assert services.action_item_sweep() == {"reminded": 0, "overdue": 0}
    assert Notification.objects.filter(user=head, kind="action_item_reminder").count() == 1
    assert ActionItemAlert.objects.filter(action_item=action_item).count() == 1
    assert CaseEvent.objects.filter(event_type=EventType.ACTION_ITEM_REMINDED).count() == 1


def test_an_item_not_done_is_marked_overdue_once_after_the_due_date(action_item, polres):
    with time_machine.travel(MONDAY + timedelta(days=7, hours=8), tick=False):  # on the due date
        services.action_item_sweep()
        assert not FollowUp.objects.filter(status="overdue").exists()
    with time_machine.travel(MONDAY + timedelta(days=8, hours=1), tick=False):
        assert services.action_item_sweep()["overdue"] == 1
        assert services.action_item_sweep()["overdue"] == 0
    row = FollowUp.objects.get(action_item=action_item)
    assert row.status == "overdue" and row.by is None
    assert selectors.overdue_action_items().get() == action_item
    assert CaseEvent.objects.filter(event_type=EventType.ACTION_ITEM_OVERDUE).count() == 1
    # Done late: recorded, not on time; the sweep leaves it alone afterwards.
    with time_machine.travel(MONDAY + timedelta(days=9), tick=False):
        done = services.follow_up_add(actor=member(polres, Role.INVESTIGATOR), action_item=action_item,
                                      status="done", evidence="Visum dilakukan di RS Polri")
        services.action_item_sweep()
    assert done.on_time is False
    assert FollowUp.objects.filter(action_item=action_item).count() == 2


def test_done_before_the_due_date_counts_as_on_time_and_is_never_reminded(action_item, polres):
    with time_machine.travel(MONDAY + timedelta(days=2), tick=False):
        done = services.follow_up_add(actor=member(polres, Role.INVESTIGATOR), action_item=action_item,
                                      status="done", evidence="Surat permintaan visum terkirim")
    with time_machine.travel(MONDAY + timedelta(days=12), tick=False):
        assert services.action_item_sweep() == {"reminded": 0, "overdue": 0}
    assert done.on_time is True
    item = selectors.action_items_for_agencies(user=member(polres, Role.ADMIN_OFFICER)).get()
    assert (item.current_status, item.done_on_time) == ("done", True)


def test_follow_ups_are_append_only(action_item, polres):
    row = services.follow_up_add(actor=member(polres, Role.INVESTIGATOR), action_item=action_item,
                                 status="open", evidence="Koordinasi dengan RS")
    row.evidence = "diubah"
    with pytest.raises(ValueError):
        row.save()


def test_the_action_item_due_query_can_use_the_due_date_index(action_item):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned otherwise
    plan = deadline_due(action_item_deadline(reminder_days=2), now=MONDAY + timedelta(days=6)).explain()
    assert "actionitem_due_idx" in plan
