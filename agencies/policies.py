"""A user's standing in an agency — the one place that says who is staff, receiving staff, head or
acting head (Plt.) of an agency (docs/access.md). Every app asks here; none compares roles itself
(``tests/agencies/test_policies_defined_once.py`` reads the source).

- **staff** of an agency: holds a case-work role there today (officers, companions, counsellors,
  the head…); Tim Percepatan, ministry and administrator roles are not case work;
- **receiving staff**: staff of an agency whose kind receives complaints (SKB E.1);
- **head**: holds the head role there today; **acting head**: a member there whose acting-head
  delegation (``ActingHead``) covers the day. An acting head may do what the head does, and every
  such act records "as acting head" (``as_acting_head_payload``). Only the head (not an acting
  head) or a system administrator appoints one.

Today's standing comes from ``user_context`` (one query per user object, cached); a question about
another day (``at=``) asks the database.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.utils import timezone

from agencies.models import CASE_WORK_ROLES, ActingHead, Membership, Role
from agencies.selectors import user_context

HEAD_ROLE = Role.HEAD
#: Besides the head and an acting head, who holds ``full`` on every case their agency received.
RECEIVING_FULL_ROLES = frozenset({Role.ADMIN_OFFICER})

#: How a user heads an agency (``acts_as_head_how``).
HEAD: Literal["head"] = "head"
ACTING_HEAD: Literal["acting_head"] = "acting_head"
HeadStanding = Literal["head", "acting_head"]

#: The timeline payload key of an act done as acting head (value ``True``; absent otherwise).
AS_ACTING_HEAD = "as_acting_head"


def _today(at: date | None) -> bool:
    return at is None or at == timezone.localdate()


# --- staff ------------------------------------------------------------------------------------------

def staff_agency_ids(user) -> frozenset[int]:
    """Agencies the user works cases in today."""
    return user_context(user).work_agency_ids


def is_agency_staff(user, agency_id: int | None) -> bool:
    return agency_id is not None and agency_id in staff_agency_ids(user)


def is_assignable(user, agency_id: int | None) -> bool:
    """Case-work staff of the agency who may be named to work one of its complaints or cases: staff
    there today (Tim Percepatan positions and ministry viewers are not), never a system
    administrator."""
    return is_agency_staff(user, agency_id) and not is_system_administrator(user)


def assignable_staff(agency_id: int):
    """The users ``is_assignable`` answers yes for, as a query (the assignee list): an active
    case-work membership in the agency today, an active account, no system-administrator role."""
    from agencies.models import User

    active = Membership.objects.active()
    admins = active.filter(role=Role.SYSTEM_ADMIN).values("user_id")
    staff = active.filter(agency_id=agency_id, role__in=list(CASE_WORK_ROLES)).values("user_id")
    return (User.objects.filter(pk__in=staff, is_active=True, is_superuser=False)
            .exclude(pk__in=admins).order_by("full_name", "username"))


def receiving_agency_ids(user) -> frozenset[int]:
    """Agencies that receive complaints (``Agency.receives_complaints``, SKB E.1) and in which the
    user works cases today."""
    ctx = user_context(user)
    return frozenset(m.agency_id for m in ctx.memberships
                     if m.agency_id in ctx.work_agency_ids and m.agency.receives_complaints)


def is_receiving_staff(user, agency_id: int | None) -> bool:
    """Staff of ``agency_id``, which receives complaints: who registers, responds to, voids,
    triages and records SOP steps for that agency's complaints."""
    return agency_id is not None and agency_id in receiving_agency_ids(user)


# --- head and acting head ------------------------------------------------------------------------

def acts_as_head_how(user, agency_id: int | None, *, at: date | None = None) -> HeadStanding | None:
    """``"head"`` when the user holds the head role in the agency on ``at`` (today by default),
    ``"acting_head"`` when an acting-head delegation covers that day (held with a case-work
    membership there), otherwise None. A head who is also named acting head is the head."""
    if agency_id is None or user is None or not user.is_authenticated:
        return None
    if _today(at):
        ctx = user_context(user)
        if HEAD_ROLE in ctx.roles_in(agency_id):
            return HEAD
        return ACTING_HEAD if agency_id in ctx.acting_head_agency_ids else None
    members = Membership.objects.active(at).filter(user=user, agency_id=agency_id)
    if members.filter(role=HEAD_ROLE).exists():
        return HEAD
    if (members.filter(role__in=list(CASE_WORK_ROLES)).exists()
            and ActingHead.objects.covering(at).filter(user=user, agency_id=agency_id).exists()):
        return ACTING_HEAD
    return None


def is_agency_head(user, agency_id: int | None, *, at: date | None = None) -> bool:
    """The head of the agency — or its acting head while the delegation covers ``at``."""
    return acts_as_head_how(user, agency_id, at=at) is not None


def head_agency_ids(user) -> frozenset[int]:
    """Agencies the user heads today, as head or acting head."""
    return appointing_agency_ids(user) | user_context(user).acting_head_agency_ids


def full_access_agency_ids(user) -> frozenset[int]:
    """Agencies whose received cases the user sees in full by standing: as head, acting head or
    admin officer (docs/access.md §1)."""
    ctx = user_context(user)
    officers = {a for a, roles in ctx.work_roles_by_agency.items() if roles & RECEIVING_FULL_ROLES}
    return head_agency_ids(user) | frozenset(officers)


def may_assign(user, agency_id: int | None) -> bool:
    """Who assigns and reassigns the agency's complaints and cases to a named officer: its head, its
    acting head and its admin officers (those who hold ``full`` on its cases by standing)."""
    return agency_id is not None and agency_id in full_access_agency_ids(user)


def as_acting_head_payload(user, agency_id: int | None) -> dict:
    """What a head-only act adds to its timeline payload: ``{"as_acting_head": True}`` when the
    user does it as acting head of the agency, nothing when as its head."""
    return {AS_ACTING_HEAD: True} if acts_as_head_how(user, agency_id) == ACTING_HEAD else {}


# --- administration -----------------------------------------------------------------------------

def is_system_administrator(user) -> bool:
    """A member with the system-administrator role, or the bootstrap superuser."""
    return bool(user is not None and user.is_authenticated
                and (user_context(user).is_system_admin or user.is_superuser))


def may_designate_signing_official(user) -> bool:
    """Only the Ketua of the Tim Percepatan designates an official to sign in her stead (SKB
    E.1.c, "Ketua atau pejabat yang ditunjuk"): by a decree, through ``delegation_grant``."""
    return bool(user is not None and user.is_authenticated and user_context(user).has_role(Role.TP_KETUA))


def may_revoke_signing_delegation(user) -> bool:
    """The Ketua ends a designation she made; a system administrator may end one on her order."""
    return may_designate_signing_official(user) or is_system_administrator(user)


def appointing_agency_ids(user) -> frozenset[int]:
    """Agencies whose acting head the user appoints on the agency page: those they head
    themselves today (an acting head appoints nobody)."""
    ctx = user_context(user)
    return frozenset(a for a, roles in ctx.work_roles_by_agency.items() if HEAD_ROLE in roles)


def may_appoint_acting_head(user, agency_id: int | None) -> bool:
    """The head of the agency itself (an acting head does not appoint another) or a system
    administrator."""
    return is_system_administrator(user) or acts_as_head_how(user, agency_id) == HEAD
