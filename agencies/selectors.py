"""Reads about users, agencies and roles. ``user_context`` is computed once per user object."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from agencies.models import (
    CASE_WORK_ROLES,
    TEAM_ROLES,
    TOTP_REQUIRED_ROLES,
    ActingHead,
    Agency,
    Membership,
    Role,
    SigningDelegation,
    User,
)


@dataclass(frozen=True)
class UserContext:
    """What a signed-in user is, today: their active memberships and what follows from them."""

    memberships: tuple[Membership, ...] = ()
    roles: frozenset[str] = frozenset()
    #: agency id -> roles held there, only for case-work roles (the agencies whose cases they work)
    work_roles_by_agency: dict[int, frozenset[str]] = field(default_factory=dict)
    #: A designated official with signing power today (pejabat yang ditunjuk).
    is_delegated_signer: bool = False
    #: Agencies whose acting head (Plt.) the user is today: a delegation that covers today, held
    #: with a case-work membership there. What that allows is ``agencies.policies``'.
    acting_head_agency_ids: frozenset[int] = frozenset()
    #: Django staff reach the admin: they pass TOTP like system administrators.
    is_staff: bool = False

    @property
    def is_active_member(self) -> bool:
        return bool(self.memberships)

    @property
    def work_agency_ids(self) -> frozenset[int]:
        return frozenset(self.work_roles_by_agency)

    @property
    def team_roles(self) -> frozenset[str]:
        return self.roles & TEAM_ROLES

    @property
    def is_team_member(self) -> bool:
        return bool(self.team_roles)

    @property
    def is_ministry_viewer(self) -> bool:
        return Role.MINISTRY_VIEWER in self.roles

    @property
    def is_system_admin(self) -> bool:
        return Role.SYSTEM_ADMIN in self.roles

    @property
    def needs_totp(self) -> bool:
        # An acting head does what the head does, so signs in like one.
        return (bool(self.roles & TOTP_REQUIRED_ROLES) or self.is_delegated_signer or self.is_staff
                or bool(self.acting_head_agency_ids))

    @property
    def primary_agency(self) -> Agency | None:
        for m in self.memberships:
            if m.role in CASE_WORK_ROLES:
                return m.agency
        return self.memberships[0].agency if self.memberships else None

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def roles_in(self, agency_id: int) -> frozenset[str]:
        return self.work_roles_by_agency.get(agency_id, frozenset())


_CACHE_ATTR = "_terpadu_user_context"


def user_context(user) -> UserContext:
    """The user's active memberships (one query, then cached on the user object)."""
    if user is None or not user.is_authenticated:
        return UserContext()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    today = timezone.localdate()
    # An acting-head delegation counts where the user works: it rides on the membership row, so
    # the one query of the context answers it too.
    memberships = tuple(
        Membership.objects.active(today).filter(user=user).select_related("agency")
        .annotate(acting_head=Exists(ActingHead.objects.covering(today).filter(
            user_id=OuterRef("user_id"), agency_id=OuterRef("agency_id"))))
        .order_by("id")
    )
    by_agency: dict[int, set[str]] = {}
    acting: set[int] = set()
    for m in memberships:
        if m.role in CASE_WORK_ROLES:
            by_agency.setdefault(m.agency_id, set()).add(m.role)
            if m.acting_head:
                acting.add(m.agency_id)
    ctx = UserContext(
        acting_head_agency_ids=frozenset(acting),
        is_delegated_signer=SigningDelegation.objects.filter(
            official=user, revoked_at__isnull=True, valid_from__lte=today, valid_until__gte=today,
        ).exists(),
        is_staff=bool(user.is_staff or user.is_superuser),
        memberships=memberships,
        roles=frozenset(m.role for m in memberships),
        work_roles_by_agency={k: frozenset(v) for k, v in by_agency.items()},
    )
    setattr(user, _CACHE_ATTR, ctx)
    return ctx


def user_primary_agency(user) -> Agency | None:
    """The agency a user acts for when nothing names one: their first case-work membership, else
    their first membership. ``common.audit.access_log_record`` logs under it
    (``settings.AUDIT_AGENCY_OF``)."""
    return user_context(user).primary_agency


def clear_user_context(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def agency_list(*, receiving_only: bool = False) -> QuerySet[Agency]:
    qs = Agency.objects.filter(is_active=True).select_related("parent").prefetch_related("services")
    if receiving_only:
        qs = qs.filter(receives_complaints=True)
    return qs


def active_delegation_for(user, *, day=None) -> SigningDelegation | None:
    day = day or timezone.localdate()
    return (
        SigningDelegation.objects.filter(
            official=user, revoked_at__isnull=True, valid_from__lte=day, valid_until__gte=day
        ).first()
    )


def users_with_role(*, roles, agency=None) -> QuerySet:
    qs = Membership.objects.active().filter(role__in=list(roles))
    if agency is not None:
        qs = qs.filter(agency=agency)
    return User.objects.filter(is_active=True, pk__in=qs.values("user_id")).distinct()


def agency_heads(*, agency, also_roles=(), day=None) -> QuerySet[User]:
    """Who heads ``agency`` on ``day`` (today by default) — its head and an acting head (Plt.)
    whose delegation covers the day and who is a member there — plus, when asked, the holders of
    ``also_roles`` there (the admin officers told with the head of overdue work)."""
    day = day or timezone.localdate()
    members = Membership.objects.active(day).filter(agency=agency)
    staff = members.filter(role__in=list(CASE_WORK_ROLES))
    acting = ActingHead.objects.covering(day).filter(agency=agency, user_id__in=staff.values("user_id"))
    return User.objects.filter(
        Q(pk__in=members.filter(role__in=[Role.HEAD, *also_roles]).values("user_id"))
        | Q(pk__in=acting.values("user_id")),
        is_active=True,
    ).distinct()


def acting_heads_of(*, agency_ids) -> QuerySet[ActingHead]:
    """Acting-head delegations of these agencies, current and planned first, then past."""
    return (ActingHead.objects.filter(agency_id__in=list(agency_ids))
            .select_related("agency", "user", "granted_by", "ended_by")
            .order_by("agency__name", "-end", "-start", "-id"))
