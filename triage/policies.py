"""Who may do what in triage (docs/access.md, docs/triage.md).

Seeing the triage page needs the same level as the case page (``summary``): it shows the case
number, initials, conditions and steps — never identity. Acting needs more:

- record a triage: a case-work member of the complaint's receiving agency (SOP steps: sops.policies);
- override the risk, refer an emergency: the head of the receiving agency.
"""

from __future__ import annotations

from agencies.models import Role
from agencies.selectors import user_context

OVERRIDE_ROLES = frozenset({Role.HEAD})
REFER_ROLES = frozenset({Role.HEAD})


def is_receiving_staff(user, agency_id: int) -> bool:
    return bool(user_context(user).roles_in(agency_id))


def is_receiving_head(user, agency_id: int) -> bool:
    return bool(user_context(user).roles_in(agency_id) & OVERRIDE_ROLES)


def can_triage(user, complaint) -> bool:
    return is_receiving_staff(user, complaint.receiving_agency_id)


def can_override_risk(user, complaint) -> bool:
    return is_receiving_head(user, complaint.receiving_agency_id)


def can_refer_emergency(user, case) -> bool:
    return bool(user_context(user).roles_in(case.receiving_agency_id) & REFER_ROLES)
