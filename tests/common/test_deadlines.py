"""The deadline runner (common.deadlines) on its own, with a small rule made up for the test.

The rule: a scheduled meeting is announced ("soon") from 24 hours before it starts, and flagged
("late") when it has not been opened an hour after its start. Its alerts go to the generic alert
table, whose window is the start time: a meeting moved to another time is a new window and is
announced again. Given meetings committed to the real database, when sweeps run (again, late,
concurrently, with one subject failing), then each (meeting, kind, window) is alerted exactly once.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.models.functions import TruncDate
from django.utils import timezone

from common.deadlines import Deadline, Stage, deadline_due, deadline_sweep
from common.models import DeadlineAlert, Notification
from common.notifications import notify
from meetings import services
from meetings.models import Meeting, MeetingStatus
from tests.meetings.helpers import make_team

JAKARTA = ZoneInfo("Asia/Jakarta")
START = datetime(2026, 6, 15, 9, 0, tzinfo=JAKARTA)
RULE = "tests.meeting_start"
NOTHING = {"soon": 0, "late": 0}


class Announcer:
    """The rule's stages: tell the Ketua once per alert; fail for the meetings in ``broken``."""

    def __init__(self, ketua, *, pause: float = 0.0):
        self.ketua, self.pause = ketua, pause
        self.broken: set[int] = set()
        self.attempts: list[tuple[int, str]] = []
        self.lock = threading.Lock()

    def __call__(self, meeting: Meeting, alert: DeadlineAlert) -> None:
        with self.lock:
            self.attempts.append((meeting.pk, alert.kind))
        notify(users=[self.ketua], kind=f"test_{alert.kind}", title=f"Rapat {meeting.pk}: {alert.kind}",
               dedupe_key=f"{alert.kind}:{meeting.pk}:{alert.window:%Y%m%d%H%M}")
        time.sleep(self.pause)  # widen the race in the concurrent test
        if meeting.pk in self.broken:
            raise RuntimeError("mail relay unavailable")


def meeting_start_rule(announce: Announcer) -> Deadline:
    return Deadline(
        name=RULE,
        subjects=lambda: Meeting.objects.filter(status=MeetingStatus.SCHEDULED),
        due="starts_at",
        stages=(Stage("soon", -timedelta(hours=24), announce), Stage("late", timedelta(hours=1), announce)),
    )


@pytest.fixture
def team(uptd):
    return make_team(uptd)


@pytest.fixture
def announce(team):
    return Announcer(team.ketua)


def schedule(team, *starts: datetime) -> list[Meeting]:
    with time_machine.travel(START, tick=False):
        return [services.meeting_create(actor=team.sekretaris, starts_at=s, place="Ruang Rapat")
                for s in starts]


def alerts() -> Counter:
    return Counter(DeadlineAlert.objects.filter(rule=RULE).values_list("subject_id", "kind", "window"))


def told() -> Counter:
    return Counter(Notification.objects.values_list("kind", flat=True))


# --- once per (subject, kind, window) ------------------------------------------------------------

@pytest.mark.django_db
def test_each_stage_is_alerted_once_however_often_the_sweep_runs(team, announce):
    [meeting] = schedule(team, START + timedelta(days=2))
    rule, starts = meeting_start_rule(announce), meeting.starts_at

    assert deadline_sweep(rule, now=starts - timedelta(hours=25)) == NOTHING
    assert deadline_sweep(rule, now=starts - timedelta(hours=23)) == {"soon": 1, "late": 0}
    for when in (starts - timedelta(hours=22), starts, starts + timedelta(minutes=59)):
        assert deadline_sweep(rule, now=when) == NOTHING
    assert deadline_sweep(rule, now=starts + timedelta(hours=2)) == {"soon": 0, "late": 1}
    for when in (starts + timedelta(hours=2), starts + timedelta(days=7)):
        assert deadline_sweep(rule, now=when) == NOTHING

    assert alerts() == Counter({(meeting.pk, "soon", starts): 1, (meeting.pk, "late", starts): 1})
    assert announce.attempts == [(meeting.pk, "soon"), (meeting.pk, "late")]
    assert told() == Counter({"test_soon": 1, "test_late": 1})


@pytest.mark.django_db
def test_a_meeting_moved_to_another_time_is_a_new_window_and_is_alerted_again(team, announce):
    [meeting] = schedule(team, START + timedelta(days=2))
    rule, first = meeting_start_rule(announce), meeting.starts_at
    assert deadline_sweep(rule, now=first - timedelta(hours=23)) == {"soon": 1, "late": 0}

    second = first + timedelta(days=3)
    with time_machine.travel(first - timedelta(hours=20), tick=False):
        services.meeting_reschedule(actor=team.sekretaris, meeting=meeting, starts_at=second,
                                    reason="Ketua berhalangan")
    # The old start passes without a "late": the meeting is no longer due then.
    assert deadline_sweep(rule, now=first + timedelta(hours=2)) == NOTHING
    assert deadline_sweep(rule, now=second - timedelta(hours=23)) == {"soon": 1, "late": 0}
    assert deadline_sweep(rule, now=second - timedelta(hours=1)) == NOTHING
    assert deadline_sweep(rule, now=second + timedelta(hours=1)) == {"soon": 0, "late": 1}

    assert alerts() == Counter({(meeting.pk, "soon", first): 1, (meeting.pk, "soon", second): 1,
                                (meeting.pk, "late", second): 1})
    assert told() == Counter({"test_soon": 2, "test_late": 1})


