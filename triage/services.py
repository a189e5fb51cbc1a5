"""Triage writes: record a triage, override its risk, handle an emergency (action first), refer an
emergency. Each runs in one transaction and writes its CaseEvent there. SOP steps are recorded by
``sops.services``.

Action first (docs/triage.md §6, SKB E.3): when a complaint's risk becomes "emergency" the case is marked
emergency and awaiting the formal decision of the nearest meeting, and the agency head, the Tim
Percepatan chair and the agencies providing the needed services are told at once (each person
once per case). The head then refers the case with a temporary service-level grant; the crisis
steps of SOP IV are recorded as they are done.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import CASE_WORK_ROLES, Agency, AgencyKind, Membership, Role, User
from agencies.policies import as_acting_head_payload
from agencies.selectors import agency_heads, users_with_role
from cases.lifecycle import case_status_change
from cases.models import (
    AccessLevel,
    Case,
    CaseGrant,
    CaseStatus,
    Complaint,
    ComplaintOutcome,
    GrantSource,
)
from cases.policies import active_grants, case_access_level
from cases.services import case_grant_access, case_grant_extend
from common.audit import save_with_history
from common.errors import ActionNotAllowed, ApplicationError
from common.notifications import notify
from common.timefmt import datetime_label
from sops.catalogue import CRISIS_SOP, REFERRAL_COVER_LETTER_STEP
from sops.services import sop_complaint_step_ensure
from triage import events, policies, rules
from triage.models import ComplexityCondition, EmergencyCondition, RiskLevel, TriageAssessment

# Messages shared by pages, API and tests.
NOT_RECEIVING_STAFF = _("Hanya petugas lembaga penerima yang dapat melakukan verifikasi pengaduan ini.")
NO_COMPLAINT = _("Kasus ini belum memiliki pengaduan untuk diverifikasi.")
COMPLAINT_VOIDED = _("Pengaduan ini sudah dibatalkan.")
CONDITION_UNKNOWN = _("Kondisi tidak dikenal.")
OVERRIDE_NOT_ALLOWED = _("Hanya kepala lembaga penerima yang dapat mengubah tingkat risiko.")
OVERRIDE_REASON_REQUIRED = _("Alasan perubahan tingkat risiko wajib diisi (minimal 10 karakter).")
OVERRIDE_LEVEL_INVALID = _("Tingkat risiko tidak valid.")
OVERRIDE_SAME_LEVEL = _("Tingkat risiko yang dipilih sama dengan yang berlaku.")
REFER_NOT_ALLOWED = _("Hanya kepala lembaga penerima yang dapat merujuk kasus darurat.")
REFER_NOT_EMERGENCY = _("Rujukan darurat hanya untuk kasus darurat.")
REFER_NO_AGENCY = _("Pilih minimal satu lembaga tujuan rujukan.")
REFER_AGENCY_INVALID = _("Lembaga tujuan harus lembaga layanan aktif selain lembaga penerima.")
REFER_HOURS_INVALID = _("Masa akses sementara harus antara 1 dan 168 jam.")
COMPLEXITY_CHANGE_REASON_REQUIRED = _(
    "Kondisi (e) lebih dari satu bentuk kekerasan, (f) relasi kuasa dan (g) pejabat publik diisi dari data "
    "registrasi; perubahannya wajib disertai alasan.")
EXTEND_NOT_ALLOWED = _("Hanya kepala lembaga penerima yang dapat memperpanjang akses sementara kasus "
                       "darurat.")
EXTEND_NOTHING = _("Tidak ada akses sementara yang masih berlaku untuk diperpanjang.")

OVERRIDE_REASON_MIN = 10
EMERGENCY_GRANT_HOURS = 72
EMERGENCY_GRANT_MAX_HOURS = 168
#: A triage may move a case forward, never back: these are the states it may leave.
TRIAGE_FROM = (CaseStatus.REGISTERED,)
EMERGENCY_FROM = (CaseStatus.REGISTERED, CaseStatus.TRIAGED, CaseStatus.AWAITING_DECISION)


def _triage_url(case: Case) -> str:
    return reverse("triage:detail", args=[case.pk])


def _lock_complaint(complaint: Complaint) -> Complaint:
    return (Complaint.objects.select_for_update(of=("self",)).select_related("case", "receiving_agency")
            .get(pk=complaint.pk))


def _lock_case(case_id: int) -> Case:
    return Case.objects.select_for_update().get(pk=case_id)


def _refresh_case_emergency(case: Case) -> None:
    """``Case.is_emergency`` holds while any of its complaints (not voided) is triaged emergency."""
    case.is_emergency = TriageAssessment.objects.filter(
        complaint__case=case, risk_level=RiskLevel.EMERGENCY,
    ).exclude(complaint__outcome=ComplaintOutcome.VOIDED).exists()


# --- triage -------------------------------------------------------------------------------------------

def _validate_conditions(emergency_conditions, complexity_conditions) -> None:
    errors = {}
    if set(emergency_conditions) - set(EmergencyCondition.values):
        errors["emergency_conditions"] = [CONDITION_UNKNOWN]
    if set(complexity_conditions) - set(ComplexityCondition.values):
        errors["complexity_conditions"] = [CONDITION_UNKNOWN]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def triage_record(*, actor: User, complaint: Complaint | None, emergency_conditions: list[str],
                  complexity_conditions: list[str], needs_multiple_services: bool, cross_region: bool,
                  notes: str = "", complexity_change_reason: str = "") -> TriageAssessment:
    """Create or replace the complaint's triage. A new triage replaces an earlier one, including a
    risk override (history keeps both); the case moves to TRIAGED, and to emergency handling when
    the rules say so. Complexity conditions (e)–(g) follow what was registered unless
    ``complexity_change_reason`` says why not (R23)."""
    if complaint is None:
        raise ApplicationError(NO_COMPLAINT)
    complaint = _lock_complaint(complaint)
    if not policies.can_triage(actor, complaint):
        raise ActionNotAllowed(NOT_RECEIVING_STAFF)
    if complaint.outcome == ComplaintOutcome.VOIDED:
        raise ApplicationError(COMPLAINT_VOIDED)
    emergency_conditions = sorted(set(emergency_conditions))
    complexity_conditions = sorted(set(complexity_conditions))
    _validate_conditions(emergency_conditions, complexity_conditions)
    registered = rules.registered_complexity(complaint)
    given = {c for c in complexity_conditions if c in rules.REGISTERED_COMPLEXITY}
    complexity_change_reason = (complexity_change_reason or "").strip()
    if given != registered:
        if not complexity_change_reason:
            raise ValidationError({"complexity_change_reason": [COMPLEXITY_CHANGE_REASON_REQUIRED]})
    else:
        complexity_change_reason = ""

    result = rules.evaluate(rules.facts_for(
        complaint=complaint, emergency_conditions=emergency_conditions,
        complexity_conditions=complexity_conditions, needs_multiple_services=needs_multiple_services,
        cross_region=cross_region,
    ))
    assessment = TriageAssessment.objects.select_for_update().filter(complaint=complaint).first()
    replaced = assessment is not None
    previous_risk = assessment.risk_level if assessment else None
    if assessment is None:
        assessment = TriageAssessment(complaint=complaint)
    assessment.emergency_conditions = emergency_conditions
    assessment.complexity_conditions = complexity_conditions
    assessment.complexity_change_reason = complexity_change_reason[:300]
    assessment.needs_multiple_services = bool(needs_multiple_services)
    assessment.cross_region = bool(cross_region)
    assessment.assessed_risk = result.risk_level
    assessment.risk_level = result.risk_level
    assessment.risk_override_reason = ""
    assessment.risk_overridden_by = None
    assessment.risk_overridden_at = None
    assessment.eligible = result.eligible
    assessment.criteria_met = result.criteria_met
    assessment.explanation = result.explanation
    assessment.notes = (notes or "").strip()
    assessment.assessed_by = actor
    assessment.assessed_at = timezone.now()
    assessment.needs_review = False
    assessment.full_clean(exclude=["complaint", "assessed_by"])
    save_with_history(assessment, actor=actor)

    case = _lock_case(complaint.case_id)
    was_emergency = case.is_emergency
    if case.status in TRIAGE_FROM:
        case_status_change(actor=actor, case=case, to=CaseStatus.TRIAGED, reason="triage")
    _refresh_case_emergency(case)
    save_with_history(case, actor=actor, update_fields=["is_emergency", "updated_at"])
    events.triage_recorded(case=case, actor=actor, agency=complaint.receiving_agency, complaint=complaint,
                           result=result, emergency=emergency_conditions,
                           complexity=complexity_conditions, replaced=replaced,
                           previous_risk=previous_risk)
    if assessment.is_emergency:
        _emergency_declare(actor=actor, case=case, complaint=complaint, was_emergency=was_emergency)
    return assessment


def triage_mark_for_review(*, actor: User | None, complaint: Complaint,
                           reason: str) -> TriageAssessment | None:
    """The facts the complaint's triage read changed after it (a victim added or corrected):
    mark it as needing review — once, until a new triage clears it. No triage yet: nothing to do."""
    assessment = TriageAssessment.objects.select_for_update().filter(complaint=complaint).first()
    if assessment is None or assessment.needs_review:
        return assessment
    assessment.needs_review = True
    save_with_history(assessment, actor=actor, update_fields=["needs_review"], reason=reason)
    events.triage_review_needed(case=complaint.case, actor=actor, agency=complaint.receiving_agency,
                                complaint=complaint, reason=reason)
    return assessment


def triage_facts_changed_receiver(sender, *, complaint: Complaint, actor, reason: str, **kwargs) -> None:
    """``cases.signals.triage_facts_changed``: runs in the correcting service's transaction."""
    triage_mark_for_review(actor=actor, complaint=complaint, reason=reason)


