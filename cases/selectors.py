"""Reads of cases, limited by construction to what the user may see (cases.policies)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from cases.models import AccessLevel, Case, CaseEvent, CaseGrant, Victim
from cases.policies import annotate_access_level, visible_cases


def case_list(*, user, status: str | None = None, min_level: int = AccessLevel.SUMMARY) -> QuerySet[Case]:
    qs = visible_cases(user, min_level=min_level).select_related("receiving_agency")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-opened_at", "-id")


def case_get_for_user(*, user, id, level: int = AccessLevel.SUMMARY) -> Case:
    """Fetch and check at once: "missing" and "not yours" raise the same Http404."""
    try:
        pk = int(id)
    except (TypeError, ValueError):
        raise Http404 from None
    case = (
        annotate_access_level(Case.objects.filter(pk=pk), user)
        .select_related("receiving_agency").first()
    )
    if case is None or case.access_level < int(level):
        raise Http404
    case._level_user = user.pk
    return case


def case_timeline(*, case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor", "agency").order_by("at", "id")


def case_grants(*, case: Case) -> QuerySet[CaseGrant]:
    return (
        CaseGrant.objects.filter(content_object=case)
        .select_related("group__agency", "granted_by", "revoked_by").order_by("-granted_at")
    )


def case_victims(*, case: Case) -> QuerySet[Victim]:
    return case.victims.order_by("id")


def case_with_victims(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.prefetch_related(Prefetch("victims", queryset=Victim.objects.order_by("id")))
