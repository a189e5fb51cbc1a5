# ruff: noqa: F403, F405
"""The beat sweeps: next meeting and reminders; action item reminders and overdue marks."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agencies.models import TEAM_ROLES, Role
from agencies.selectors import agency_heads, users_with_role
from cases.events import case_event_record
from cases.models import EventType
from common.notifications import notify
from meetings import selectors
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
from meetings.services.base import *
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
                title=f"Pengingat: {meeting.title}, {when:%d-%m-%Y %H:%M}",
                url=_meeting_url(meeting), dedupe_key=f"meeting-reminder:{meeting.pk}:{when:%Y%m%d%H%M}"))
            for item in meeting.agenda.filter(presentation__isnull=True).exclude(
                    kind=AgendaKind.OVERDUE_ACTION).select_related("case__receiving_agency"):
                staff = agency_heads(agency=item.case.receiving_agency, also_roles=[Role.ADMIN_OFFICER])
                notify(users=staff, kind="presentation_request", case=item.case,
                       title=f"Siapkan paparan kasus {item.case.number} untuk rapat {when:%d-%m-%Y}",
                       url=reverse("meetings:presentation", args=[meeting.pk, item.pk]),
                       dedupe_key=f"meeting-present:{meeting.pk}:{item.pk}")
    return {"created": created.pk if created else None, "reminded": reminded}


def action_item_sweep(*, now: datetime | None = None) -> dict:
    """Remind the responsible agency once before the due date; mark overdue once after it.
    The alert row (one per kind by constraint) is the guard; locked rows are skipped."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    schedule = selectors.schedule_active()
    lead = schedule.action_reminder_days if schedule else 2
    live = selectors.with_status(ActionItem.objects.filter(meeting__status=MeetingStatus.CLOSED)).exclude(
        current_status=FollowUpStatus.DONE)
    done = {"reminded": 0, "overdue": 0}
    for kind, qs in ((AlertKind.OVERDUE, live.filter(due_date__lt=today)),
                     (AlertKind.REMINDER, live.filter(due_date__gte=today,
                                                      due_date__lte=today + timedelta(days=lead)))):
        for pk in qs.exclude(alerts__kind=kind).values_list("pk", flat=True):
            with transaction.atomic():
                ai = (ActionItem.objects.select_for_update(skip_locked=True).select_related("case")
                      .filter(pk=pk).first())
                if ai is None or ai.alerts.filter(kind=kind).exists():
                    continue
                if ai.follow_ups.filter(status=FollowUpStatus.DONE).exists():
                    continue
                ActionItemAlert.objects.create(action_item=ai, kind=kind, at=now)
                staff = agency_heads(agency=ai.responsible_agency, also_roles=[Role.ADMIN_OFFICER])
                url = reverse("meetings:agency")
                if kind == AlertKind.OVERDUE:
                    FollowUp(action_item=ai, status=FollowUpStatus.OVERDUE, by=None, at=now,
                             agency=ai.responsible_agency,
                             evidence="Ditandai terlambat oleh sistem setelah batas waktu.").save()
                    case_event_record(case=ai.case, actor=None, agency=ai.responsible_agency,
                                      event_type=EventType.ACTION_ITEM_OVERDUE,
                                      payload={"action_item": ai.pk, "due_date": ai.due_date.isoformat()})
                    notify(users=staff, kind="action_item_overdue", case=ai.case, url=url,
                           title=f"Tindak lanjut rapat untuk kasus {ai.case.number} terlambat",
                           dedupe_key=f"action-overdue:{ai.pk}")
                    done["overdue"] += 1
                else:
                    case_event_record(case=ai.case, actor=None, agency=ai.responsible_agency,
                                      event_type=EventType.ACTION_ITEM_REMINDED,
                                      payload={"action_item": ai.pk, "due_date": ai.due_date.isoformat()})
                    notify(users=staff, kind="action_item_reminder", case=ai.case, url=url,
                           title=f"Tindak lanjut rapat untuk kasus {ai.case.number} jatuh tempo "
                                 f"{ai.due_date:%d-%m-%Y}",
                           dedupe_key=f"action-reminder:{ai.pk}")
                    done["reminded"] += 1
    return done
