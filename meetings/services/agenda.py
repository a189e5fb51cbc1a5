# ruff: noqa: F403, F405
"""Screening in bulk and the agenda."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max

from agencies.models import User
from cases.models import Case, Complaint, ComplaintOutcome
from common.audit import save_with_history
from common.errors import ApplicationError
from meetings import events, selectors
from meetings.models import (
    ActionItem,
    AgendaItem,
    AgendaKind,
    AgendaStatus,
    CarryReason,
    Decision,
    Meeting,
    MeetingStatus,
    Screening,
    ScreeningOutcome,
)
from meetings.services.base import (
    AGENDA_DUPLICATE,
    AGENDA_NOT_PENDING,
    MEETING_CANCELLED,
    MINUTES_LOCKED,
    REASON_REQUIRED,
    SCREENING_ALREADY,
    SCREENING_COMPLAINT_INVALID,
    SCREENING_EMPTY,
    SCREENING_OUTCOME_UNKNOWN,
    clean_text,
    identity_check,
    meeting_lock,
    require_draft,
    require_editor,
)

# --- screening -------------------------------------------------------------------------------------

@transaction.atomic
def screening_record(*, actor: User, meeting: Meeting, outcomes: dict) -> list[Screening]:
    """Record screening outcomes in bulk: ``{complaint public id: outcome}``. All or nothing: one
    complaint that already has an outcome refuses the whole batch (and the database refuses a
    second row for a complaint whatever happens here). Proposed cases join the agenda."""
    require_editor(actor)
    meeting = meeting_lock(meeting)
    require_draft(meeting)
    outcomes = {str(k): v for k, v in outcomes.items() if v}
    if not outcomes:
        raise ApplicationError(SCREENING_EMPTY)
    if any(v not in ScreeningOutcome.values for v in outcomes.values()):
        raise ApplicationError(SCREENING_OUTCOME_UNKNOWN)
    try:
        complaints = list(Complaint.objects.select_for_update(of=("self",)).select_related("case")
                          .filter(public_id__in=list(outcomes)).exclude(outcome=ComplaintOutcome.VOIDED))
    except Exception:  # malformed UUIDs
        raise ApplicationError(SCREENING_COMPLAINT_INVALID) from None
    if len(complaints) != len(outcomes):
        raise ApplicationError(SCREENING_COMPLAINT_INVALID)
    if Screening.objects.filter(complaint__in=complaints).exists():
        raise ApplicationError(SCREENING_ALREADY)
    rows = []
    try:
        with transaction.atomic():
            for c in complaints:
                outcome = outcomes[str(c.public_id)]
                row = Screening(meeting=meeting, complaint=c, case=c.case, outcome=outcome, decided_by=actor)
                row.save()
                rows.append(row)
                events.meeting_screened(case=c.case, actor=actor, meeting=meeting, complaint=c,
                                        outcome=outcome)
    except IntegrityError:  # a concurrent request screened one of them first
        raise ApplicationError(SCREENING_ALREADY) from None
    for row in rows:
        if row.outcome == ScreeningOutcome.PROPOSED:
            agenda_put(meeting=meeting, case=row.case, kind=AgendaKind.PROPOSED, actor=actor)
    return rows


# --- agenda ----------------------------------------------------------------------------------------

def _next_position(meeting: Meeting) -> int:
    return (meeting.agenda.aggregate(m=Max("position"))["m"] or 0) + 1


def agenda_put(*, meeting: Meeting, case: Case, kind: str, actor: User | None,
               action_item: ActionItem | None = None, carried_from: AgendaItem | None = None,
               carry_reason: str = "") -> AgendaItem | None:
    """Add one item unless the case (or the action item) is already on the agenda. No permission
    check and no draft check: the callers (the agenda services, ``meetings.signing.addendum_create``)
    make them and hold the transaction. A carried item (``carried_from``) whose case is already on
    the agenda marks that item as carried instead."""
    if kind in (AgendaKind.PROPOSED, AgendaKind.OTHER) and case.awaiting_formal_decision:
        kind = AgendaKind.EMERGENCY  # R9: an emergency keeps its kind, whoever proposed it
    existing = meeting.agenda.filter(case=case).exclude(kind=AgendaKind.OVERDUE_ACTION)
    if action_item is not None:
        existing = meeting.agenda.filter(action_item=action_item)
    found = existing.first()
    if found is not None:
        if carried_from is not None and found.carried_from_id is None:
            found.carried_from, found.carry_reason = carried_from, carry_reason
            save_with_history(found, actor=actor, update_fields=["carried_from", "carry_reason"])
        if kind == AgendaKind.EMERGENCY:
            for item in existing.select_related("case"):
                agenda_item_keep_emergency(item=item, actor=actor)
        return None
    item = AgendaItem(meeting=meeting, case=case, kind=kind, action_item=action_item,
                      position=_next_position(meeting), added_by=actor, carried_from=carried_from,
                      carry_reason=carry_reason)
    item.full_clean()
    save_with_history(item, actor=actor)
    events.agenda_added(case=case, actor=actor, agency=None if actor else case.receiving_agency,
                        meeting=meeting, kind=kind, action_item=action_item)
    return item


def agenda_item_keep_emergency(*, item: AgendaItem, actor: User | None) -> AgendaItem:
    """Make ``item`` the emergency item it is (R9): a case awaiting its formal emergency decision
    that the screening proposed, or the secretary added, before (or after) it became an emergency
    gets the emergency options — confirm, revoke — on this agenda. A decision already recorded on
    the item stays as it is. Idempotent; the caller holds the meeting's lock."""
    if (item.kind in (AgendaKind.PROPOSED, AgendaKind.OTHER) and item.case.awaiting_formal_decision
            and not Decision.objects.filter(agenda_item=item).exists()):
        previous = item.kind
        item.kind = AgendaKind.EMERGENCY
        save_with_history(item, actor=actor, update_fields=["kind"])
        events.agenda_emergency_kept(case=item.case, actor=actor,
                                     agency=None if actor else item.case.receiving_agency,
                                     meeting=item.meeting, item=item, previous=previous)
    return item


