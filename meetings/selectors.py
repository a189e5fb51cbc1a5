"""Reads for meetings, limited by construction (meetings.policies): meeting data only for Tim
Percepatan members; an agenda item for its receiving agency's staff; action items for their
responsible agency. Constant query counts on every list."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Case as SqlCase
from django.db.models import CharField, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from agencies.policies import staff_agency_ids
from cases.models import Case, CaseStatus, Complaint, ComplaintOutcome
from meetings import policies
from meetings.models import (
    SELECTING_KINDS,
    ActionItem,
    AgendaItem,
    AgendaKind,
    AgendaStatus,
    CarryReason,
    Decision,
    DecisionKind,
    FollowUp,
    FollowUpStatus,
    Meeting,
    MeetingKind,
    MeetingSchedule,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    Screening,
)

#: Decisions that settle a proposed or emergency case (a deferral or a review does not).
FINAL_KINDS = [DecisionKind.SELECT, DecisionKind.NOT_SELECT, DecisionKind.EMERGENCY_CONFIRM,
               DecisionKind.EMERGENCY_REVOKE]


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def schedule_active() -> MeetingSchedule | None:
    return MeetingSchedule.objects.filter(is_active=True).first()


# --- meetings --------------------------------------------------------------------------------------

def _count_of(model, **filters) -> Coalesce:
    """How many ``model`` rows point at the meeting: a subquery per row read (index on the
    meeting foreign key), so a page of meetings never groups the whole table."""
    rows = (model.objects.filter(meeting=OuterRef("pk"), **filters).order_by()
            .values("meeting").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows), Value(0))


def _signed_selections_count() -> Coalesce:
    """The meeting's selections that count (``selections_counted``: in signed minutes, not replaced
    by a newer signed decision) — what the list shows next to the weekly target."""
    rows = (selections_counted().filter(meeting=OuterRef("pk")).order_by()
            .values("meeting").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows), Value(0))


def _with_counts(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return qs.annotate(
        selected_count=_count_of(Decision, kind__in=list(SELECTING_KINDS)),
        signed_selected_count=_signed_selections_count(),
        screened_count=_count_of(Screening),
        agenda_count=_count_of(AgendaItem),
    )


def meeting_list(*, user) -> QuerySet[Meeting]:
    """All meetings for team members, newest first (one query: the rows, their counts and
    minutes). Page it (common.paging). Fifty-two a year: the order needs no index of its own (one
    would also win the planner over the sweeps' ``(status, starts_at)`` index)."""
    if not policies.is_member(user):
        return Meeting.objects.none()
    return (_with_counts(Meeting.objects.all()).select_related("presiding_officer", "minutes")
            .order_by("-starts_at", "-id"))


def meeting_get_for_user(*, user, id) -> Meeting:  # noqa: A002 — the house name
    """One meeting, for team members; the same 404 for "missing" and "not for you"."""
    pk = _int(id)
    if not policies.is_member(user):
        raise Http404
    meeting = (_with_counts(Meeting.objects.filter(pk=pk))
               .select_related("presiding_officer", "minutes", "created_by").first())
    if meeting is None:
        raise Http404
    return meeting


def previous_meeting(*, meeting: Meeting) -> Meeting | None:
    return (Meeting.objects.filter(opened_at__isnull=False, starts_at__lt=meeting.starts_at)
            .exclude(pk=meeting.pk).order_by("-starts_at").first())


def next_meeting() -> Meeting | None:
    return (Meeting.objects.filter(status__in=[MeetingStatus.SCHEDULED, MeetingStatus.OPEN])
            .order_by("starts_at", "id").first())


def meeting_attendance(*, meeting: Meeting):
    return meeting.attendance.select_related("agency", "user").order_by("id")


def kpi_summary() -> dict:
    """IKU 4 inputs, computed from the rows: meetings held on schedule, target met."""
    regular = Meeting.objects.filter(kind=MeetingKind.REGULAR, scheduled_for__lte=timezone.now())
    totals = regular.aggregate(
        planned=Count("id"),
        held_on_schedule=Count("id", filter=Q(held_on_schedule=True)),
        cancelled=Count("id", filter=Q(status=MeetingStatus.CANCELLED)),
    )
    # R23: cases selected as priority pilot cases (criterion 5) — in signed minutes only.
    totals["priority_pilot"] = Decision.objects.filter(priority_pilot=True, applied_at__isnull=False).count()
    # R2: never opened (flagged the day after) or cancelled.
    totals["not_held"] = regular.filter(held_on_schedule=False, opened_at__isnull=True).count()
    return totals


# --- the weekly selection target (R3, R7) ---------------------------------------------------------

def selections_counted() -> QuerySet[Decision]:
    """The selections that count (R3, R7): in signed minutes (put into effect at signing) and not
    replaced by a newer signed decision — an addendum's, or a later meeting's on the same case."""
    return (Decision.objects.filter(kind__in=list(SELECTING_KINDS), applied_at__isnull=False)
            .exclude(superseded_by__applied_at__isnull=False))


def decision_day(decision: Decision) -> date:
    """The local day a decision belongs to: the day its meeting was held (opened), or planned
    when never opened; an addendum's decision belongs to the meeting whose minutes it amends."""
    meeting = decision.meeting
    amends = getattr(getattr(meeting, "minutes", None), "amends", None)
    if amends is not None:
        meeting = amends.meeting
    return timezone.localdate(meeting.opened_at or meeting.starts_at)


def week_monday(day: date) -> date:
    """The Monday of ``day``'s ISO week (Monday–Sunday)."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class SelectionWeek:
    monday: date
    count: int
    target: int
    #: The week has ended (``today`` is past its Sunday): a week short of the target is missed.
    ended: bool

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def met(self) -> bool:
        return self.count >= self.target

    @property
    def missed(self) -> bool:
        return self.ended and not self.met


@dataclass(frozen=True)
class SelectionReport:
    weeks: list[SelectionWeek]
    total: int
    target_to_date: int
    target_total: int
    start: date
    end: date

    @property
    def missed(self) -> list[SelectionWeek]:
        return [w for w in self.weeks if w.missed]

    def week_of(self, day: date) -> SelectionWeek | None:
        monday = week_monday(day)
        return next((w for w in self.weeks if w.monday == monday), None)


def weekly_selections(*, today: date | None = None) -> SelectionReport:
    """R3: selections in signed minutes per ISO week (Asia/Jakarta) of their meeting, over the pilot
    (``PILOT_START``–``PILOT_END``): each week's count against the target, the cumulative count, and
    the weeks that ended short of it. One query."""
    from meetings.models import WEEKLY_SELECTION_TARGET

    today = today or timezone.localdate()
    start, end = settings.PILOT_START, settings.PILOT_END
    counts: Counter[date] = Counter()
    for d in selections_counted().select_related("meeting__minutes__amends__meeting"):
        day = decision_day(d)
        if start <= day <= end:
            counts[week_monday(day)] += 1
    weeks = []
    monday, last = week_monday(start), week_monday(min(today, end))
    while monday <= last:
        weeks.append(SelectionWeek(monday=monday, count=counts[monday], target=WEEKLY_SELECTION_TARGET,
                                   ended=monday + timedelta(days=6) < today))
        monday += timedelta(days=7)
    all_weeks = (week_monday(end) - week_monday(start)).days // 7 + 1
    return SelectionReport(weeks=weeks, total=sum(counts.values()),
                           target_to_date=WEEKLY_SELECTION_TARGET * sum(1 for w in weeks if w.ended),
                           target_total=WEEKLY_SELECTION_TARGET * all_weeks, start=start, end=end)


# --- screening -------------------------------------------------------------------------------------

def screening_candidates(*, meeting: Meeting) -> QuerySet[Complaint]:
    """Every complaint that has no screening outcome yet (received since the previous meeting, and
    any left over before it), not voided — one query with its case, agency and triage."""
    cutoff = meeting.closed_at or timezone.now()
    return (
        Complaint.objects.filter(screening__isnull=True, received_at__lte=cutoff)
        .exclude(outcome=ComplaintOutcome.VOIDED)
        .select_related("case", "receiving_agency", "triage")
        .order_by("received_at", "id")
    )


def meeting_screenings(*, meeting: Meeting) -> QuerySet[Screening]:
    return (meeting.screenings.select_related("case", "complaint__receiving_agency", "complaint__triage",
                                              "decided_by").order_by("id"))


def screening_summary(*, meeting: Meeting) -> dict[str, int]:
    rows = meeting.screenings.values("outcome").annotate(n=Count("id"))
    return {r["outcome"]: r["n"] for r in rows}


# --- agenda ----------------------------------------------------------------------------------------

def _agenda_qs() -> QuerySet[AgendaItem]:
    return (AgendaItem.objects.select_related(
        "case__receiving_agency", "presentation__presented_by", "assessment", "decision__coordinator_agency",
        "decision__case_coordinator", "action_item__responsible_agency", "meeting", "carried_from__meeting")
        .prefetch_related("decision__serving_agencies",
                          Prefetch("decision__action_items",
                                   queryset=ActionItem.objects.select_related("responsible_agency")
                                   .order_by("due_date", "id"))))


def agenda_items(*, meeting: Meeting) -> QuerySet[AgendaItem]:
    return _agenda_qs().filter(meeting=meeting).order_by("position", "id")


def agenda_item_get_for_user(*, user, meeting_id, item_id) -> AgendaItem:
    """An agenda item for a team member, or for staff of the case's receiving agency (who write
    its presentation). The same 404 for "missing" and "not yours"."""
    item = _agenda_qs().filter(pk=_int(item_id), meeting_id=_int(meeting_id)).first()
    if item is None:
        raise Http404
    if policies.is_member(user) or policies.can_present(user, item):
        return item
    raise Http404


def cases_needing_decision() -> QuerySet[Case]:
    """Proposed at screening or emergency awaiting formal decision, with no final decision yet."""
    decided = Decision.objects.filter(case=OuterRef("pk"), kind__in=FINAL_KINDS)
    proposed = Screening.objects.filter(case=OuterRef("pk"), outcome="proposed")
    return (Case.objects.filter(Q(Exists(proposed)) | Q(awaiting_formal_decision=True))
            .exclude(status__in=[CaseStatus.VOIDED, CaseStatus.CLOSED]).exclude(Exists(decided)))


def cases_due_for_review(*, days: int) -> QuerySet[Case]:
    since = timezone.now() - timedelta(days=days)
    recent = AgendaItem.objects.filter(case=OuterRef("pk"), meeting__starts_at__gte=since,
                                       status=AgendaStatus.DISCUSSED)
    return Case.objects.filter(status=CaseStatus.SELECTED).exclude(Exists(recent))


def undecided_items(*, meeting: Meeting) -> QuerySet[AgendaItem]:
    """The items that still wait for a decision: not deferred, no decision recorded (overdue action
    items are discussed, not decided). Closing asks, for each, defer or decide (R4)."""
    return (meeting.agenda.filter(status=AgendaStatus.PENDING, decision__isnull=True)
            .exclude(kind=AgendaKind.OVERDUE_ACTION).select_related("case").order_by("position", "id"))


def carry_candidates() -> QuerySet[AgendaItem]:
    """Items of earlier meetings that must come back to the next agenda, not carried yet (R4, R7):
    deferred at a closed meeting (by the agenda or by a *defer* decision), decided at a closed
    meeting whose minutes are not signed, or left pending when their meeting was cancelled.
    ``reason`` is annotated. Cases voided or closed meanwhile stay where they are; an addendum's
    items never carry (what it does not correct stands as signed)."""
    closed = Q(meeting__status=MeetingStatus.CLOSED)
    deferred = closed & (Q(status=AgendaStatus.DEFERRED) | Q(decision__kind=DecisionKind.DEFER))
    unsigned = closed & Q(decision__kind__in=FINAL_KINDS) & ~Q(meeting__minutes__status=MinutesStatus.SIGNED)
    cancelled = Q(meeting__status=MeetingStatus.CANCELLED, status=AgendaStatus.PENDING)
    return (AgendaItem.objects.filter(carried_to__isnull=True, meeting__minutes__amends__isnull=True)
            .exclude(kind=AgendaKind.OVERDUE_ACTION).filter(deferred | unsigned | cancelled)
            .exclude(case__status__in=[CaseStatus.VOIDED, CaseStatus.CLOSED])
            .annotate(reason=SqlCase(When(deferred, then=Value(CarryReason.DEFERRED)),
                                   When(unsigned, then=Value(CarryReason.UNSIGNED)),
                                   default=Value(CarryReason.CANCELLED), output_field=CharField()))
            .select_related("case", "meeting").order_by("meeting__starts_at", "position", "id"))


def addable_cases(*, meeting: Meeting) -> QuerySet[Case]:
    """Cases the secretary may add by hand: open cases not yet on this meeting's agenda."""
    on_agenda = AgendaItem.objects.filter(meeting=meeting, case=OuterRef("pk")).exclude(
        kind=AgendaKind.OVERDUE_ACTION)
    return (Case.objects.exclude(status__in=[CaseStatus.VOIDED, CaseStatus.CLOSED])
            .exclude(Exists(on_agenda)).order_by("-opened_at")[:200])


