"""Reads for triage and emergencies — limited by construction to what the user may see. The SOP
tracker the triage page shows is read from ``sops.selectors``.

Every case comes from ``cases.selectors.case_get_for_user`` (same Http404 for missing and not
yours); complaints are looked up only inside that case.
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from agencies.models import Agency, AgencyKind
from cases.models import AccessLevel, Case, CaseEvent, CaseGrant, Complaint
from cases.models.core import GrantSource
from cases.policies import active_grants, visible_cases
from cases.selectors import case_complaint_pick, case_get_for_user
from triage.events import EMERGENCY_DECLARED
from triage.models import TriageAssessment


def triage_complaint_get_for_user(*, user, case_id, complaint_id=None,
                                  level: int = AccessLevel.SUMMARY) -> tuple[Case, Complaint | None]:
    """The case (checked for ``user`` at ``level``) and the complaint to triage: the one named by
    ``complaint_id`` (its public id, which must belong to the case), or else the latest complaint
    that has no outcome yet, or else the latest that is not voided. A case without complaints
    gives ``(case, None)``."""
    case = case_get_for_user(user=user, id=case_id, level=level)
    qs = (Complaint.objects.select_related("receiving_agency", "triage__assessed_by",
                                           "triage__risk_overridden_by")
          .prefetch_related("victims"))
    return case, case_complaint_pick(case=case, complaint_id=complaint_id, queryset=qs)


def case_complaints_brief(*, case: Case) -> QuerySet[Complaint]:
    """The case's complaints for a picker: no identity columns are read."""
    return (Complaint.objects.filter(case=case)
            .only("id", "public_id", "case_id", "channel", "received_at", "outcome")
            .order_by("received_at", "id"))


def triage_for_complaint(*, complaint: Complaint) -> TriageAssessment | None:
    try:
        return complaint.triage
    except TriageAssessment.DoesNotExist:
        return None


def provider_agencies(*, needs: list[str], exclude_agency_id: int | None = None) -> QuerySet[Agency]:
    """Active agencies that offer at least one of the needed services (any service when no needs
    were stated); never a ministry — ministries receive reports, not cases."""
    qs = Agency.objects.filter(is_active=True).exclude(kind=AgencyKind.MINISTRY)
    if exclude_agency_id is not None:
        qs = qs.exclude(pk=exclude_agency_id)
    if needs:
        qs = qs.filter(services__code__in=list(needs), services__is_active=True)
    else:
        qs = qs.filter(services__isnull=False)
    return qs.distinct().order_by("name")


def emergency_grants(*, case: Case) -> QuerySet[CaseGrant]:
    return (CaseGrant.objects.filter(content_object=case, source=GrantSource.EMERGENCY_REFERRAL)
            .select_related("group__agency", "granted_by").order_by("-granted_at"))


def emergency_case_list(*, user) -> QuerySet[Case]:
    """Emergency cases and cases waiting for the meeting's formal decision that ``user`` may see,
    newest declaration first. One query whatever the number of rows."""
    declared = (CaseEvent.objects.filter(case=OuterRef("pk"), event_type=EMERGENCY_DECLARED)
                .order_by("-at").values("at")[:1])
    grants = (active_grants().filter(content_object=OuterRef("pk"), source=GrantSource.EMERGENCY_REFERRAL)
              .values("content_object").annotate(n=Count("pk")).values("n"))
    return (visible_cases(user)
            .filter(Q(is_emergency=True) | Q(awaiting_formal_decision=True))
            .select_related("receiving_agency")
            .annotate(declared_at=Subquery(declared),
                      emergency_grant_count=Coalesce(Subquery(grants, output_field=IntegerField()), 0))
            .order_by("-is_emergency", "-declared_at", "-opened_at"))


def victims_summary(*, complaint: Complaint) -> list[tuple[str, str]]:
    """(initials, category label) per victim of the complaint — never more."""
    victims = list(complaint.victims.all()) or list(complaint.case.victims.all())
    return [(v.initials, v.get_category_display()) for v in victims]


def needs_with_names(*, needs: list[str]) -> list[str]:
    from agencies.models import Service

    names = dict(Service.objects.filter(code__in=list(needs)).values_list("code", "name"))
    return [names.get(code, code) for code in needs]