def agenda_build(*, meeting: Meeting, actor: User | None) -> list[AgendaItem]:
    """Put on the agenda everything that is waiting: proposed cases and emergencies without a final
    decision, selected cases due for a progress review, overdue action items. Idempotent."""
    if meeting.status not in (MeetingStatus.SCHEDULED, MeetingStatus.OPEN):
        return []
    added = []
    with transaction.atomic():
        meeting = meeting_lock(meeting)
        require_draft(meeting)
        schedule = selectors.schedule_active()
        days = schedule.review_every_days if schedule else 28
        for case in selectors.cases_needing_decision().order_by("-awaiting_formal_decision", "opened_at"):
            kind = AgendaKind.EMERGENCY if case.awaiting_formal_decision else AgendaKind.PROPOSED
            added.append(agenda_put(meeting=meeting, case=case, kind=kind, actor=actor))
        for case in selectors.cases_due_for_review(days=days).order_by("opened_at"):
            added.append(agenda_put(meeting=meeting, case=case, kind=AgendaKind.PROGRESS_REVIEW,
                                    actor=actor))
        for ai in selectors.overdue_action_items().select_related("case").order_by("due_date"):
            added.append(agenda_put(meeting=meeting, case=ai.case, kind=AgendaKind.OVERDUE_ACTION,
                                    actor=actor, action_item=ai))
        added.extend(agenda_carry_into(meeting=meeting, actor=actor))
    return [a for a in added if a]


