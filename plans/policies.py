"""Who may do what on a case's service plan (R11, R26)."""

from __future__ import annotations

from agencies import policies as agency_policies
from cases.models import AccessLevel, Case
from cases.policies import case_access_level


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
