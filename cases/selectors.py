"""Reads of cases, limited by construction to what the user may see (cases.policies)."""

from __future__ import annotations

import re

from django.db.models import F, Q, QuerySet
from django.http import Http404

from cases.models import AccessLevel, Case, CaseEvent, CaseGrant
from cases.policies import access_level_remember, annotate_access_level, visible_case_sets
from common.paging import MAX_COUNTED

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


#: The lists' order (``case_opened_idx``, ``case_agency_opened_idx``): newest first, id last so
#: the order is total.
CASE_LIST_ORDER = ("-opened_at", "-id")


class MergedCaseList:
    """The newest cases of several sets, merged: what ``case_list`` gives a user who sees cases
    through their agency, assignments and grants. Sliced like a queryset (``[a:b]``) and counted
    up to a bound (``count_up_to``), in two queries a slice: the ids of the slice from the UNION of
    each set's newest ``rows`` (each read through its index, ordered and cut), then those rows
    with ``finish`` applied (access level, agency). The cases table is never read in full nor
    joined back to a large id list (docs/architecture.md, "Lists")."""

    def __init__(self, newest, finish):
        first, *rest = newest
        self._ids = first.union(*rest)
        self._finish = finish

    def count_up_to(self, n: int) -> int:
        return self._ids.order_by()[:n].count()

    def __len__(self) -> int:
        return self.count_up_to(MAX_COUNTED + 1)

    def __iter__(self):
        return iter(self[0:MAX_COUNTED + 1])

    def ids_query(self, item: slice):
        """The first query of a slice: its ids, newest first (tests EXPLAIN it)."""
        return self._ids.order_by(*CASE_LIST_ORDER).values_list("pk", "opened_at")[item]

    def __getitem__(self, item):
        if not isinstance(item, slice):
            return self[item:item + 1][0]
        ids = [row[0] for row in self.ids_query(item)]
        by_id = {c.pk: c for c in self._finish(Case.objects.filter(pk__in=ids))}
        return [by_id[pk] for pk in ids if pk in by_id]


def case_list(*, user, status: str | None = None, min_level: int = AccessLevel.SUMMARY,
              number: str = "", violence_type: str = "", emergency: bool | None = None,
              rows: int = MAX_COUNTED + 1):
    """The cases ``user`` sees, newest first, filtered as staff filter them, each with its
    ``access_level``; slice or page it (``common.paging``). A Tim Percepatan member sees every
    case: a queryset walking ``case_opened_idx``. Anyone else sees the sets of
    ``visible_case_sets``: from each only its newest ``rows`` matching cases are read, through the
    set's index, and merged (``MergedCaseList``) — so a page costs its rows, not the table, and the
    list holds its first ``rows`` cases exactly (what ``common.paging`` lets anyone page to)."""
    wanted = Q()
    if status:
        wanted &= Q(status=status)
    if number:
        wanted &= case_number_search(number)
    if violence_type:
        wanted &= Q(violence_types__contains=[violence_type])
    if emergency is not None:
        wanted &= Q(is_emergency=emergency)

    def finish(qs):
        return annotate_access_level(qs, user).select_related("receiving_agency")

    sets = visible_case_sets(user, min_level=min_level)
    if sets is None:
        return finish(Case.objects.filter(wanted)).order_by(*CASE_LIST_ORDER)
    if not sets:
        return Case.objects.none()
    return MergedCaseList([s.filter(wanted).order_by(*CASE_LIST_ORDER).values("pk", "opened_at")[:rows]
                           for s in sets], finish)


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


def case_timeline_rows(*, case: Case) -> list[CaseEvent]:
    """The timeline as the page shows it: each event with ``detail`` — its payload in words
    (``registry.describe``: from → to, which agency, which officer). Three queries whatever its
    length: the events, the agencies and the staff its payloads name."""
    from agencies.models import Agency, User
    from cases.event_registry import AGENCY_KEYS, USER_KEYS, TimelineNames, registry

    events = list(case_timeline(case=case))
    codes, user_ids = set(), set()
    for e in events:
        payload = e.payload or {}
        for key in AGENCY_KEYS:
            value = payload.get(key)
            if isinstance(value, str):
                codes.add(value)
            elif isinstance(value, list):
                codes.update(v for v in value if isinstance(v, str))
        user_ids.update(payload[k] for k in USER_KEYS if isinstance(payload.get(k), int))
    agencies = dict(Agency.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    users = {u.pk: u.display_name for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
    names = TimelineNames(agencies=agencies, users=users)
    for e in events:
        e.detail = registry.describe(e, names)
    return events


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