def agenda_carry_into(*, meeting: Meeting, actor: User | None) -> list[AgendaItem]:
    """Carry onto ``meeting``'s agenda every item of an earlier meeting that must come back
    (``selectors.carry_candidates``: deferred, decided in minutes not signed, or left by a cancelled
    meeting), each noting where it came from. Idempotent: one carry per item, by constraint. The
    caller holds the meeting's lock and has checked its minutes are a draft."""
    added = []
    # An item deferred (or left by a cancelled meeting) and already carried to a later meeting that
    # has not opened, with nothing prepared for it there, comes to this nearer one instead (an ad-hoc
    # meeting scheduled after the closing): the later copy leaves (history keeps it), the carry is
    # made again below. A case back only because its minutes are unsigned stays where it is: those
    # minutes may yet be signed before the next weekly meeting.
    later = (AgendaItem.objects.select_for_update(of=("self",))
             .filter(carried_from__isnull=False, carried_from__meeting__starts_at__lt=meeting.starts_at,
                     carry_reason__in=[CarryReason.DEFERRED, CarryReason.CANCELLED],
                     meeting__status=MeetingStatus.SCHEDULED, meeting__starts_at__gt=meeting.starts_at,
                     meeting__minutes__status="draft", status=AgendaStatus.PENDING,
                     decision__isnull=True, presentation__isnull=True, assessment__isnull=True)
             .exclude(meeting=meeting))
    for item in later:
        item._history_user = actor
        item.delete()
    for old in selectors.carry_candidates().filter(meeting__starts_at__lt=meeting.starts_at).exclude(
            meeting=meeting):
        added.append(agenda_put(meeting=meeting, case=old.case, kind=old.kind, actor=actor,
                                carried_from=old, carry_reason=old.reason))
    return [a for a in added if a]


def next_meeting_for_carry(*, after: Meeting) -> Meeting | None:
    """The meeting deferred items of ``after`` go to: the next one still scheduled (not an
    addendum)."""
    return (Meeting.objects.filter(status=MeetingStatus.SCHEDULED, starts_at__gt=after.starts_at,
                                   minutes__amends__isnull=True, minutes__status="draft")
            .exclude(pk=after.pk).order_by("starts_at", "id").first())


@transaction.atomic
def agenda_refresh(*, actor: User, meeting: Meeting) -> list[AgendaItem]:
    require_editor(actor)
    if meeting.status not in (MeetingStatus.SCHEDULED, MeetingStatus.OPEN):
        closed = meeting.status == MeetingStatus.CLOSED
        raise ApplicationError(MINUTES_LOCKED if closed else MEETING_CANCELLED)
    return agenda_build(meeting=meeting, actor=actor)


@transaction.atomic
def agenda_add(*, actor: User, meeting: Meeting, case: Case) -> AgendaItem:
    require_editor(actor)
    meeting = meeting_lock(meeting)
    require_draft(meeting)
    item = agenda_put(meeting=meeting, case=case, kind=AgendaKind.OTHER, actor=actor)
    if item is None:
        raise ApplicationError(AGENDA_DUPLICATE)
    return item


@transaction.atomic
def agenda_move(*, actor: User, item: AgendaItem, direction: str) -> AgendaItem:
    """Swap the item with its neighbour above ("up") or below ("down")."""
    require_editor(actor)
    meeting = meeting_lock(item.meeting)
    require_draft(meeting)
    items = list(AgendaItem.objects.select_for_update().filter(meeting=meeting)
                 .order_by("position", "id"))
    index = next(i for i, it in enumerate(items) if it.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for pos, it in enumerate(items, start=1):
        if it.position != pos:
            it.position = pos
            save_with_history(it, actor=actor, update_fields=["position"])
    moved = next(it for it in items if it.pk == item.pk)
    events.agenda_reordered(case=moved.case, actor=actor, meeting=meeting, position=moved.position)
    return moved


@transaction.atomic
def agenda_defer(*, actor: User, item: AgendaItem, reason: str) -> AgendaItem:
    """Move an item to the next meeting without a decision (it is put back on that agenda)."""
    require_editor(actor)
    meeting = meeting_lock(item.meeting)
    require_draft(meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.status != AgendaStatus.PENDING or Decision.objects.filter(agenda_item=item).exists():
        raise ApplicationError(AGENDA_NOT_PENDING)
    reason = clean_text(reason)
    if not reason:
        raise ApplicationError(REASON_REQUIRED, field="reason")
    identity_check(case=item.case, texts={"reason": reason}, minutes=True)
    item.status, item.defer_reason = AgendaStatus.DEFERRED, reason[:300]
    save_with_history(item, actor=actor, update_fields=["status", "defer_reason"])
    events.agenda_deferred(case=item.case, actor=actor, meeting=meeting)
    return item