@transaction.atomic
def triage_override_risk(*, actor: User, assessment: TriageAssessment, risk_level: str,
                         reason: str) -> TriageAssessment:
    """The head of the receiving agency (or its acting head, recorded as such) sets the risk with a
    reason (history + RISK_OVERRIDDEN). Raising it to emergency starts action first; lowering it
    leaves the case awaiting the meeting's decision (what was done in the emergency still has to
    be formalised)."""
    assessment = TriageAssessment.objects.select_for_update(of=("self",)).select_related(
        "complaint__case", "complaint__receiving_agency").get(pk=assessment.pk)
    complaint = assessment.complaint
    if not policies.can_override_risk(actor, complaint):
        raise ActionNotAllowed(OVERRIDE_NOT_ALLOWED)
    reason = (reason or "").strip()
    errors = {}
    if risk_level not in RiskLevel.values:
        errors["risk_level"] = [OVERRIDE_LEVEL_INVALID]
    elif risk_level == assessment.risk_level:
        errors["risk_level"] = [OVERRIDE_SAME_LEVEL]
    if len(reason) < OVERRIDE_REASON_MIN:
        errors["reason"] = [OVERRIDE_REASON_REQUIRED]
    if errors:
        raise ValidationError(errors)
    previous = assessment.risk_level
    assessment.risk_level = risk_level
    assessment.risk_override_reason = reason[:300]
    assessment.risk_overridden_by = actor
    assessment.risk_overridden_at = timezone.now()
    save_with_history(assessment, actor=actor, update_fields=[
        "risk_level", "risk_override_reason", "risk_overridden_by", "risk_overridden_at"])

    case = _lock_case(complaint.case_id)
    was_emergency = case.is_emergency
    _refresh_case_emergency(case)
    save_with_history(case, actor=actor, update_fields=["is_emergency", "updated_at"])
    # The reason stays in the assessment's history; the timeline carries the levels only.
    events.risk_overridden(case=case, actor=actor, agency=complaint.receiving_agency, complaint=complaint,
                           from_=previous, to=risk_level, assessed=assessment.assessed_risk,
                           as_acting_head=bool(as_acting_head_payload(actor, complaint.receiving_agency_id)))
    if risk_level == RiskLevel.EMERGENCY:
        _emergency_declare(actor=actor, case=case, complaint=complaint, was_emergency=was_emergency)
    return assessment


