"""Reads for triage, emergencies and SOP steps — limited by construction to what the user may see.

Every case comes from ``cases.selectors.case_get_for_user`` (same Http404 for missing and not
yours); complaints are looked up only inside that case.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from agencies.models import Agency, AgencyKind
from cases.models import AccessLevel, Case, CaseEvent, CaseGrant, Complaint, ComplaintOutcome, EventType
from cases.models.core import GrantSource
from cases.policies import active_grants, visible_cases
from cases.selectors import case_get_for_user
from triage.models import SopStepRecord, TriageAssessment
from triage.sop import Sop, SopStep


def triage_complaint_get_for_user(*, user, case_id, complaint_id=None,
                                  level: int = AccessLevel.SUMMARY) -> tuple[Case, Complaint | None]:
    """The case (checked for ``user`` at ``level``) and the complaint to triage: the one named by
    ``complaint_id`` (its public id, which must belong to the case), or else the latest complaint
    that has no outcome yet, or else the latest that is not voided. A case without complaints
    gives ``(case, None)``."""
    case = case_get_for_user(user=user, id=case_id, level=level)
    qs = (Complaint.objects.filter(case=case)
          .select_related("receiving_agency", "triage__assessed_by", "triage__risk_overridden_by")
          .prefetch_related("victims"))
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
    return case, complaint


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
    declared = (CaseEvent.objects.filter(case=OuterRef("pk"), event_type=EventType.EMERGENCY_DECLARED)
                .order_by("-at").values("at")[:1])
    grants = (active_grants().filter(content_object=OuterRef("pk"), source=GrantSource.EMERGENCY_REFERRAL)
              .values("content_object").annotate(n=Count("pk")).values("n"))
    return (visible_cases(user)
            .filter(Q(is_emergency=True) | Q(awaiting_formal_decision=True))
            .select_related("receiving_agency")
            .annotate(declared_at=Subquery(declared),
                      emergency_grant_count=Coalesce(Subquery(grants, output_field=IntegerField()), 0))
            .order_by("-is_emergency", "-declared_at", "-opened_at"))


# --- SOP tracker ---------------------------------------------------------------------------------

@dataclass
class SopRow:
    step: SopStep
    record: SopStepRecord | None = None
    elapsed_minutes: int | None = None
    late: bool = False
    out_of_order: bool = False
    overdue_pending: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass
class SopTracker:
    sop: Sop
    rows: list[SopRow]

    @property
    def done(self) -> int:
        return sum(1 for r in self.rows if r.record)

    @property
    def late(self) -> int:
        return sum(1 for r in self.rows if r.late)

    @property
    def out_of_order(self) -> int:
        return sum(1 for r in self.rows if r.out_of_order)

    @property
    def required(self) -> int:
        return sum(1 for r in self.rows if not r.step.optional)


def _minutes(delta) -> int:
    return int(delta.total_seconds() // 60)


def sop_tracker(*, complaint: Complaint, sop: Sop, now: datetime | None = None,
                show_pending: bool = True) -> SopTracker:
    """Each step of ``sop`` for ``complaint`` with when/by whom, and the flags the page shows:

    - late: more minutes elapsed since the previous recorded step (or since the complaint was
      received, for the first) than the standard time;
    - out of order: done before a step that comes earlier in the SOP, or while an earlier
      required step has not been recorded;
    - overdue (pending): the next required step is not recorded and its standard time since the
      last recorded step has passed.
    One query (the records with their users)."""
    now = now or timezone.now()
    records = {r.step: r for r in SopStepRecord.objects.filter(complaint=complaint, sop=sop.code)
               .select_related("done_by")}
    rows: list[SopRow] = []
    last_index = -1
    for i, step in enumerate(sop.steps):
        row = SopRow(step=step, record=records.get(step.code))
        rows.append(row)
        if row.record is None:
            continue
        last_index = i
        earlier = [records[s.code] for s in sop.steps[:i] if s.code in records]
        reference = max((e.done_at for e in earlier), default=complaint.received_at)
        if earlier and row.record.done_at < reference:
            row.out_of_order = True
            row.notes.append("Dicatat lebih awal dari langkah sebelumnya.")
        else:
            row.elapsed_minutes = _minutes(row.record.done_at - reference)
            if step.minutes is not None and row.elapsed_minutes > step.minutes:
                row.late = True
                row.notes.append(f"Terlambat: {row.elapsed_minutes} menit (standar {step.minutes} menit).")
        missing = [s.code for s in sop.steps[:i] if s.code not in records and not s.optional]
        if missing:
            row.out_of_order = True
            row.notes.append("Langkah sebelumnya belum dicatat: " + ", ".join(missing) + ".")
    if show_pending:
        pending = next((r for r in rows[last_index + 1:] if r.record is None and not r.step.optional), None)
        if pending is not None and pending.step.minutes is not None:
            reference = max((r.done_at for r in records.values()), default=complaint.received_at)
            waited = _minutes(now - reference)
            if waited > pending.step.minutes:
                pending.overdue_pending = True
                pending.notes.append(f"Belum dicatat; {waited} menit sejak langkah terakhir "
                                     f"(standar {pending.step.minutes} menit).")
    return SopTracker(sop=sop, rows=rows)


def victims_summary(*, complaint: Complaint) -> list[tuple[str, str]]:
    """(initials, category label) per victim of the complaint — never more."""
    victims = list(complaint.victims.all()) or list(complaint.case.victims.all())
    return [(v.initials, v.get_category_display()) for v in victims]


def needs_with_names(*, needs: list[str]) -> list[str]:
    from agencies.models import Service

    names = dict(Service.objects.filter(code__in=list(needs)).values_list("code", "name"))
    return [names.get(code, code) for code in needs]

