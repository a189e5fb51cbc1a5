# ruff: noqa: F403, F405
"""The beat sweeps: next meeting and reminders; action item reminders and overdue marks."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from agencies.models import TEAM_ROLES, Role
from agencies.selectors import agency_heads, users_with_role
from common.audit import save_with_history
from common.deadlines import AlertTable, Deadline, Stage, deadline_sweep
from common.notifications import notify
from common.timefmt import date_label, datetime_label
from meetings import events, selectors
from meetings.models import (
    ActionItem,
    ActionItemAlert,
    AgendaKind,
    AlertKind,
    FollowUp,
    FollowUpStatus,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesStatus,
)
from meetings.services.agenda import agenda_build
from meetings.services.base import meeting_url
from meetings.services.meetings import meeting_ensure_next_regular

# --- sweeps ----------------------------------------------------------------------------------------

def meeting_sweep(*, now: datetime | None = None) -> dict:
    """Create the next regular meeting with its agenda; the day before a meeting, refresh its
    agenda, remind members, and ask receiving agencies for missing presentations. Safe to run
    twice: one meeting per slot by constraint, notifications deduplicated by key."""
    now = now or timezone.now()
    created = meeting_ensure_next_regular(now=now)
    reminded = 0
    upcoming = Meeting.objects.filter(status=MeetingStatus.SCHEDULED, starts_at__gt=now,
                                      starts_at__lte=now + timedelta(days=1))
    members = list(users_with_role(roles=TEAM_ROLES))
    for meeting in upcoming:
        with transaction.atomic():
            if Minutes.objects.filter(meeting=meeting, status=MinutesStatus.DRAFT).exists():
                agenda_build(meeting=meeting, actor=None)
            when = timezone.localtime(meeting.starts_at)
            reminded += len(notify(
                users=members, kind="meeting_reminder",
                title=f"Pengingat: {meeting.title}, {datetime_label(when, lang='id')}",
                url=meeting_url(meeting), dedupe_key=f"meeting-reminder:{meeting.pk}:{when:%Y%m%d%H%M}"))
            for item in meeting.agenda.filter(presentation__isnull=True).exclude(
                    kind=AgendaKind.OVERDUE_ACTION).select_related("case__receiving_agency"):
                staff = agency_heads(agency=item.case.receiving_agency, also_roles=[Role.ADMIN_OFFICER])
                notify(users=staff, kind="presentation_request", case=item.case,
                       title=f"Siapkan paparan kasus {item.case.number} untuk rapat "
                             f"{date_label(when, lang='id')}",
                       url=reverse("meetings:presentation", args=[meeting.pk, item.pk]),
                       dedupe_key=f"meeting-present:{meeting.pk}:{item.pk}")
    return {"created": created.pk if created else None, "reminded": reminded}


def _live_action_items():
    """Action items of closed meetings that were never done: the subjects of the deadline."""
    done = FollowUp.objects.filter(action_item=OuterRef("pk"), status=FollowUpStatus.DONE)
    return ActionItem.objects.filter(meeting__status=MeetingStatus.CLOSED).filter(~Exists(done))


def _tell_responsible(ai: ActionItem, *, write, kind: str, title: str, dedupe_key: str) -> None:
    """The timeline row (``write``: the event's writer) and the notification to the responsible
    agency's head and admin officers."""
    write(action_item=ai)
    staff = agency_heads(agency=ai.responsible_agency, also_roles=[Role.ADMIN_OFFICER])
    notify(users=staff, kind=kind, case=ai.case, url=reverse("meetings:agency"), title=title,
           dedupe_key=dedupe_key)


def _remind(ai: ActionItem, alert: ActionItemAlert) -> None:
    _tell_responsible(ai, write=events.action_item_reminded, kind="action_item_reminder",
                      title=f"Tindak lanjut rapat untuk kasus {ai.case.number} jatuh tempo "
                            f"{date_label(ai.due_date, lang='id')}",
                      dedupe_key=f"action-reminder:{ai.pk}")


def _mark_overdue(ai: ActionItem, alert: ActionItemAlert) -> None:
    FollowUp(action_item=ai, status=FollowUpStatus.OVERDUE, by=None, at=alert.at,
             agency=ai.responsible_agency,
             evidence="Ditandai terlambat oleh sistem setelah batas waktu.").save()
    _tell_responsible(ai, write=events.action_item_overdue, kind="action_item_overdue",
                      title=f"Tindak lanjut rapat untuk kasus {ai.case.number} terlambat",
                      dedupe_key=f"action-overdue:{ai.pk}")


def action_item_deadline(*, reminder_days: int) -> Deadline:
    """Reminded from ``reminder_days`` before the due date (a date, compared with the local date);
    marked overdue the day after it. One row per kind in ``ActionItemAlert`` (one window)."""
    return Deadline(
        name="meetings.action_items",
        subjects=_live_action_items,
        due="due_date",
        clock=timezone.localdate,
        stages=(Stage(AlertKind.REMINDER, -timedelta(days=reminder_days), _remind),
                Stage(AlertKind.OVERDUE, timedelta(days=1), _mark_overdue)),
        alerts=AlertTable(ActionItemAlert, subject="action_item"),
        related=("case", "responsible_agency"),
    )


def action_item_sweep(*, now: datetime | None = None) -> dict:
    """Remind the responsible agency once before the due date; mark overdue once after it
    (SKIP LOCKED batches, one alert row per kind by constraint; see ``common.deadlines``)."""
    schedule = selectors.schedule_active()
    lead = schedule.action_reminder_days if schedule else 2
    done = deadline_sweep(action_item_deadline(reminder_days=lead), now=now)
    return {"reminded": done[AlertKind.REMINDER], "overdue": done[AlertKind.OVERDUE]}


# --- R2: a meeting not held; R7: minutes left unsigned ------------------------------------------

MEETING_MISSED = "missed"
#: Minutes ready but unsigned: the signer is reminded after 2 days, the chair after 2 more.
MINUTES_SIGNER_AFTER = timedelta(days=2)
MINUTES_CHAIR_AFTER = timedelta(days=4)
MINUTES_REMIND_SIGNER = "remind_signer"
MINUTES_REMIND_CHAIR = "remind_chair"


def _flag_missed(meeting: Meeting, alert) -> None:
    """The day after a meeting's day, never opened or cancelled: it counts as not held (IKU 4) and
    the secretary and the chair are told (once: one alert per meeting and day)."""
    if meeting.held_on_schedule is None:
        meeting.held_on_schedule = False
        save_with_history(meeting, actor=None, update_fields=["held_on_schedule"])
    day = timezone.localtime(meeting.starts_at)
    held = "dibatalkan" if meeting.status == MeetingStatus.CANCELLED else "tidak dibuka"
    title = f"Rapat {meeting.title} ({date_label(day, lang='id')}) {held}: tercatat tidak terlaksana"
    notify(users=users_with_role(roles=[Role.TP_SEKRETARIS, Role.TP_KETUA]), kind="meeting_missed",
           title=title, url=meeting_url(meeting), dedupe_key=f"meeting-missed:{meeting.pk}:{day:%Y%m%d}")


def meeting_missed_deadline() -> Deadline:
    """R2: a meeting never opened (or cancelled) is flagged the day after its local day."""
    return Deadline(
        name="meetings.missed",
        subjects=lambda: Meeting.objects.filter(
            status__in=[MeetingStatus.SCHEDULED, MeetingStatus.CANCELLED]),
        due=TruncDate("starts_at", tzinfo=timezone.get_default_timezone()),
        clock=timezone.localdate,
        stages=(Stage(MEETING_MISSED, timedelta(days=1), _flag_missed),),
    )


def _minutes_reminder(minutes: Minutes, *, users, stage: str) -> None:
    meeting = minutes.meeting
    since = timezone.localtime(minutes.ready_at)
    notify(users=users, kind="minutes_unsigned",
           title=f"Notula {meeting.title} menunggu tanda tangan sejak {date_label(since, lang='id')}",
           url=reverse("meetings:minutes", args=[meeting.pk]),
           dedupe_key=selectors.MINUTES_UNSIGNED_KEY.format(minutes_pk=minutes.pk, stage=stage,
                                                            ready_at=minutes.ready_at))


def _remind_signer(minutes: Minutes, alert) -> None:
    signer = minutes.meeting.presiding_officer
    users = [signer] if signer else list(users_with_role(roles=[Role.TP_KETUA, Role.TP_WAKIL_KETUA]))
    _minutes_reminder(minutes, users=users, stage=MINUTES_REMIND_SIGNER)


def _remind_chair(minutes: Minutes, alert) -> None:
    _minutes_reminder(minutes, users=users_with_role(roles=[Role.TP_KETUA]), stage=MINUTES_REMIND_CHAIR)


def minutes_unsigned_deadline() -> Deadline:
    """R7: minutes ready but unsigned for more than 2 days remind the signer once, then (2 days
    later) the chair. A return to draft and a new submission is a new window."""
    return Deadline(
        name="meetings.minutes_unsigned",
        subjects=lambda: Minutes.objects.filter(status=MinutesStatus.READY, ready_at__isnull=False),
        due="ready_at",
        stages=(Stage(MINUTES_REMIND_SIGNER, MINUTES_SIGNER_AFTER, _remind_signer),
                Stage(MINUTES_REMIND_CHAIR, MINUTES_CHAIR_AFTER, _remind_chair)),
        related=("meeting__presiding_officer",),
    )


def meeting_deadline_sweep(*, now: datetime | None = None) -> dict:
    """Flag meetings not held (R2) and remind about unsigned minutes (R7), once each."""
    missed = deadline_sweep(meeting_missed_deadline(), now=now)
    unsigned = deadline_sweep(minutes_unsigned_deadline(), now=now)
    return {"missed": missed[MEETING_MISSED], "signer": unsigned[MINUTES_REMIND_SIGNER],
            "chair": unsigned[MINUTES_REMIND_CHAIR]}