# --- action first ---------------------------------------------------------------------------------

def emergency_recipients(*, case: Case, complaint: Complaint) -> dict[str, list[User]]:
    """Who is told of an emergency: the receiving agency's head(s) and acting head, the Tim
    Percepatan chair, and the case-work staff of agencies that offer a service the complaint asked
    for."""
    providers = []
    if complaint.stated_needs:
        agencies = (Agency.objects.filter(is_active=True, services__code__in=list(complaint.stated_needs),
                                          services__is_active=True)
                    .exclude(kind=AgencyKind.MINISTRY).exclude(pk=case.receiving_agency_id))
        staff = Membership.objects.active().filter(agency__in=agencies, role__in=list(CASE_WORK_ROLES))
        providers = list(User.objects.filter(is_active=True, pk__in=staff.values("user_id")).order_by("pk"))
    return {
        "heads": list(agency_heads(agency=case.receiving_agency).order_by("pk")),
        "chairs": list(users_with_role(roles=[Role.TP_KETUA])),
        "providers": providers,
    }


def _emergency_declare(*, actor: User | None, case: Case, complaint: Complaint, was_emergency: bool) -> None:
    """Mark the case an emergency awaiting the formal decision of the nearest meeting, write
    EMERGENCY_DECLARED and notify — once per declaration. Called inside the triage transaction
    with ``case`` locked; a case that already was an emergency is not declared again."""
    declarations = case.events.filter(event_type=events.EMERGENCY_DECLARED).count()
    if case.status in EMERGENCY_FROM:
        case.awaiting_formal_decision = True
        case_status_change(actor=actor, case=case, to=CaseStatus.AWAITING_DECISION, reason="emergency")
    case.is_emergency = True
    save_with_history(case, actor=actor,
                      update_fields=["is_emergency", "awaiting_formal_decision", "updated_at"])
    if not (was_emergency and declarations):
        declarations += 1
        events.emergency_declared(case=case, actor=actor, agency=complaint.receiving_agency,
                                  complaint=complaint, declaration=declarations,
                                  awaiting_formal_decision=case.awaiting_formal_decision,
                                  needs=list(complaint.stated_needs))
    who = emergency_recipients(case=case, complaint=complaint)
    url = _triage_url(case)
    # Titles carry the case number only. The key names the declaration: re-running a triage, a
    # second emergency complaint or a concurrent request notifies nobody twice.
    key = f"emergency:{case.pk}:{declarations}"
    # A notice links to the case only for whom it opens (access summary or more); the others
    # (typically a provider not yet referred) are told that it exists and whom to contact — never
    # a link to a page that answers 404.
    leaders, leaders_shut = split_by_case_access(case=case, users=[*who["heads"], *who["chairs"]])
    providers, providers_shut = split_by_case_access(case=case, users=who["providers"])
    contact = complaint.receiving_agency.name
    notify(users=leaders, kind="emergency", case=case, url=url,
           title=f"{case.number}: kasus darurat — layanan segera (action first), "
                 "penetapan formal pada rapat terdekat", dedupe_key=key)
    notify(users=leaders_shut, kind="emergency", case=case,
           title=f"{case.number}: kasus darurat, penetapan formal pada rapat terdekat. Anda belum "
                 f"dapat membuka kasus ini; hubungi {contact}", dedupe_key=key)
    notify(users=providers, kind="emergency_provider", case=case, url=url,
           title=f"{case.number}: kasus darurat membutuhkan layanan lembaga Anda; "
                 "menunggu rujukan kepala lembaga penerima", dedupe_key=key)
    notify(users=providers_shut, kind="emergency_provider", case=case,
           title=f"{case.number}: kasus darurat membutuhkan layanan lembaga Anda. Anda belum dapat "
                 f"membuka kasus ini sampai dirujuk; hubungi {contact}", dedupe_key=key)


