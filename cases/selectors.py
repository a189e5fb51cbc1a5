"""Reads of cases, limited by construction to what the user may see (cases.policies)."""

from __future__ import annotations

import re

from django.db.models import F, Q, QuerySet
from django.http import Http404

from cases.models import AccessLevel, Case, CaseEvent, CaseGrant
from cases.policies import access_level_remember, annotate_access_level, visible_cases

_NUMBER_OF_YEAR = re.compile(r"(?:PPA-)?(\d{4})-(\d{1,6})")


def case_number_search(text: str, *, field: str = "number") -> Q:
    """Search by case number as staff type it: the whole number ("PPA-2026-000123", any case) or
    year and sequence ("2026-123") find that case; anything else is a prefix of the number
    ("PPA-2026-0001"). Both read the number's index."""
    text = (text or "").strip().upper()
    m = _NUMBER_OF_YEAR.fullmatch(text)
    if m:
        return Q(**{field: f"PPA-{m.group(1)}-{int(m.group(2)):06d}"})
    return Q(**{f"{field}__startswith": text})


def case_list(*, user, status: str | None = None, min_level: int = AccessLevel.SUMMARY,
              number: str = "", violence_type: str = "", emergency: bool | None = None) -> QuerySet[Case]:
    """The cases ``user`` sees, newest first (``case_opened_idx`` / ``case_agency_opened_idx``),
    filtered as staff filter them. Visibility is a union of indexed sets (``visible_case_ids``),
    so the cost follows the rows read, not the table: slice or page it (common.paging)."""
    qs = visible_cases(user, min_level=min_level).select_related("receiving_agency")
    if status:
        qs = qs.filter(status=status)
    if number:
        qs = qs.filter(case_number_search(number))
    if violence_type:
        qs = qs.filter(violence_types__contains=[violence_type])
    if emergency is not None:
        qs = qs.filter(is_emergency=emergency)
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
    return access_level_remember(case, user)


def case_timeline(*, case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor", "agency").order_by("at", "id")


def case_grants(*, case: Case) -> QuerySet[CaseGrant]:
    """Every grant row of the case, one per source and grant (revoked rows stay as history):
    per agency, active rows first, newest first."""
    return (
        CaseGrant.objects.filter(content_object=case)
        .select_related("group__agency", "granted_by", "revoked_by")
        .order_by("group__agency__name", F("revoked_at").desc(nulls_first=True), "-granted_at", "-id")
    )


# --- complaints ------------------------------------------------------------------------------------

def receiving_agencies_of(user):
    """The agencies whose complaints ``user`` works as receiving staff (agencies.policies)."""
    from agencies.models import Agency
    from agencies.policies import receiving_agency_ids

    return Agency.objects.filter(pk__in=receiving_agency_ids(user), is_active=True).order_by("name")


def complaint_queue(*, user, filters: dict | None = None):
    """Complaints of the user's receiving agencies whose 24-hour clock still runs — decided or
    screened ones included until their first response — overdue first (constant query count)."""
    from agencies.policies import staff_agency_ids
    from cases.models import Complaint

    filters = filters or {}
    qs = (
        Complaint.objects.open_for_clock()
        .filter(receiving_agency_id__in=list(staff_agency_ids(user)))
        .select_related("case", "assignee", "receiving_agency", "triage")
        .order_by("response_due_at", "id")
    )
    if filters.get("number"):
        qs = qs.filter(case_number_search(filters["number"], field="case__number"))
    if filters.get("channel"):
        qs = qs.filter(channel=filters["channel"])
    if filters.get("region"):
        qs = qs.filter(incident_region=filters["region"])
    if filters.get("violence_type"):
        qs = qs.filter(violence_types__contains=[filters["violence_type"]])
    risk = filters.get("risk")
    if risk == "untriaged":
        qs = qs.filter(triage__isnull=True)
    elif risk:
        qs = qs.filter(triage__risk_level=risk)
    if filters.get("assignee") == "me":
        qs = qs.filter(assignee=user)
    return qs


def complaint_get_for_user(*, user, case_id, complaint_id, level: int = AccessLevel.SUMMARY):
    """The complaint of a case the user may see; same Http404 for missing and not yours."""
    from cases.models import Complaint

    case = case_get_for_user(user=user, id=case_id, level=level)
    complaint = Complaint.objects.filter(case=case, public_id=complaint_id).select_related(
        "case", "receiving_agency").first()
    if complaint is None:
        raise Http404
    complaint.case = case
    return complaint


def case_open_assignments(*, case: Case):
    """Who is assigned to the case now (each holds ``full`` while assigned), oldest first."""
    from cases.models import CaseAssignment

    return (CaseAssignment.objects.filter(case=case, ended_at__isnull=True).select_related("user")
            .order_by("assigned_at", "pk"))


def case_complaints(*, case: Case):
    return (case.complaints.with_clock_open().select_related("assignee", "registered_by", "triage")
            .prefetch_related("responses__responder", "sla_events", "attachments").order_by("received_at"))


def case_complaint_pick(*, case: Case, complaint_id=None, queryset=None):
    """The complaint of ``case`` a page or API works on: the one named by ``complaint_id`` (its
    public id; Http404 when it is malformed or not of this case), else the latest complaint with no
    outcome yet, else the latest that is not voided, else ``None``. ``queryset`` may add
    select_related/only to the complaints read."""
    import uuid

    from cases.models import Complaint, ComplaintOutcome

    qs = (queryset if queryset is not None else Complaint.objects.all()).filter(case=case)
    if complaint_id:
        try:
            public_id = uuid.UUID(str(complaint_id))
        except ValueError:
            raise Http404 from None
        complaint = qs.filter(public_id=public_id).first()
        if complaint is None:
            raise Http404
    else:
        complaint = (qs.filter(outcome="").order_by("-received_at", "-id").first()
                     or qs.exclude(outcome=ComplaintOutcome.VOIDED).order_by("-received_at", "-id").first())
    if complaint is not None:
        complaint.case = case  # keep the access annotation on the shared instance
    return complaint
