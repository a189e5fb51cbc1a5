"""Who may see which case, at which level. The one place that answers access (docs/access.md).

Levels, per case and user (the highest that applies):
- receiving agency: head and admin officers -> FULL; staff assigned to the case -> FULL;
  other case-work staff there -> SUMMARY;
- another agency: the highest level of its active grants (not revoked, not expired; one per
  source: the head's own, an emergency referral, a referral, a signed decision) -> that level;
- Tim Percepatan members -> SUMMARY on every case (meeting screens: number and initials only);
- ministry viewers and system administrators -> NONE (aggregates only).
"""

from __future__ import annotations

from django.db.models import Case as SqlCase
from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest, Now

from agencies.models import Role
from agencies.selectors import user_context
from cases.models import AccessLevel, Case, CaseAssignment, CaseGrant

#: Roles that hold FULL on every case their agency received.
RECEIVING_FULL_ROLES = frozenset({Role.HEAD, Role.ADMIN_OFFICER})
#: Break-the-glass (identity below FULL, with a written reason): the head of an agency that is
#: responsible for the case (receiving it, or holding an active grant on it) ...
BREAK_GLASS_AGENCY_ROLE = Role.HEAD
#: ... and the Ketua Tim Percepatan, on any case.
BREAK_GLASS_TEAM_ROLE = Role.TP_KETUA
#: Roles that may grant and revoke other agencies' access to their agency's cases.
GRANT_ROLES = frozenset({Role.HEAD})


def active_grants(*, at=None) -> QuerySet[CaseGrant]:
    qs = CaseGrant.objects.filter(revoked_at__isnull=True)
    if at is None:
        return qs.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=Now()))
    return qs.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=at))


def annotate_access_level(qs: QuerySet[Case], user) -> QuerySet[Case]:
    """Adds ``access_level`` (AccessLevel int) computed in SQL for ``user``."""
    ctx = user_context(user)
    work_agencies = ctx.work_agency_ids
    full_agencies = [a for a, roles in ctx.work_roles_by_agency.items() if roles & RECEIVING_FULL_ROLES]
    group_ids = [m.agency.group_id for m in ctx.memberships if m.agency_id in work_agencies]

    parts = [Value(int(AccessLevel.NONE))]
    if ctx.is_team_member:
        parts.append(Value(int(AccessLevel.SUMMARY)))
    if work_agencies:
        parts.append(SqlCase(
            When(receiving_agency_id__in=full_agencies, then=Value(int(AccessLevel.FULL))),
            When(Exists(CaseAssignment.objects.filter(case=OuterRef("pk"), user=user,
                                                      ended_at__isnull=True)),
                 then=Value(int(AccessLevel.FULL))),
            When(receiving_agency_id__in=list(work_agencies), then=Value(int(AccessLevel.SUMMARY))),
            default=Value(int(AccessLevel.NONE)), output_field=IntegerField(),
        ))
        # An agency may hold several active grants (one per source): the highest counts.
        best_grant = (
            active_grants().filter(content_object=OuterRef("pk"), group_id__in=group_ids)
            .order_by("-level").values("level")[:1]
        )
        parts.append(Coalesce(Subquery(best_grant, output_field=IntegerField()),
                              Value(int(AccessLevel.NONE))))
    if len(parts) == 1:
        return qs.annotate(access_level=parts[0])
    return qs.annotate(access_level=Greatest(*parts, output_field=IntegerField()))


def visible_cases(user, *, min_level: int = AccessLevel.SUMMARY) -> QuerySet[Case]:
    return annotate_access_level(Case.objects.all(), user).filter(access_level__gte=int(min_level))


def case_access_level(user, case: Case) -> AccessLevel:
    if getattr(case, "access_level", None) is not None and getattr(case, "_level_user", None) == user.pk:
        return AccessLevel(case.access_level)
    level = annotate_access_level(Case.objects.filter(pk=case.pk), user).values_list(
        "access_level", flat=True).first()
    return AccessLevel(level or 0)


def can_reveal_identity(user, case: Case) -> tuple[bool, bool]:
    """(allowed, reason_required) for revealing the identity of ``case``'s victims.

    FULL may always see identity (each view is logged). Below FULL (and never with no access at
    all) only break-the-glass, with a reason, and scoped to this case: the head of the receiving
    agency or of an agency holding an active grant on it, or the Ketua Tim Percepatan. A head role
    held in any other agency gives nothing here: the head of agency A who sits on the Tim
    Percepatan sees agency B's case as a team member (summary) and may not open its identity."""
    level = case_access_level(user, case)
    if level >= AccessLevel.FULL:
        return True, False
    if level < AccessLevel.SUMMARY:
        return False, False
    ctx = user_context(user)
    if ctx.has_role(BREAK_GLASS_TEAM_ROLE):
        return True, True
    head_of = [m.agency for m in ctx.memberships if m.role == BREAK_GLASS_AGENCY_ROLE]
    if any(a.pk == case.receiving_agency_id for a in head_of):
        return True, True
    if head_of and active_grants().filter(
        content_object=case, group_id__in=[a.group_id for a in head_of]
    ).exists():
        return True, True
    return False, False


def can_manage_grants(user, case: Case) -> bool:
    return bool(user_context(user).roles_in(case.receiving_agency_id) & GRANT_ROLES)


def can_manage_consent(user, case: Case) -> bool:
    """Record or withdraw a victim's consent: staff of the case's receiving agency who hold `full`
    on it (its head and admin officers, and the staff assigned to it)."""
    return (case.receiving_agency_id in user_context(user).work_agency_ids
            and case_access_level(user, case) >= AccessLevel.FULL)