def split_by_case_access(*, case: Case, users) -> tuple[list[User], list[User]]:
    """(users who can open ``case`` — access summary or more —, users who cannot)."""
    opens, shut = [], []
    for user in {u.pk: u for u in users}.values():
        (opens if case_access_level(user, case) >= AccessLevel.SUMMARY else shut).append(user)
    return opens, shut


@transaction.atomic
def emergency_refer(*, actor: User, case: Case, agencies: list[Agency], hours: int = EMERGENCY_GRANT_HOURS,
                    complaint: Complaint | None = None) -> list[CaseGrant]:
    """The head (or acting head, recorded as such) refers an emergency to agencies at once: each
    gets a temporary ``service`` grant (source emergency referral) until the meeting confirms or
    revokes it. An agency that already
    holds an equal or better grant keeps it. Signing the referral is SOP IV step 4 (surat
    pengantar rujukan): it is recorded as that crisis step if not yet recorded."""
    case = _lock_case(case.pk)
    if not policies.can_refer_emergency(actor, case):
        raise ActionNotAllowed(REFER_NOT_ALLOWED)
    if not case.is_emergency:
        raise ApplicationError(REFER_NOT_EMERGENCY)
    agencies = list({a.pk: a for a in agencies}.values())
    errors = {}
    if not agencies:
        errors["agencies"] = [REFER_NO_AGENCY]
    elif any(a.pk == case.receiving_agency_id or not a.is_active or a.kind == AgencyKind.MINISTRY
             for a in agencies):
        errors["agencies"] = [REFER_AGENCY_INVALID]
    try:
        hours = int(hours)
    except (TypeError, ValueError):
        hours = 0
    if not 1 <= hours <= EMERGENCY_GRANT_MAX_HOURS:
        errors["hours"] = [REFER_HOURS_INVALID]
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    expires_at = now + timedelta(hours=hours)
    if complaint is None:
        complaint = (case.complaints.exclude(outcome=ComplaintOutcome.VOIDED)
                     .order_by("-received_at", "-id").first())
    # Every source keeps its own grant; an agency that already holds, from any source, a grant at
    # least this good and this long needs no temporary one.
    covering = set(active_grants().filter(content_object=case, level__gte=AccessLevel.SERVICE).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gte=expires_at)).values_list("group_id", flat=True))
    grants, kept = [], []
    for agency in sorted(agencies, key=lambda a: a.code):
        if agency.group_id in covering:
            kept.append(agency.code)
            continue
        grants.append(case_grant_access(
            actor=actor, case=case, agency=agency, level=AccessLevel.SERVICE,
            source=GrantSource.EMERGENCY_REFERRAL, source_ref=f"darurat:{case.number}",
            expires_at=expires_at, check_actor=False,
        ))
    events.emergency_referral(case=case, actor=actor, agencies=agencies, kept_existing=kept, hours=hours,
                              expires_at=expires_at, complaint=complaint,
                              as_acting_head=bool(as_acting_head_payload(actor, case.receiving_agency_id)))
    # A voided complaint runs no SOP: the referral stands without the step.
    if complaint is not None and complaint.outcome != ComplaintOutcome.VOIDED:
        sop_complaint_step_ensure(
            actor=actor, complaint=complaint, sop=CRISIS_SOP, step=REFERRAL_COVER_LETTER_STEP, done_at=now,
            output_ref="Rujukan darurat: " + ", ".join(sorted(a.name for a in agencies)))
    url = _triage_url(case)
    until = datetime_label(expires_at, lang="id")
    for agency in agencies:
        staff = users_with_role(roles=CASE_WORK_ROLES, agency=agency)
        notify(users=staff, kind="emergency_referral", case=case, url=url,
               title=f"{case.number}: rujukan darurat ke lembaga Anda (akses layanan sementara "
                     f"s.d. {until})",
               dedupe_key=f"emergency_referral:{case.pk}:{agency.pk}")
    return grants