# --- action items ----------------------------------------------------------------------------------

def _latest_follow_up():
    return FollowUp.objects.filter(action_item=OuterRef("pk")).order_by("-at", "-id")


def with_status(qs: QuerySet[ActionItem]) -> QuerySet[ActionItem]:
    """Adds ``current_status`` (latest follow-up, else open) and ``done_on_time``."""
    return qs.annotate(
        current_status=Coalesce(Subquery(_latest_follow_up().values("status")[:1]),
                                Value(FollowUpStatus.OPEN)),
        done_on_time=Subquery(FollowUp.objects.filter(action_item=OuterRef("pk"), status=FollowUpStatus.DONE)
                              .order_by("at", "id").values("on_time")[:1]),
    )


def action_items_for_agencies(*, user) -> QuerySet[ActionItem]:
    """Action items whose responsible agency is one the user works in (constant query count)."""
    ids = list(staff_agency_ids(user))
    return (with_status(ActionItem.objects.filter(responsible_agency_id__in=ids))
            .select_related("case", "meeting", "responsible_agency")
            .prefetch_related(Prefetch("follow_ups", queryset=FollowUp.objects.select_related("by", "agency")
                                       .order_by("at", "id")))
            .order_by("due_date", "id"))


def action_item_get_for_user(*, user, id) -> ActionItem:  # noqa: A002
    """An action item for staff of its responsible agency; the same 404 otherwise."""
    item = with_status(ActionItem.objects.filter(pk=_int(id))).select_related(
        "case", "meeting__minutes", "responsible_agency").first()
    if item is None or not policies.can_follow_up(user, item):
        raise Http404
    return item


