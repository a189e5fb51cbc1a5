"""Who may do what on a case's service plan (R11, R26)."""

from __future__ import annotations

from agencies import policies as agency_policies
from cases.models import AccessLevel, Case
from cases.policies import case_access_level
from plans.selectors import current_decision


def may_edit_plan(user, *, case: Case, coordinator_agency_id: int, case_coordinator_id: int | None) -> bool:
    """Record a conference, add or remove items: staff of the coordinating agency with service
    access to the case, or the case's coordinator (the Ketua or her designated official, R26)."""
    if case_coordinator_id and user.pk == case_coordinator_id:
        return True
    return (agency_policies.is_agency_staff(user, coordinator_agency_id)
            and case_access_level(user, case) >= AccessLevel.SERVICE)


def may_approve_plan(user, *, coordinator_agency_id: int) -> bool:
    """Only the coordinating agency's head (or acting head) approves a version."""
    return agency_policies.is_agency_head(user, coordinator_agency_id)


def may_move_item(user, *, case: Case, item_agency_id: int, coordinator_agency_id: int) -> bool:
    """The responsible agency moves its own item; the coordinating agency may too."""
    if case_access_level(user, case) < AccessLevel.SERVICE:
        return False
    return (agency_policies.is_agency_staff(user, item_agency_id)
            or agency_policies.is_agency_staff(user, coordinator_agency_id))


def plan_permissions(user, case, plan) -> dict:
    """Which writes the user may make on this plan (``plans.policies``); the page shows only those
    forms and the API refuses the others with 403 before reading the input."""
    if plan is not None:
        coordinator_id, case_coordinator_id = plan.coordinator_agency_id, plan.case_coordinator_id
    else:
        decision = current_decision(case)
        if decision is None and not (case.is_emergency and case.awaiting_formal_decision):
            return {"edit": False, "approve": False}
        coordinator_id = decision.coordinator_agency_id if decision else case.receiving_agency_id
        case_coordinator_id = decision.case_coordinator_id if decision else None
    edit = may_edit_plan(user, case=case, coordinator_agency_id=coordinator_id,
                         case_coordinator_id=case_coordinator_id)
    return {"edit": edit, "approve": plan is not None and may_approve_plan(
        user, coordinator_agency_id=coordinator_id), "coordinator_id": coordinator_id}
