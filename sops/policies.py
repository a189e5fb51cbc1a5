"""Who may do what with SOP runs (docs/access.md, docs/sops.md).

Seeing a case's runs needs the same level as the case page (``summary``): they show step codes,
times and who acted — never identity. Starting a run and recording its steps is for the case-work
staff of the agency that received the complaint (of the case, for a run without a complaint) —
receiving staff as ``agencies.policies`` defines it. The SOP's actor is shown, not enforced (small
offices combine roles); the Perbup documents issue will check it here, with
``agencies.policies.is_agency_head`` for the head's steps (acting heads included).
"""

from __future__ import annotations

from agencies.policies import is_receiving_staff


def acting_agency_id(*, case, complaint=None) -> int:
    """The agency whose staff run the SOP: the complaint's receiving agency, else the case's."""
    return complaint.receiving_agency_id if complaint is not None else case.receiving_agency_id


def can_start_run(user, *, case, complaint=None) -> bool:
    return is_receiving_staff(user, acting_agency_id(case=case, complaint=complaint))


def can_record_step(user, run) -> bool:
    return is_receiving_staff(user, acting_agency_id(case=run.case, complaint=run.complaint))


def can_work_on_case(user, case) -> bool:
    """Shows the start and step forms on the case's pages (each action checks again)."""
    return is_receiving_staff(user, case.receiving_agency_id)
