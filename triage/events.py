"""Timeline events of ``triage`` (numbers 200–211 and 230–299): declarations and their one writer
each. Payloads carry codes and levels only — the override reason stays in the assessment's
history, never here. Keys: docs/events.md."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from cases.event_registry import registry
from cases.events import ACTING_HEAD, acting_head, case_event_record
from cases.models import Case, CaseEvent, Complaint

event_type = registry.declarer("triage")

TRIAGE_RECORDED = event_type(200, "TRIAGE_RECORDED", _("Verifikasi dan triase"), payload={
    "complaint": str, "risk": str, "rule": str, "eligible": bool, "criteria": list[str],
    "emergency": list[str], "complexity": list[str], "replaced": bool, "previous_risk": str | None})
RISK_OVERRIDDEN = event_type(201, "RISK_OVERRIDDEN", _("Tingkat risiko diubah kepala unit"),
                             payload={"complaint": str, "from": str, "to": str, "assessed": str},
                             optional=ACTING_HEAD)
TRIAGE_REVIEW_NEEDED = event_type(202, "TRIAGE_REVIEW_NEEDED", _("Triase perlu ditinjau ulang"),
                                  payload={"complaint": str, "reason": str})
EMERGENCY_DECLARED = event_type(210, "EMERGENCY_DECLARED", _("Kasus darurat (action first)"), payload={
    "complaint": str, "declaration": int, "awaiting_formal_decision": bool, "needs": list[str]})
EMERGENCY_REFERRAL = event_type(211, "EMERGENCY_REFERRAL", _("Rujukan darurat"), payload={
    "agencies": list[str], "kept_existing": list[str], "hours": int, "expires_at": str,
    "complaint": str | None}, optional=ACTING_HEAD)


@registry.writer(TRIAGE_RECORDED)
def triage_recorded(*, case: Case, actor, agency, complaint: Complaint, result, emergency: list[str],
                    complexity: list[str], replaced: bool, previous_risk: str | None) -> CaseEvent:
    """``result`` is the rules' ``TriageResult`` (risk, the rule that set it, eligibility, criteria)."""
    return case_event_record(case=case, actor=actor, agency=agency, event_type=TRIAGE_RECORDED, payload={
        "complaint": str(complaint.public_id), "risk": result.risk_level, "rule": result.risk_rule,
        "eligible": result.eligible, "criteria": list(result.criteria_met), "emergency": list(emergency),
        "complexity": list(complexity), "replaced": replaced, "previous_risk": previous_risk,
    })


@registry.writer(RISK_OVERRIDDEN)
def risk_overridden(*, case: Case, actor, agency, complaint: Complaint, from_: str, to: str,
                    assessed: str, as_acting_head: bool = False) -> CaseEvent:
    return case_event_record(case=case, actor=actor, agency=agency, event_type=RISK_OVERRIDDEN, payload={
        "complaint": str(complaint.public_id), "from": from_, "to": to, "assessed": assessed,
        **acting_head(as_acting_head)})


@registry.writer(EMERGENCY_DECLARED)
def emergency_declared(*, case: Case, actor, agency, complaint: Complaint, declaration: int,
                       awaiting_formal_decision: bool, needs: list[str]) -> CaseEvent:
    return case_event_record(case=case, actor=actor, agency=agency, event_type=EMERGENCY_DECLARED,
                             payload={"complaint": str(complaint.public_id), "declaration": declaration,
                                      "awaiting_formal_decision": awaiting_formal_decision,
                                      "needs": list(needs)})


@registry.writer(EMERGENCY_REFERRAL)
def emergency_referral(*, case: Case, actor, agencies, kept_existing: list[str], hours: int,
                       expires_at: datetime, complaint: Complaint | None,
                       as_acting_head: bool = False) -> CaseEvent:
    """``agencies``: the agencies referred to (payload: their codes, sorted); ``kept_existing``:
    the codes of those that already held a grant at least as good."""
    return case_event_record(case=case, actor=actor, event_type=EMERGENCY_REFERRAL, payload={
        "agencies": sorted(a.code for a in agencies), "kept_existing": list(kept_existing),
        "hours": hours, "expires_at": expires_at.isoformat(),
        "complaint": str(complaint.public_id) if complaint else None, **acting_head(as_acting_head),
    })


@registry.writer(TRIAGE_REVIEW_NEEDED)
def triage_review_needed(*, case: Case, actor, agency, complaint: Complaint, reason: str) -> CaseEvent:
    """``reason``: a code (``victim_added``, ``victim_corrected``)."""
    return case_event_record(case=case, actor=actor, agency=agency, event_type=TRIAGE_REVIEW_NEEDED,
                             payload={"complaint": str(complaint.public_id), "reason": reason})
# --- what the timeline says (``registry.describer``) ----------------------------------------------

@registry.describer(TRIAGE_RECORDED)
def _describe_triage(p, names):
    from django.utils.translation import gettext as _g

    from triage.models import RiskLevel

    risk = names.label(RiskLevel, p["risk"])
    if p.get("previous_risk") and p["previous_risk"] != p["risk"]:
        risk = names.change(names.label(RiskLevel, p["previous_risk"]), risk)
    eligible = _g("memenuhi kriteria program terpadu") if p["eligible"] else _g(
        "tidak memenuhi kriteria program terpadu")
    return _g("risiko %(risk)s; %(eligible)s") % {"risk": risk, "eligible": eligible}


@registry.describer(RISK_OVERRIDDEN)
def _describe_override(p, names):
    from triage.models import RiskLevel

    return names.change(names.label(RiskLevel, p["from"]), names.label(RiskLevel, p["to"]))


@registry.describer(EMERGENCY_REFERRAL)
def _describe_referral(p, names):
    from django.utils.translation import gettext as _g

    return _g("%(agencies)s, akses layanan %(hours)d jam") % {
        "agencies": names.agency_list(p["agencies"]), "hours": p["hours"]}
