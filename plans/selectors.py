"""Reads of a case's service plan, limited by construction to what the user may see: the case comes
from ``cases.selectors.case_get_for_user`` (404 for "missing" and "not yours" alike)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from agencies import policies as agency_policies
from cases.models import Case
from meetings.models import Decision
from meetings.selectors import selections_counted
from plans.models import CaseConference, ConferenceAttendee, Plan, PlanVersion, ServiceItem


@dataclass
class PlanPage:
    plan: Plan | None
    versions: list[PlanVersion] = field(default_factory=list)
    conferences: list[CaseConference] = field(default_factory=list)
    own_agency_ids: frozenset[int] = frozenset()


def plan_page_for_user(*, user, case: Case) -> PlanPage:
    """The plan of ``case`` (already checked for ``user``): every version newest first with its
    items, and the conferences with their attendees — a fixed number of queries whatever the size.
    ``own_agency_ids`` are the user's agencies, whose items the page highlights."""
    plan = Plan.objects.filter(case=case).select_related("coordinator_agency").first()
    own = agency_policies.staff_agency_ids(user)
    if plan is None:
        return PlanPage(plan=None, own_agency_ids=own)
    items = ServiceItem.objects.select_related("service", "agency", "officer").order_by("id")
    versions = list(plan.versions.select_related("approved_by", "conference").prefetch_related(
        Prefetch("items", queryset=items)).order_by("-number"))
    attendees = ConferenceAttendee.objects.select_related("agency").order_by("id")
    conferences = list(plan.conferences.prefetch_related(Prefetch("attendees", queryset=attendees))
                       .order_by("-held_on", "-id"))
    return PlanPage(plan=plan, versions=versions, conferences=conferences, own_agency_ids=own)


def current_decision(case: Case) -> Decision | None:
    """The signed selecting decision standing on ``case`` (the latest one counted)."""
    return (selections_counted().filter(case=case).select_related("coordinator_agency")
            .order_by("-applied_at", "-id").first())
