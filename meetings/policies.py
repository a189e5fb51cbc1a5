"""Who may do what with meetings (docs/access.md, docs/meetings.md).

- Meeting pages: Tim Percepatan members (any team role). Everyone else: 404 on a meeting, 403 on
  pages without one.
- Preparing and editing a meeting (schedule, attendance, screening, agenda, assessment, decisions,
  action items, minutes notes): the meeting secretary, the ketua and the wakil ketua.
- A presentation: staff (case-work roles) of the case's receiving agency.
- A follow-up: staff of the action item's responsible agency.
"""

from __future__ import annotations

from agencies.models import Role
from agencies.policies import is_agency_staff, staff_agency_ids
from agencies.selectors import user_context

EDITOR_ROLES = frozenset({Role.TP_SEKRETARIS, Role.TP_KETUA, Role.TP_WAKIL_KETUA})


def is_member(user) -> bool:
    return user_context(user).is_team_member


def can_edit(user) -> bool:
    return user_context(user).has_role(*EDITOR_ROLES)


def can_present(user, agenda_item) -> bool:
    return is_agency_staff(user, agenda_item.case.receiving_agency_id)


def can_follow_up(user, action_item) -> bool:
    return is_agency_staff(user, action_item.responsible_agency_id)


def reaches_meetings(user) -> bool:
    """Team members, and agency staff who present cases or follow up action items."""
    return user_context(user).is_team_member or bool(staff_agency_ids(user))
