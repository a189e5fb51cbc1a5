# ruff: noqa: F403, F405
"""Presentation, joint assessment, decisions, action items and their follow-up."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from agencies.models import Agency, User
from cases.models import Case, ComplaintOutcome
from common import crypto, limits
from common.audit import save_with_history
from common.errors import ActionNotAllowed, ApplicationError
from meetings import events, policies
from meetings.models import (
    ASSESSMENT_DIMENSIONS,
    ActionItem,
    AgendaItem,
    AgendaKind,
    AgendaStatus,
    CasePresentation,
    Decision,
    DecisionKind,
    FollowUp,
    FollowUpStatus,
    JointAssessment,
    Meeting,
    MeetingStatus,
    Minutes,
    Rating,
)
from meetings.services.agenda import agenda_item_keep_emergency
from meetings.services.base import (
    ACTION_ITEM_DUE_PAST,
    ACTION_ITEM_HAS_FOLLOW_UP,
    ACTION_ITEM_INCOMPLETE,
    ACTION_ITEM_NEEDS_DECISION,
    ASSESSMENT_INCOMPLETE,
    CRITERION_5_NEEDS_REASON,
    DECISION_ITEM_DEFERRED,
    DECISION_KIND_INVALID,
    DECISION_NEEDS_AGENCIES,
    DECISION_NEEDS_ASSESSMENT,
    DECISION_NEEDS_BASIS,
    DECISION_NEEDS_CRITERION_5,
    DECISION_NEEDS_PRESENTATION,
    DECISION_NEEDS_REASON,
    DECISION_NOT_ON_AGENDA,
    FOLLOW_UP_ALREADY_DONE,
    FOLLOW_UP_EVIDENCE_REQUIRED,
    FOLLOW_UP_NOT_LIVE,
    FOLLOW_UP_STATUS_INVALID,
    FOLLOW_UP_TIME_INVALID,
    NOT_PRESENTER,
    NOT_RESPONSIBLE,
    ORAL_PRESENTER_REQUIRED,
    PRESENTATION_INCOMPLETE,
    clean_text,
    identity_check,
    meeting_lock,
    require_draft,
    require_editor,
    require_opened,
)
from meetings.services.coordination import coordinator_resolve

# --- presentation and joint assessment -------------------------------------------------------------

#: The presentation's narrative fields: the only texts where a writer may confirm a common word.
PRESENTATION_FIELDS = ("chronology", "current_condition", "obstacles")


def _common_words(words: Iterable[str] | None) -> list[str]:
    """The words a presenter confirmed are common words: single words of letters, lower case."""
    out = set()
    for w in words or ():
        w = clean_text(w).lower()
        if w.isalpha() and 3 <= len(w) <= 60:
            out.add(w)
    return sorted(out)


def _presentation_write(*, actor: User, item: AgendaItem, meeting: Meeting, chronology: str,
                        current_condition: str, obstacles: str, oral_presenter: str,
                        common_words: Iterable[str] | None) -> CasePresentation:
    texts = dict(zip(PRESENTATION_FIELDS, (clean_text(chronology), clean_text(current_condition),
                                           clean_text(obstacles)), strict=True))
    if not all(texts.values()):
        raise ApplicationError(PRESENTATION_INCOMPLETE)
    words = _common_words(common_words)
    identity_check(case=item.case, texts=texts, allowed={f: words for f in PRESENTATION_FIELDS})
    # Only the confirmed words the narrative holds are recorded.
    used = set(crypto.name_tokens(" ".join(texts.values())))
    words = [w for w in words if w in used]
    p = CasePresentation.objects.select_for_update().filter(agenda_item=item).first()
    created = p is None
    if created:
        p = CasePresentation(agenda_item=item, case=item.case, agency=item.case.receiving_agency)
    p.chronology, p.current_condition, p.obstacles = texts.values()
    p.presented_by = actor
    p.oral_presenter = oral_presenter
    p.confirmed_common_words = words
    p.updated_at = timezone.now()
    p.full_clean()
    save_with_history(p, actor=actor)
    events.presented(case=item.case, actor=actor, agency=item.case.receiving_agency, meeting=meeting,
                     item=item, revised=not created, oral=bool(oral_presenter),
                     common_words_confirmed=len(words))
    return p


@transaction.atomic
def presentation_save(*, actor: User, item: AgendaItem, chronology: str, current_condition: str,
                      obstacles: str, common_words: Iterable[str] | None = None) -> CasePresentation:
    """The receiving institution's presentation, written beforehand. Refused, with nothing saved,
    when it carries the victim's name or a NIK — except the words the presenter confirms are common
    words (``common_words``, recorded on the row; never a NIK)."""
    if not policies.can_present(actor, item):
        raise ActionNotAllowed(NOT_PRESENTER)
    meeting = meeting_lock(item.meeting)
    require_draft(meeting)
    return _presentation_write(actor=actor, item=item, meeting=meeting, chronology=chronology,
                               current_condition=current_condition, obstacles=obstacles,
                               oral_presenter="", common_words=common_words)


@transaction.atomic
def presentation_record_oral(*, actor: User, item: AgendaItem, presenter: str, chronology: str,
                             current_condition: str, obstacles: str,
                             common_words: Iterable[str] | None = None) -> CasePresentation:
    """An oral presentation given at the opened meeting, recorded by the secretary (or the chair)
    with the presenter named — so that a case, an emergency above all, can be decided even when
    no one wrote the presentation beforehand (SKB E.1.b.2.a, E.3.b)."""
    require_editor(actor)
    meeting = meeting_lock(item.meeting)
    require_draft(meeting)
    require_opened(meeting)
    presenter = clean_text(presenter)[:200]
    if not presenter:
        raise ApplicationError(ORAL_PRESENTER_REQUIRED, field="presenter")
    return _presentation_write(actor=actor, item=item, meeting=meeting, chronology=chronology,
                               current_condition=current_condition, obstacles=obstacles,
                               oral_presenter=presenter, common_words=common_words)


def decision_basis(*, meeting: Meeting, case: Case) -> tuple[CasePresentation | None,
                                                                JointAssessment | None]:
    """The presentation and the joint assessment a selection rests on (R5–R7): the latest of each
    for ``case`` at this meeting or an earlier one that was not cancelled."""
    def latest(model):
        return (model.objects.filter(case=case, agenda_item__meeting__starts_at__lte=meeting.starts_at)
                .exclude(agenda_item__meeting__status=MeetingStatus.CANCELLED)
                .order_by("-agenda_item__meeting__starts_at", "-updated_at").first())

    return latest(CasePresentation), latest(JointAssessment)


def triage_summary(*, case: Case) -> tuple[bool | None, list[str]]:
    """What the triage says about the case's criteria (SKB E.1.a): (eligible, criteria met) over
    its complaints that are not voided — eligible when any of them is; (None, []) without triage."""
    from triage.models import TriageAssessment
    from triage.rules import CRITERIA

    rows = list(TriageAssessment.objects.filter(complaint__case=case)
                .exclude(complaint__outcome=ComplaintOutcome.VOIDED)
                .values_list("eligible", "criteria_met"))
    if not rows:
        return None, []
    met = {c for _eligible, codes in rows for c in codes or []}
    return any(e for e, _codes in rows), [c.code for c in CRITERIA if c.code in met]


@transaction.atomic
def assessment_save(*, actor: User, item: AgendaItem, ratings: dict[str, int],
                    notes: dict[str, str] | None = None) -> JointAssessment:
    """The joint assessment: each of the four dimensions rated, with notes."""
    require_editor(actor)
    meeting = meeting_lock(item.meeting)
    require_draft(meeting)
    require_opened(meeting)
    notes = notes or {}
    values = {}
    for prefix, _label in ASSESSMENT_DIMENSIONS:
        try:
            rating = int(ratings.get(prefix))
        except (TypeError, ValueError):
            raise ApplicationError(ASSESSMENT_INCOMPLETE) from None
        if rating not in Rating.values:
            raise ApplicationError(ASSESSMENT_INCOMPLETE)
        values[f"{prefix}_rating"] = rating
        values[f"{prefix}_notes"] = clean_text(notes.get(prefix))
    identity_check(case=item.case, texts={k: v for k, v in values.items() if k.endswith("_notes")})
    a = JointAssessment.objects.select_for_update().filter(agenda_item=item).first()
    created = a is None
    if created:
        a = JointAssessment(agenda_item=item, case=item.case)
    for k, v in values.items():
        setattr(a, k, v)
    a.recorded_by, a.updated_at = actor, timezone.now()
    a.full_clean()
    save_with_history(a, actor=actor)
    events.assessed(case=item.case, actor=actor, meeting=meeting, item=item, revised=not created,
                    ratings={k: v for k, v in values.items() if k.endswith("_rating")})
    return a


# --- decisions and action items --------------------------------------------------------------------

ALLOWED_KINDS = {
    AgendaKind.PROPOSED: {DecisionKind.SELECT, DecisionKind.NOT_SELECT, DecisionKind.DEFER},
    AgendaKind.OTHER: {DecisionKind.SELECT, DecisionKind.NOT_SELECT, DecisionKind.DEFER,
                       DecisionKind.CONTINUE},
    AgendaKind.EMERGENCY: {DecisionKind.EMERGENCY_CONFIRM, DecisionKind.EMERGENCY_REVOKE,
                           DecisionKind.DEFER},
    AgendaKind.PROGRESS_REVIEW: {DecisionKind.CONTINUE, DecisionKind.DEFER},
    AgendaKind.OVERDUE_ACTION: {DecisionKind.CONTINUE},
}


def _earlier_final_decision(decision: Decision, *, meeting: Meeting, case: Case,
                            kind: str) -> Decision | None:
    """R7: a final decision on a case that already has one from an earlier meeting (whose minutes
    were not signed when the case came back, or were signed since) supersedes it, as an addendum
    does: whichever minutes are signed last, the newer decision stands (``meetings.signing``)."""
    from meetings.selectors import FINAL_KINDS

    if kind not in FINAL_KINDS:
        return None
    free = Q(superseded_by__isnull=True)
    if decision.pk is not None:
        free |= Q(superseded_by=decision.pk)
    return (Decision.objects.filter(free, case=case, kind__in=FINAL_KINDS,
                                    meeting__opened_at__lt=meeting.opened_at)
            .exclude(meeting=meeting).order_by("-meeting__opened_at", "-id").first())


@transaction.atomic
def decision_record(*, actor: User, meeting: Meeting, case: Case, kind: str, reason: str = "",
                    serving_agencies: Iterable[Agency] = (),
                    coordinator_agency: Agency | None = None, priority_pilot: bool = False,
                    priority_reason: str = "", case_coordinator: User | None = None) -> Decision:
    """Record (or, while the minutes are a draft, correct) the decision on a case on the agenda.
    It has no effect on the case or its access until the minutes are signed.

    A selection (and an emergency confirmation) rests on the case's presentation and the joint
    assessment, at this meeting or an earlier one (R5–R7); the refusal names what is missing. A
    case whose triage found it not eligible, or that has no triage, is selected only as a
    priority pilot case (criterion 5, R23) with a reason. The decision keeps the triage's
    criteria as they stood. A selection names the case's coordinator (R26): ``case_coordinator``,
    the Ketua by default."""
    require_editor(actor)
    meeting = meeting_lock(meeting)
    require_draft(meeting)
    require_opened(meeting)
    item = (AgendaItem.objects.select_for_update().filter(meeting=meeting, case=case)
            .exclude(kind=AgendaKind.OVERDUE_ACTION).first())
    if item is None:
        raise ApplicationError(DECISION_NOT_ON_AGENDA)
    if item.status == AgendaStatus.DEFERRED:
        raise ApplicationError(DECISION_ITEM_DEFERRED)
    item.case = Case.objects.get(pk=item.case_id)  # the emergency flag as it stands now
    agenda_item_keep_emergency(item=item, actor=actor)
    if kind not in ALLOWED_KINDS.get(item.options_kind, set()):
        raise ApplicationError(DECISION_KIND_INVALID)
    serving = list({a.pk: a for a in serving_agencies}.values())
    reason = clean_text(reason)
    selecting = kind in (DecisionKind.SELECT, DecisionKind.EMERGENCY_CONFIRM)
    priority_pilot = bool(priority_pilot) and kind == DecisionKind.SELECT
    priority_reason = clean_text(priority_reason) if priority_pilot else ""
    if selecting:
        presentation, assessment = decision_basis(meeting=meeting, case=case)
        if presentation is None or assessment is None:
            raise ApplicationError(DECISION_NEEDS_BASIS if presentation is None and assessment is None
                                   else DECISION_NEEDS_PRESENTATION if presentation is None
                                   else DECISION_NEEDS_ASSESSMENT)
    eligible, criteria = triage_summary(case=case)
    if kind == DecisionKind.SELECT and not eligible and not priority_pilot:
        raise ApplicationError(DECISION_NEEDS_CRITERION_5, field="priority_pilot")
    if priority_pilot and not priority_reason:
        raise ApplicationError(CRITERION_5_NEEDS_REASON, field="priority_reason")
    if selecting:
        if coordinator_agency is None or (kind == DecisionKind.SELECT and not serving):
            raise ApplicationError(DECISION_NEEDS_AGENCIES)
    elif not reason and kind in (DecisionKind.NOT_SELECT, DecisionKind.EMERGENCY_REVOKE,
                                 DecisionKind.DEFER):
        raise ApplicationError(DECISION_NEEDS_REASON, field="reason")
    coordinator = coordinator_resolve(case_coordinator) if selecting else None
    identity_check(case=case, texts={"reason": reason, "priority_reason": priority_reason}, minutes=True)
    decision = Decision.objects.select_for_update().filter(agenda_item=item).first()
    revised = decision is not None
    if decision is None:
        decision = Decision(agenda_item=item, meeting=meeting, case=case)
    decision.kind, decision.reason = kind, reason
    decision.triage_eligible, decision.criteria_met = eligible, criteria
    decision.priority_pilot, decision.priority_reason = priority_pilot, priority_reason
    decision.coordinator_agency = coordinator_agency if selecting else None
    decision.case_coordinator = coordinator
    decision.recorded_by, decision.recorded_at = actor, timezone.now()
    # In an addendum, a decision on a case replaces that case's decision in the amended minutes.
    amended_meeting = (Minutes.objects.filter(meeting=meeting, amends__isnull=False)
                       .values_list("amends__meeting_id", flat=True).first())
    if amended_meeting is not None:
        decision.supersedes = Decision.objects.filter(meeting_id=amended_meeting, case=case).first()
    else:
        decision.supersedes = _earlier_final_decision(decision, meeting=meeting, case=case, kind=kind)
    decision.full_clean()
    save_with_history(decision, actor=actor)
    decision.serving_agencies.set(serving if selecting else [])
    if item.status != AgendaStatus.DISCUSSED:
        item.status = AgendaStatus.DISCUSSED
        save_with_history(item, actor=actor, update_fields=["status"])
    events.decision_recorded(case=case, actor=actor, meeting=meeting, kind=kind, revised=revised,
                             serving_agencies=serving if selecting else [],
                             coordinator=coordinator_agency if selecting else None,
                             priority_pilot=priority_pilot)
    return decision


@transaction.atomic
def action_item_add(*, actor: User, decision: Decision, description: str,
                    responsible_agency: Agency | None, due_date: date | None) -> ActionItem:
    require_editor(actor)
    meeting = meeting_lock(decision.meeting)
    require_draft(meeting)
    description = clean_text(description)
    if not description or responsible_agency is None or due_date is None:
        raise ApplicationError(ACTION_ITEM_INCOMPLETE)
    if due_date < timezone.localdate(meeting.starts_at):
        raise ApplicationError(ACTION_ITEM_DUE_PAST, field="due_date")
    identity_check(case=decision.case, texts={"description": description}, minutes=True)
    ai = ActionItem(decision=decision, meeting=meeting, case=decision.case, description=description,
                    responsible_agency=responsible_agency, due_date=due_date, created_by=actor)
    ai.full_clean()
    save_with_history(ai, actor=actor)
    events.action_item_added(case=decision.case, actor=actor, meeting=meeting, action_item=ai,
                             responsible_agency=responsible_agency, due_date=due_date)
    return ai


def action_item_add_for_item(*, actor: User, item: AgendaItem, **kwargs) -> ActionItem:
    decision = Decision.objects.filter(agenda_item=item).select_related("meeting", "case").first()
    if decision is None:
        require_editor(actor)
        raise ApplicationError(ACTION_ITEM_NEEDS_DECISION)
    return action_item_add(actor=actor, decision=decision, **kwargs)


@transaction.atomic
def action_item_remove(*, actor: User, action_item: ActionItem) -> None:
    """Remove an action item typed in error, while the minutes are a draft and before any
    follow-up (history keeps the removed row)."""
    require_editor(actor)
    meeting = meeting_lock(action_item.meeting)
    require_draft(meeting)
    if action_item.follow_ups.exists() or action_item.agenda_items.exists():
        raise ApplicationError(ACTION_ITEM_HAS_FOLLOW_UP)
    events.action_item_removed(case=action_item.case, actor=actor, meeting=meeting,
                               action_item=action_item)
    action_item._history_user = actor
    action_item.delete()


# --- follow-up -------------------------------------------------------------------------------------

@transaction.atomic
def follow_up_add(*, actor: User, action_item: ActionItem, status: str, evidence: str = "",
                  happened_at: datetime | None = None) -> FollowUp:
    """Append the responsible agency's progress. Done on or before the due date counts as on time.
    ``happened_at`` records work done earlier than it is entered (never in the future, never before
    the meeting)."""
    if not policies.can_follow_up(actor, action_item):
        raise ActionNotAllowed(NOT_RESPONSIBLE)
    ai = ActionItem.objects.select_for_update().select_related("meeting", "case").get(pk=action_item.pk)
    if ai.meeting.status != MeetingStatus.CLOSED:
        raise ApplicationError(FOLLOW_UP_NOT_LIVE)
    if status not in (FollowUpStatus.OPEN, FollowUpStatus.DONE):
        raise ApplicationError(FOLLOW_UP_STATUS_INVALID, field="status")
    evidence = clean_text(evidence)
    if status == FollowUpStatus.DONE and not evidence:
        raise ApplicationError(FOLLOW_UP_EVIDENCE_REQUIRED, field="evidence")
    if ai.follow_ups.filter(status=FollowUpStatus.DONE).exists():
        raise ApplicationError(FOLLOW_UP_ALREADY_DONE)
    identity_check(case=ai.case, texts={"evidence": evidence})
    now = timezone.now()
    if happened_at is not None:
        if happened_at > now or happened_at < ai.meeting.starts_at - timedelta(days=1):
            raise ApplicationError(FOLLOW_UP_TIME_INVALID)
        now = happened_at
    row = FollowUp(action_item=ai, status=status, evidence=evidence, by=actor, at=now,
                   agency=ai.responsible_agency,
                   on_time=(timezone.localdate(now) <= ai.due_date)
                   if status == FollowUpStatus.DONE else None)
    limits.check_lengths(row, "evidence")
    row.save()
    events.follow_up_added(case=ai.case, actor=actor, agency=ai.responsible_agency, action_item=ai,
                           status=status, on_time=row.on_time)
    return row