#: The head's one-click extension of the temporary emergency grants (hours from their current end).
EMERGENCY_EXTENSION_HOURS = 72


@transaction.atomic
def emergency_grants_extend(*, actor: User, case: Case,
                            hours: int = EMERGENCY_EXTENSION_HOURS) -> list[CaseGrant]:
    """The head (or acting head, recorded as such) extends every temporary emergency-referral grant
    of ``case`` still in force by ``hours`` from its current end (R9: temporary grants never lapse
    silently; the head is warned 24 h before). Each extension writes ``ACCESS_EXTENDED``."""
    case = _lock_case(case.pk)
    if not policies.can_refer_emergency(actor, case):
        raise ActionNotAllowed(EXTEND_NOT_ALLOWED)
    now = timezone.now()
    grants = list(active_grants().filter(content_object=case, source=GrantSource.EMERGENCY_REFERRAL,
                                         expires_at__isnull=False).order_by("id"))
    if not grants:
        raise ApplicationError(EXTEND_NOTHING)
    acting = bool(as_acting_head_payload(actor, case.receiving_agency_id))
    return [case_grant_extend(actor=actor, grant=g, why="head", as_acting_head=acting,
                              expires_at=max(g.expires_at, now) + timedelta(hours=int(hours)))
            for g in grants]
