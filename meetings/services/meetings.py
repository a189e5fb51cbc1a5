# ruff: noqa: F403, F405
"""Schedule, meetings, attendance and the minutes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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
from common.timefmt import date_label
from meetings import events, selectors
from meetings.models import (
    AgendaItem,
    AgendaStatus,
    Attendance,
    CarryReason,
    Meeting,
    MeetingKind,
    MeetingSchedule,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    PresidingRole,
)
from meetings.services.agenda import agenda_build, next_meeting_for_carry
from meetings.services.base import (
    ALREADY_OPENED,
    ATTENDANCE_CLOSED,
    ATTENDEE_NOT_MEMBER,
    ATTENDEES_NONE,
    CLOSE_UNDECIDED,
    MEETING_CANCELLED,
    MEETING_NOT_CLOSED,
    MINUTES_SIGNED,
    NO_PRESIDING_OFFICER,
    NOT_OPEN,
    NOT_SCHEDULED,
    OPEN_TOO_EARLY,
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

#: The reason a deferral at closing gets when none is typed (stored text, in Indonesian).
DEFERRED_AT_CLOSING = "Belum sempat diputuskan; ditunda saat rapat ditutup."

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
    day = date_label(starts_at, lang="id")
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
    # The slot's meeting was rescheduled earlier and has already been held (or is being held): the
    # next regular meeting is the following week's — never the one just closed (R4: what it
    # deferred must go somewhere).
    while existing is not None and existing.status in (MeetingStatus.OPEN, MeetingStatus.CLOSED):
        slot = next_slot(schedule, now=slot)
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
    # The regular slot stays taken (one regular meeting per slot): ``scheduled_for`` never moves.
    # A title the system gave names the day: it follows the move, so the minutes carry no false
    # date (R2). A title someone typed stays.
    if meeting.title == meeting_title(meeting.starts_at, meeting.kind):
        meeting.title = meeting_title(starts_at, meeting.kind)
    meeting.starts_at = starts_at
    if place is not None and clean_text(place):
        meeting.place = clean_text(place)
    meeting.reschedule_reason = reason[:300]
    meeting.reschedule_count += 1
    save_with_history(meeting, actor=actor,
                      update_fields=["starts_at", "title", "place", "reschedule_reason", "reschedule_count"])
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
    if not ids:
        raise ApplicationError(ATTENDEES_NONE, field="attendees")
    members = {u.pk: u for u in users_with_role(roles=TEAM_ROLES).filter(pk__in=ids)}
    if set(members) != ids:
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
    now = timezone.now()
    # R2: a regular meeting is held on its day; earlier only after rescheduling it, with a reason.
    # Opened after its day it is held late, and not on schedule.
    early = timezone.localdate(now) < timezone.localdate(meeting.starts_at)
    if meeting.kind == MeetingKind.REGULAR and early:
        raise ApplicationError(OPEN_TOO_EARLY)
    rows = _attendance_rows(meeting=meeting, actor=actor, user_ids=attendee_ids)
    officer, role = _presiding(rows)
    for row in rows:
        save_with_history(row, actor=actor)
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


@dataclass
class CarryOver:
    """What closing carried to the next meeting: how many items, and where (``None``: there is no
    next meeting and no weekly schedule to create it from — the secretary is told to make one)."""

    items: int = 0
    target: Meeting | None = None
    #: Deferred items left with no meeting to go to (no next meeting, no schedule).
    waiting: int = 0


@transaction.atomic
def meeting_close(*, actor: User, meeting: Meeting, deferrals: Mapping[int, str] | None = None) -> Meeting:
    """Close the meeting (R4: nothing lost). Every item still undecided must be deferred —
    ``deferrals`` maps its id to the reason (blank: a standard one) — or decided first; one left
    without a choice refuses the close. Deferred items carry to the next meeting with a note of
    where they came from; the next regular meeting is created from the schedule when it does not
    exist yet. Complaints still unscreened are counted for the minutes (they carry over to the next
    screening list). ``meeting.carry_over`` says what was carried and where."""
    require_editor(actor)
    meeting = meeting_lock(meeting)
    if meeting.status != MeetingStatus.OPEN:
        raise ApplicationError(NOT_OPEN)
    minutes = require_draft(meeting)
    deferrals = {int(k): v for k, v in (deferrals or {}).items()}
    # An addendum's agenda lists the amended minutes' cases: those it does not correct stand as
    # signed, so nothing there waits for a decision.
    undecided = [] if minutes.amends_id else list(selectors.undecided_items(meeting=meeting))
    if any(item.pk not in deferrals for item in undecided):
        raise ApplicationError(CLOSE_UNDECIDED)
    for item in undecided:
        reason = clean_text(deferrals[item.pk]) or DEFERRED_AT_CLOSING
        identity_check(case=item.case, texts=[reason])
        item.status, item.defer_reason = AgendaStatus.DEFERRED, reason[:limits.SHORT_REASON]
        save_with_history(item, actor=actor, update_fields=["status", "defer_reason"])
        events.agenda_deferred(case=item.case, actor=actor, meeting=meeting)
    now = timezone.now()
    meeting.status = MeetingStatus.CLOSED
    meeting.closed_at = now
    meeting.complaints_carried = selectors.screening_candidates(meeting=meeting).count()
    save_with_history(meeting, actor=actor, update_fields=["status", "closed_at", "complaints_carried"])
    # R9: an emergency this meeting did not formalise is flagged to the Ketua.
    emergencies_unformalised_flag(meeting=meeting, actor=actor)
    carry = CarryOver()
    if selectors.carry_candidates().filter(meeting=meeting).exists():
        target = next_meeting_for_carry(after=meeting)
        if target is not None:
            agenda_build(meeting=target, actor=None)
        else:
            target = meeting_ensure_next_regular(now=now)
        deferred = selectors.carry_candidates().filter(meeting=meeting, reason=CarryReason.DEFERRED).count()
        if target is None and deferred:  # no meeting to carry to and no schedule to create it from
            carry = CarryOver(waiting=deferred)
            notify(users=users_with_role(roles=[Role.TP_SEKRETARIS]), kind="schedule_missing",
                   title=f"Agenda yang ditunda dari {meeting.title} menunggu rapat berikutnya: "
                         f"atur jadwal rapat mingguan", url=reverse("meetings:schedule"),
                   dedupe_key=f"schedule-missing:{meeting.pk}")
        elif target is not None:
            carry = CarryOver(items=AgendaItem.objects.filter(
                meeting=target, carried_from__meeting=meeting, carry_reason=CarryReason.DEFERRED).count(),
                target=target)
    meeting.carry_over = carry
    return meeting


# --- minutes ---------------------------------------------------------------------------------------

@transaction.atomic
def minutes_update_notes(*, actor: User, meeting: Meeting, notes: str) -> Minutes:
    require_editor(actor)
    meeting = meeting_lock(meeting)
    minutes = require_draft(meeting)
    notes = (notes or "").strip()
    for item in meeting.agenda.select_related("case"):
        identity_check(case=item.case, texts={"notes": notes}, minutes=True)
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