def overdue_action_items() -> QuerySet[ActionItem]:
    return with_status(ActionItem.objects.all()).filter(current_status=FollowUpStatus.OVERDUE)


def presentations_requested(*, user) -> QuerySet[AgendaItem]:
    """Agenda items of upcoming meetings for cases the user's agencies received."""
    ids = list(staff_agency_ids(user))
    return (_agenda_qs().filter(case__receiving_agency_id__in=ids,
                                meeting__status__in=[MeetingStatus.SCHEDULED, MeetingStatus.OPEN])
            .exclude(kind=AgendaKind.OVERDUE_ACTION).order_by("meeting__starts_at", "position"))


# --- history ---------------------------------------------------------------------------------------

def case_meeting_history(*, case: Case) -> dict:
    """Every meeting where the case was screened or discussed (two queries)."""
    return {
        "screenings": list(case.screenings.select_related("meeting", "complaint__receiving_agency")
                           .order_by("decided_at")),
        "items": list(_agenda_qs().filter(case=case).order_by("meeting__starts_at", "id")),
    }


def minutes_awaiting_signature(*, user) -> QuerySet[Minutes]:
    """Minutes ready for signature that ``user`` may sign today: those of meetings she presided,
    and all of them while she holds a signing delegation (the chair's home page)."""
    from agencies.selectors import active_delegation_for

    qs = Minutes.objects.filter(status=MinutesStatus.READY).select_related("meeting")
    if active_delegation_for(user) is None:
        qs = qs.filter(meeting__presiding_officer=user)
    return qs.order_by("ready_at", "id")


# --- notifications whose task is done ----------------------------------------------------------

MINUTES_READY_KEY = "minutes-ready:{minutes_pk}:{ready_at:%Y%m%d%H%M%S}"
MINUTES_UNSIGNED_KEY = "minutes-unsigned:{minutes_pk}:{stage}:{ready_at:%Y%m%d%H%M%S}"


def minutes_ready_done(notifications) -> set[int]:
    """The "minutes ready to sign" (and "still unsigned") notifications whose minutes are signed
    (one query):
    registered with ``common.notifications`` for the inbox."""
    by_minutes: dict[int, list[int]] = {}
    for n in notifications:
        prefix, _, rest = n.dedupe_key.partition(":")
        pk = rest.partition(":")[0]
        if prefix in ("minutes-ready", "minutes-unsigned") and pk.isdigit():
            by_minutes.setdefault(int(pk), []).append(n.pk)
    signed = (Minutes.objects.filter(pk__in=list(by_minutes), status=MinutesStatus.SIGNED)
              .values_list("pk", flat=True))
    return {nid for pk in signed for nid in by_minutes[pk]}