@pytest.mark.django_db
def test_one_sweep_catches_up_with_the_latest_stage_only_after_an_outage(team, announce):
    meetings = schedule(team, *(START + timedelta(days=1, hours=h) for h in range(5)))
    later = schedule(team, START + timedelta(days=4))[0]
    rule = meeting_start_rule(announce)
    # No sweep ran for three days: one sweep, in batches of two, flags every meeting not opened —
    # without announcing after the fact what has already begun.
    assert deadline_sweep(rule, now=START + timedelta(days=3), batch=2) == {"soon": 1, "late": 5}
    assert alerts() == Counter({**{(m.pk, "late", m.starts_at): 1 for m in meetings},
                                (later.pk, "soon", later.starts_at): 1})
    assert deadline_sweep(rule, now=START + timedelta(days=3)) == NOTHING


@pytest.mark.django_db
def test_a_rule_due_on_a_date_alerts_once_per_date(team, announce):
    """A date (here the meeting's day in Jakarta) compared with the local date; its window is
    recorded in the generic table's timestamp column and matched the same way next time."""
    [meeting] = schedule(team, START + timedelta(days=2))
    rule = Deadline(name=RULE, subjects=lambda: Meeting.objects.filter(status=MeetingStatus.SCHEDULED),
                    due=TruncDate("starts_at"), clock=timezone.localdate,
                    stages=(Stage("today", timedelta(0), announce),))
    assert deadline_sweep(rule, now=START + timedelta(days=1, hours=14)) == {"today": 0}  # 23:00
    assert deadline_sweep(rule, now=START + timedelta(days=1, hours=15)) == {"today": 1}  # 00:00
    assert deadline_sweep(rule, now=START + timedelta(days=2, hours=12)) == {"today": 0}
    assert not deadline_due(rule, now=START + timedelta(days=2, hours=12)).exists()  # recorded = found
    [(subject, kind, window)] = alerts()
    assert (subject, kind, timezone.localdate(window)) == (meeting.pk, "today", date(2026, 6, 17))

    with time_machine.travel(START + timedelta(days=1), tick=False):
        services.meeting_reschedule(actor=team.sekretaris, meeting=meeting, reason="Ruang dipakai",
                                    starts_at=meeting.starts_at + timedelta(hours=2))  # same day
    assert deadline_sweep(rule, now=START + timedelta(days=2, hours=1)) == {"today": 0}
    with time_machine.travel(START + timedelta(days=1), tick=False):
        services.meeting_reschedule(actor=team.sekretaris, meeting=meeting, reason="Ketua berhalangan",
                                    starts_at=meeting.starts_at + timedelta(days=1))  # the next day
    assert deadline_sweep(rule, now=START + timedelta(days=3, hours=1)) == {"today": 1}
    assert len(alerts()) == 2


# --- a failing subject ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_failing_subject_is_logged_and_retried_next_sweep_without_blocking_the_others(
        team, announce, caplog):
    first, broken, third = schedule(team, *(START + timedelta(days=1, hours=h) for h in range(3)))
    rule = meeting_start_rule(announce)
    announce.broken.add(broken.pk)
    late = START + timedelta(days=2)

    with caplog.at_level("ERROR", logger="common.deadlines"):
        assert deadline_sweep(rule, now=late, batch=2) == {"soon": 0, "late": 2}
    # The others are flagged; the failing one left nothing behind (no alert, no notification) …
    assert alerts() == Counter({(first.pk, "late", first.starts_at): 1,
                                (third.pk, "late", third.starts_at): 1})
    assert told() == Counter({"test_late": 2})
    # … was tried once in that sweep, and is logged by rule and id, with the traceback.
    assert announce.attempts.count((broken.pk, "late")) == 1
    [record] = [r for r in caplog.records if r.name == "common.deadlines"]
    assert record.getMessage() == f"deadline {RULE}: subject {broken.pk} failed; the next sweep retries it"
    assert record.exc_info and "mail relay unavailable" in str(record.exc_info[1])

    # The relay is back: the next sweep flags it, once.
    announce.broken.clear()
    assert deadline_sweep(rule, now=late + timedelta(minutes=2)) == {"soon": 0, "late": 1}
    assert deadline_sweep(rule, now=late + timedelta(minutes=4)) == NOTHING
    assert alerts()[(broken.pk, "late", broken.starts_at)] == 1
    assert told() == Counter({"test_late": 3})


# --- concurrent sweeps ---------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_on_their_own_connections_alert_once(uptd, eager_celery, mailoutbox):
    team = make_team(uptd)
    meetings = schedule(team, *(START + timedelta(days=1, minutes=10 * i) for i in range(8)))
    announce = Announcer(team.ketua, pause=0.05)
    rule = meeting_start_rule(announce)
    barrier, results, errors = threading.Barrier(3), [], []

    def sweep():
        try:
            barrier.wait(timeout=30)
            results.append(deadline_sweep(rule, now=START + timedelta(hours=10), batch=3))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == [] and len(results) == 3
    assert sum(r["soon"] for r in results) == 8 and all(r["late"] == 0 for r in results)
    assert alerts() == Counter({(m.pk, "soon", m.starts_at): 1 for m in meetings})
    assert sorted(announce.attempts) == sorted((m.pk, "soon") for m in meetings)
    assert told() == Counter({"test_soon": 8})
    assert len(mailoutbox) == 8


# --- one indexed query ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_due_query_can_use_the_subjects_index_and_the_alert_constraint(team, announce):
    schedule(team, START + timedelta(days=2))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned otherwise
    plan = deadline_due(meeting_start_rule(announce), now=START + timedelta(days=1, hours=2)).explain()
    assert "meetings_me_status_63e0a6_idx" in plan        # Meeting (status, starts_at)
    assert "one_deadline_alert_per_window" in plan        # the NOT EXISTS on the alert table
