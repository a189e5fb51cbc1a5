"""Who may do what in triage (docs/access.md, docs/triage.md).

Seeing the triage page needs the same level as the case page (``summary``): it shows the case
number, initials, conditions and steps — never identity. Acting needs more:

- record a triage: receiving staff of the complaint's agency (SOP steps: sops.policies);
- override the risk, refer an emergency: the head of the receiving agency, or its acting head
  (Plt.) while the delegation covers today.

Who is receiving staff and who heads an agency is ``agencies.policies``'.
"""

from __future__ import annotations

from agencies.policies import is_agency_head, is_receiving_staff


def can_triage(user, complaint) -> bool:
    return is_receiving_staff(user, complaint.receiving_agency_id)


def can_record_on_case(user, case) -> bool:
    """Receiving staff of the case's agency (the triage form)."""
    return is_receiving_staff(user, case.receiving_agency_id)


def can_override_risk(user, complaint) -> bool:
    return is_agency_head(user, complaint.receiving_agency_id)


def can_override_on_case(user, case) -> bool:
    return is_agency_head(user, case.receiving_agency_id)


def can_refer_emergency(user, case) -> bool:
    return is_agency_head(user, case.receiving_agency_id)
