"""Reads for meetings, limited by construction (meetings.policies): meeting data only for Tim
Percepatan members; an agenda item for its receiving agency's staff; action items for their
responsible agency. Constant query counts on every list."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
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


def _with_counts(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return qs.annotate(
        selected_count=_count_of(Decision, kind__in=list(SELECTING_KINDS)),
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
    return totals


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
        "action_item__responsible_agency", "meeting")
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


# --- notifications whose task is done ----------------------------------------------------------

MINUTES_READY_KEY = "minutes-ready:{minutes_pk}:{ready_at:%Y%m%d%H%M%S}"


def minutes_ready_done(notifications) -> set[int]:
    """The "minutes ready to sign" notifications whose minutes are signed (one query):
    registered with ``common.notifications`` for the inbox."""
    by_minutes: dict[int, list[int]] = {}
    for n in notifications:
        prefix, _, rest = n.dedupe_key.partition(":")
        pk = rest.partition(":")[0]
        if prefix == "minutes-ready" and pk.isdigit():
            by_minutes.setdefault(int(pk), []).append(n.pk)
    signed = (Minutes.objects.filter(pk__in=list(by_minutes), status=MinutesStatus.SIGNED)
              .values_list("pk", flat=True))
    return {nid for pk in signed for nid in by_minutes[pk]}

