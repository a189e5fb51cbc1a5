# ruff: noqa: F403, F405
"""The beat sweeps: next meeting and reminders; action item reminders and overdue marks."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from agencies.models import TEAM_ROLES, Role
from agencies.selectors import agency_heads, users_with_role
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
