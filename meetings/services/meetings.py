# ruff: noqa: F403, F405
"""Schedule, meetings, attendance and the minutes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from agencies.models import TEAM_ROLES, Role, User
from agencies.selectors import user_context, users_with_role
from common import limits
from common.audit import save_with_history
from common.errors import ApplicationError
from common.notifications import notify
from meetings import selectors
from meetings.models import (
    Attendance,
    Meeting,
    MeetingKind,
    MeetingSchedule,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    PresidingRole,
)
from meetings.services.agenda import agenda_build
from meetings.services.base import (
    ALREADY_OPENED,
    ATTENDANCE_CLOSED,
    ATTENDEE_NOT_MEMBER,
    MEETING_CANCELLED,
    MEETING_NOT_CLOSED,
    MINUTES_SIGNED,
    NO_PRESIDING_OFFICER,
    NOT_OPEN,
    NOT_SCHEDULED,
    PLACE_REQUIRED,
    REASON_REQUIRED,
    START_IN_PAST,
    clean_text,
    identity_check,
    meeting_lock,
    minutes_lock,
    require_draft,
    require_editor,
    require_opened,
)
from meetings.services.emergencies import emergencies_unformalised_flag

# --- schedule and meetings -------------------------------------------------------------------------

@transaction.atomic
def schedule_update(*, actor: User, weekday: int, time: time, place: str, online_link: str = "",
                    duration_minutes: int = 120, review_every_days: int = 28,
                    action_reminder_days: int = 2) -> MeetingSchedule:
    require_editor(actor)
    schedule = MeetingSchedule.objects.select_for_update().filter(is_active=True).first() or MeetingSchedule()
    schedule.weekday, schedule.time = weekday, time
    schedule.place, schedule.online_link = clean_text(place), clean_text(online_link)
    schedule.duration_minutes = duration_minutes
    schedule.review_every_days = review_every_days
    schedule.action_reminder_days = action_reminder_days
    schedule.is_active = True
    if not (schedule.place or schedule.online_link):
        raise ApplicationError(PLACE_REQUIRED, field="place")
    schedule.full_clean()
    save_with_history(schedule, actor=actor)
    return schedule


def meeting_title(starts_at: datetime, kind: str) -> str:
    """The title a meeting gets when none is typed: weekly or ad-hoc, and its local date."""
    day = timezone.localtime(starts_at).strftime("%d-%m-%Y")
    if kind == MeetingKind.REGULAR:
        return f"Rapat penelaahan mingguan {day}"
    return f"Rapat penelaahan sewaktu-waktu {day}"


def meeting_new(*, actor: User | None, kind: str, starts_at: datetime, place: str, online_link: str,
                title: str = "") -> Meeting:
    """A meeting and its draft minutes, saved with history. No permission check and no transaction
    of its own: the callers — ``meeting_create``, ``meeting_ensure_next_regular`` and the addendum
    (``meetings.signing.addendum_create``) — check who acts and hold the transaction."""
    meeting = Meeting(kind=kind, title=clean_text(title) or meeting_title(starts_at, kind),
                      scheduled_for=starts_at, starts_at=starts_at, place=clean_text(place),
                      online_link=clean_text(online_link), created_by=actor)
    if not (meeting.place or meeting.online_link):
        raise ApplicationError(PLACE_REQUIRED, field="place")
    meeting.full_clean()
    save_with_history(meeting, actor=actor)
    minutes = Minutes(meeting=meeting)
    save_with_history(minutes, actor=actor)
    return meeting


@transaction.atomic
def meeting_create(*, actor: User, starts_at: datetime, place: str = "", online_link: str = "",
                   title: str = "") -> Meeting:
    """An ad-hoc meeting (e.g. several emergencies waiting). Its agenda is built at once."""
    require_editor(actor)
    if starts_at <= timezone.now():
        raise ApplicationError(START_IN_PAST, field="starts_at")
    meeting = meeting_new(actor=actor, kind=MeetingKind.AD_HOC, starts_at=starts_at, place=place,
                          online_link=online_link, title=title)
    agenda_build(meeting=meeting, actor=actor)
    return meeting


def next_slot(schedule: MeetingSchedule, *, now: datetime) -> datetime:
    """The next weekly slot strictly after ``now`` (local time)."""
    local = timezone.localtime(now)
    days = (schedule.weekday - local.weekday()) % 7
    candidate = timezone.make_aware(datetime.combine(local.date() + timedelta(days=days), schedule.time))
    if candidate <= now:
        candidate += timedelta(days=7)
    return candidate


def meeting_ensure_next_regular(*, now: datetime | None = None) -> Meeting | None:
    """Create the next regular meeting and its agenda if it does not exist (safe to run twice:
    one regular meeting per slot, by constraint)."""
    now = now or timezone.now()
    schedule = selectors.schedule_active()
    if schedule is None:
        return None
    slot = next_slot(schedule, now=now)
    existing = Meeting.objects.filter(kind=MeetingKind.REGULAR, scheduled_for=slot).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            meeting = meeting_new(actor=None, kind=MeetingKind.REGULAR, starts_at=slot,
                                  place=schedule.place, online_link=schedule.online_link)
            agenda_build(meeting=meeting, actor=None)
    except IntegrityError:  # a concurrent sweep created it first
        return Meeting.objects.filter(kind=MeetingKind.REGULAR, scheduled_for=slot).first()
    return meeting


@transaction.atomic
def meeting_reschedule(*, actor: User, meeting: Meeting, starts_at: datetime, reason: str,
                       place: str | None = None) -> Meeting:
    require_editor(actor)
    meeting = meeting_lock(meeting)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ApplicationError(NOT_SCHEDULED)
    reason = clean_text(reason)
    if not reason:
        raise ApplicationError(REASON_REQUIRED, field="reason")
    if starts_at <= timezone.now():
        raise ApplicationError(START_IN_PAST, field="starts_at")
    meeting.starts_at = starts_at
    if place is not None and clean_text(place):
        meeting.place = clean_text(place)
    meeting.reschedule_reason = reason[:300]
    meeting.reschedule_count += 1
    save_with_history(meeting, actor=actor,
                      update_fields=["starts_at", "place", "reschedule_reason", "reschedule_count"])
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting, reason: str) -> Meeting:
    require_editor(actor)
    meeting = meeting_lock(meeting)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ApplicationError(NOT_SCHEDULED)
    reason = clean_text(reason)
    if not reason:
        raise ApplicationError(REASON_REQUIRED, field="reason")
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancel_reason = reason[:300]
    meeting.cancelled_at = timezone.now()
    meeting.held_on_schedule = False
    save_with_history(meeting, actor=actor,
                      update_fields=["status", "cancel_reason", "cancelled_at", "held_on_schedule"])
    return meeting


def _attendance_rows(*, meeting: Meeting, actor: User, user_ids: Iterable[int]) -> list[Attendance]:
    ids = {int(i) for i in user_ids}
    members = {u.pk: u for u in users_with_role(roles=TEAM_ROLES).filter(pk__in=ids)}
    if not ids or set(members) != ids:
        raise ApplicationError(ATTENDEE_NOT_MEMBER)
    rows = []
    for user in members.values():
        ctx = user_context(user)
        team = [m for m in ctx.memberships if m.role in TEAM_ROLES]
        # The highest team position names the row (ketua before wakil before the rest).
        order = [Role.TP_KETUA, Role.TP_WAKIL_KETUA, Role.TP_PENGARAH, Role.TP_SEKRETARIS,
                 Role.TP_PENDAMPING_TEKNIS, Role.TP_ANGGOTA]
        team.sort(key=lambda m: order.index(m.role))
        main = team[0]
        rows.append(Attendance(meeting=meeting, user=user, name=user.display_name,
                               position=user.position_title or main.get_role_display(),
                               agency=main.agency, team_role=main.role, recorded_by=actor))
    return rows


def _presiding(rows: list[Attendance]) -> tuple[User, str]:
    for role in (PresidingRole.KETUA, PresidingRole.WAKIL_KETUA):
        for row in rows:
            if role in user_context(row.user).team_roles:
                return row.user, role
    raise ApplicationError(NO_PRESIDING_OFFICER)


@transaction.atomic
def meeting_open(*, actor: User, meeting: Meeting, attendee_ids: Iterable[int]) -> Meeting:
    """Open the meeting: record who is present and who presides (the ketua, or the wakil ketua
    when the ketua is absent). Held on schedule when opened on the planned day, never moved."""
    require_editor(actor)
    meeting = meeting_lock(meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ApplicationError(MEETING_CANCELLED)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ApplicationError(ALREADY_OPENED)
    rows = _attendance_rows(meeting=meeting, actor=actor, user_ids=attendee_ids)
    officer, role = _presiding(rows)
    for row in rows:
        save_with_history(row, actor=actor)
    now = timezone.now()
    meeting.status = MeetingStatus.OPEN
    meeting.opened_at = now
    meeting.presiding_officer, meeting.presiding_role = officer, role
    meeting.held_on_schedule = (meeting.reschedule_count == 0
                                and timezone.localdate(now) == timezone.localdate(meeting.scheduled_for))
    save_with_history(meeting, actor=actor, update_fields=[
        "status", "opened_at", "presiding_officer", "presiding_role", "held_on_schedule"])
    return meeting


@transaction.atomic
def attendance_update(*, actor: User, meeting: Meeting, attendee_ids: Iterable[int]) -> Meeting:
    """Correct the attendance while the meeting is open; the presiding officer follows it."""
    require_editor(actor)
    meeting = meeting_lock(meeting)
    if meeting.status == MeetingStatus.CLOSED:
        raise ApplicationError(ATTENDANCE_CLOSED)
    require_opened(meeting)
    require_draft(meeting)
    rows = _attendance_rows(meeting=meeting, actor=actor, user_ids=attendee_ids)
    officer, role = _presiding(rows)
    keep = {r.user_id for r in rows}
    for old in meeting.attendance.exclude(user_id__in=keep):
        old._history_user = actor
        old.delete()
    existing = set(meeting.attendance.values_list("user_id", flat=True))
    for row in rows:
        if row.user_id not in existing:
            save_with_history(row, actor=actor)
    meeting.presiding_officer, meeting.presiding_role = officer, role
    save_with_history(meeting, actor=actor, update_fields=["presiding_officer", "presiding_role"])
    return meeting


@transaction.atomic
def meeting_close(*, actor: User, meeting: Meeting) -> Meeting:
    require_editor(actor)
    meeting = meeting_lock(meeting)
    if meeting.status != MeetingStatus.OPEN:
        raise ApplicationError(NOT_OPEN)
    meeting.status = MeetingStatus.CLOSED
    meeting.closed_at = timezone.now()
    save_with_history(meeting, actor=actor, update_fields=["status", "closed_at"])
    # R9: an emergency this meeting did not formalise is flagged to the Ketua.
    emergencies_unformalised_flag(meeting=meeting, actor=actor)
    return meeting


# --- minutes ---------------------------------------------------------------------------------------

@transaction.atomic
def minutes_update_notes(*, actor: User, meeting: Meeting, notes: str) -> Minutes:
    require_editor(actor)
    meeting = meeting_lock(meeting)
    minutes = require_draft(meeting)
    notes = (notes or "").strip()
    for item in meeting.agenda.select_related("case"):
        identity_check(case=item.case, texts=[notes])
    minutes.notes = notes
    limits.check_lengths(minutes, "notes")
    save_with_history(minutes, actor=actor, update_fields=["notes", "updated_at"])
    return minutes


@transaction.atomic
def minutes_mark_ready(*, actor: User, meeting: Meeting) -> Minutes:
    """The secretary submits the draft for signature: from here nothing in the meeting changes
    (the presiding officer signs it, ``meetings.signing``, or it goes back to draft)."""
    require_editor(actor)
    meeting = meeting_lock(meeting)
    minutes = require_draft(meeting)
    if meeting.status != MeetingStatus.CLOSED:
        raise ApplicationError(MEETING_NOT_CLOSED)
    minutes.status, minutes.ready_at, minutes.ready_by = MinutesStatus.READY, timezone.now(), actor
    save_with_history(minutes, actor=actor, update_fields=["status", "ready_at", "ready_by", "updated_at"])
    chairs = users_with_role(roles=[Role.TP_KETUA, Role.TP_WAKIL_KETUA])
    notify(users=chairs, kind="minutes_ready", title=f"Notula {meeting.title} siap ditandatangani",
           url=reverse("meetings:minutes", args=[meeting.pk]),
           dedupe_key=selectors.MINUTES_READY_KEY.format(minutes_pk=minutes.pk, ready_at=minutes.ready_at))
    return minutes


@transaction.atomic
def minutes_return_to_draft(*, actor: User, meeting: Meeting) -> Minutes:
    require_editor(actor)
    meeting = meeting_lock(meeting)
    minutes = minutes_lock(meeting)
    if minutes.status == MinutesStatus.SIGNED:
        raise ApplicationError(MINUTES_SIGNED)
    minutes.status, minutes.ready_at, minutes.ready_by = MinutesStatus.DRAFT, None, None
    save_with_history(minutes, actor=actor, update_fields=["status", "ready_at", "ready_by", "updated_at"])
    return minutes
