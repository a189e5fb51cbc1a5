"""The 1×24-hour initial-response clock, end to end on the real database (SKB B.2; rule R1 in docs/rules.md).

Given a complaint registered now, when the beat sweep runs at later times (the clock moved with
time-machine), then: nothing before 18 h; one warning to the assignee and the receiving agency's
admin officers just after 18 h; one breach escalated to the agency head and the Tim Percepatan chair
just after 24 h; and nothing more however often the sweep runs again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.intake.services import complaint_void, initial_response_record
from cases.models import CaseEvent, EventType, SlaEvent
from cases.models.intake import SlaKind
from cases.sla import complaints_due, sla_sweep
from common.models import Notification
from tests.sla.helpers import register

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
START = datetime(2026, 6, 15, 9, 0, tzinfo=JAKARTA)
NOTHING = {"warned": 0, "breached": 0}


def after(**delta) -> datetime:
    return START + timedelta(**delta)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def sweep_at(clock, django_capture_on_commit_callbacks):
    """Move the clock to ``when`` and run one sweep there, with its on-commit work run for real."""

    def _sweep(when: datetime, **kw) -> dict:
        clock.move_to(when)
        with django_capture_on_commit_callbacks(execute=True):
            return sla_sweep(**kw)

    return _sweep


@pytest.fixture
def registered(clock, django_capture_on_commit_callbacks):
    def _register(staff, **kw):
        with django_capture_on_commit_callbacks(execute=True):
            return register(staff, **kw)

    return _register


def recipients(kind: str) -> set:
    return {n.user for n in Notification.objects.filter(kind=kind).select_related("user")}


def timeline(case, event_type) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case, event_type=event_type))


# --- the whole clock -----------------------------------------------------------------------------

def test_the_clock_warns_once_at_18h_and_breaches_once_at_24h(staff, registered, sweep_at,
                                                              eager_celery, mailoutbox):
    complaint = registered(staff)
    case = complaint.case
    assert complaint.response_due_at == after(hours=24)

    # 17 h 59: still inside the first 18 hours — nothing at all.
    assert sweep_at(after(hours=17, minutes=59)) == NOTHING
    assert not SlaEvent.objects.exists() and not Notification.objects.exists() and mailoutbox == []

    # 18 h 01: one warning, to the assignee and the agency's admin officers, on the timeline.
    assert sweep_at(after(hours=18, minutes=1)) == {"warned": 1, "breached": 0}
    warning = SlaEvent.objects.get()
    assert (warning.complaint, warning.kind) == (complaint, SlaKind.WARNING)
    assert warning.at == after(hours=18, minutes=1) and warning.due_at == complaint.response_due_at
    assert recipients("sla_warning") == {staff.officer, staff.other_officer}
    [warned] = timeline(case, EventType.SLA_WARNED)
    assert warned.actor is None and warned.agency == staff.agency
    assert warned.payload["complaint"] == str(complaint.public_id)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([staff.officer.email, staff.other_officer.email])
    for mail in mailoutbox:
        assert case.number in mail.subject
        assert reverse("cases:detail", args=[case.pk]) in mail.body

    # Sweeping again (the next beat, or a duplicate delivery) changes nothing.
    assert sweep_at(after(hours=18, minutes=3)) == NOTHING
    assert sweep_at(after(hours=23, minutes=59)) == NOTHING
    assert SlaEvent.objects.count() == 1 and len(mailoutbox) == 2

    # 24 h 01: one breach, escalated to the head and the Tim Percepatan chair only.
    assert sweep_at(after(hours=24, minutes=1)) == {"warned": 0, "breached": 1}
    breach = SlaEvent.objects.get(kind=SlaKind.BREACH)
    assert breach.complaint == complaint and breach.at == after(hours=24, minutes=1)
    assert recipients("sla_breach") == {staff.head, staff.chair}
    assert len(timeline(case, EventType.SLA_BREACHED)) == 1
    escalations = [m for m in mailoutbox if "terlampaui" in m.subject]
    assert sorted(m.to[0] for m in escalations) == sorted([staff.head.email, staff.chair.email])

    # And never again: the next beat, a day later, a week later.
    for when in (after(hours=24, minutes=3), after(days=2), after(days=8)):
        assert sweep_at(when) == NOTHING
    assert SlaEvent.objects.count() == 2 and Notification.objects.count() == 4 and len(mailoutbox) == 4
    assert len(timeline(case, EventType.SLA_WARNED)) == len(timeline(case, EventType.SLA_BREACHED)) == 1
    # Nobody else was told: not the counsellor, not an ordinary team member, not another agency.
    told = set(Notification.objects.values_list("user", flat=True))
    assert not told & {staff.konselor.pk, staff.tp_member.pk, staff.outsider.pk}


def test_the_warning_names_the_deadline_in_jakarta_time(staff, registered, sweep_at):
    registered(staff)
    sweep_at(after(hours=18, minutes=1))
    title = Notification.objects.filter(kind="sla_warning").first().title
    assert title.endswith("jatuh tempo 16 Jun 2026 09.00 WIB")


# --- what stops or never starts the clock ----------------------------------------------------------

def test_a_complaint_answered_before_18h_gets_nothing(staff, registered, sweep_at, clock):
    complaint = registered(staff)
    clock.move_to(after(hours=10))
    initial_response_record(actor=staff.officer, complaint=complaint, method="phone", successful=True)
    for when in (after(hours=18, minutes=1), after(hours=24, minutes=1), after(days=3)):
        assert sweep_at(when) == NOTHING
    assert not SlaEvent.objects.exists() and not Notification.objects.exists()


def test_a_failed_contact_attempt_does_not_stop_the_clock(staff, registered, sweep_at, clock):
    complaint = registered(staff)
    clock.move_to(after(hours=10))
    initial_response_record(actor=staff.officer, complaint=complaint, method="phone", successful=False)
    assert sweep_at(after(hours=18, minutes=1)) == {"warned": 1, "breached": 0}


def test_an_answer_after_the_warning_prevents_the_breach(staff, registered, sweep_at, clock):
    complaint = registered(staff)
    assert sweep_at(after(hours=18, minutes=1))["warned"] == 1
    clock.move_to(after(hours=20))
    initial_response_record(actor=staff.officer, complaint=complaint, method="visit", successful=True)
    assert sweep_at(after(hours=24, minutes=1)) == NOTHING
    assert list(SlaEvent.objects.values_list("kind", flat=True)) == [SlaKind.WARNING]


def test_a_voided_complaint_gets_nothing(staff, registered, sweep_at, clock):
    complaint = registered(staff)
    clock.move_to(after(hours=2))
    complaint_void(actor=staff.officer, complaint=complaint, reason="Pengaduan ganda")
    assert sweep_at(after(hours=30)) == NOTHING
    assert not SlaEvent.objects.exists()


# --- late registration ---------------------------------------------------------------------------

def test_a_complaint_received_30h_ago_is_breached_at_registration(staff, registered, sweep_at,
                                                                  eager_celery, mailoutbox):
    complaint = registered(staff, received_at=after(hours=-30))
    case = complaint.case
    # Breached at once — before any sweep — with the escalation and the timeline row.
    breach = SlaEvent.objects.get()
    assert breach.kind == SlaKind.BREACH and breach.at == START
    assert breach.due_at == after(hours=-6)
    assert recipients("sla_breach") == {staff.head, staff.chair}
    assert len(timeline(case, EventType.SLA_BREACHED)) == 1
    assert not timeline(case, EventType.SLA_WARNED)  # a warning after the deadline helps nobody
    assert sorted(m.to[0] for m in mailoutbox) == sorted([staff.head.email, staff.chair.email])
    # The next sweeps find nothing left to do.
    assert sweep_at(after(minutes=2)) == NOTHING
    assert sweep_at(after(days=1)) == NOTHING
    assert SlaEvent.objects.count() == 1 and len(mailoutbox) == 2


def test_a_complaint_received_20h_ago_is_warned_at_registration(staff, registered, sweep_at):
    complaint = registered(staff, received_at=after(hours=-20))
    assert SlaEvent.objects.get().kind == SlaKind.WARNING
    assert recipients("sla_warning") == {staff.officer, staff.other_officer}
    assert sweep_at(after(hours=1)) == NOTHING
    assert sweep_at(after(hours=4, minutes=1)) == {"warned": 0, "breached": 1}
    assert set(complaint.sla_events.values_list("kind", flat=True)) == {SlaKind.WARNING, SlaKind.BREACH}


# --- the worker was down -------------------------------------------------------------------------

def test_one_sweep_catches_up_after_the_worker_was_down_for_three_days(staff, registered, sweep_at,
                                                                       clock):
    a = registered(staff, name="Korban Satu")
    clock.move_to(after(hours=10))
    b = registered(staff, name="Korban Dua")
    clock.move_to(after(hours=20))
    c = registered(staff, name="Korban Tiga")
    answered = registered(staff, name="Korban Empat")
    clock.move_to(after(hours=21))
    initial_response_record(actor=staff.officer, complaint=answered, method="phone", successful=True)
    clock.move_to(after(hours=52))
    due_soon = registered(staff, name="Korban Lima")      # 20 h old at the catch-up
    clock.move_to(after(hours=70))
    fresh = registered(staff, name="Korban Enam")         # 2 h old at the catch-up

    # No sweep ran for three days. One sweep (in batches of two) catches up on everything due.
    assert sweep_at(after(hours=72), batch=2) == {"warned": 1, "breached": 3}
    kinds = {c_.pk: set(c_.sla_events.values_list("kind", flat=True))
             for c_ in (a, b, c, answered, due_soon, fresh)}
    assert kinds == {a.pk: {SlaKind.BREACH}, b.pk: {SlaKind.BREACH}, c.pk: {SlaKind.BREACH},
                     answered.pk: set(), due_soon.pk: {SlaKind.WARNING}, fresh.pk: set()}
    for late in (a, b, c):
        assert len(timeline(late.case, EventType.SLA_BREACHED)) == 1
    assert Notification.objects.filter(kind="sla_breach").count() == 3 * 2  # head + chair each

    # The next beat finds nothing; the clock then goes on normally for the others.
    assert sweep_at(after(hours=72, minutes=2)) == NOTHING
    assert sweep_at(after(hours=76, minutes=1)) == {"warned": 0, "breached": 1}   # due_soon at 24 h
    assert sweep_at(after(hours=88, minutes=1)) == {"warned": 1, "breached": 0}   # fresh at 18 h
    assert sweep_at(after(hours=94, minutes=1)) == {"warned": 0, "breached": 1}   # fresh at 24 h


# --- one indexed query ---------------------------------------------------------------------------

def test_a_sweep_with_nothing_due_is_one_query(staff, registered, sweep_at):
    registered(staff)
    with CaptureQueriesContext(connection) as ctx:
        assert sweep_at(after(hours=1)) == NOTHING
    selects = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1 and "FOR UPDATE" in selects[0] and "SKIP LOCKED" in selects[0]


def test_the_due_query_can_use_the_partial_deadline_index(staff, registered):
    registered(staff)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned otherwise
    plan = complaints_due(now=after(hours=19)).explain()
    assert "complaint_open_due_idx" in plan


# --- the schedule --------------------------------------------------------------------------------

def test_beat_runs_the_sweep_every_two_minutes_with_redis_reliability_settings():
    from config.celery_app import app

    app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    entry = settings.CELERY_BEAT_SCHEDULE["cases-sla-sweep"]
    assert entry["task"] == "cases.tasks.sla_sweep" and entry["schedule"]._orig_minute == "*/2"
    assert "cases.tasks.sla_sweep" in app.tasks
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.timezone == "Asia/Jakarta"
    assert app.conf.broker_url == settings.REDIS_URL
