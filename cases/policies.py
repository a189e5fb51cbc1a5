"""Who may see which case, at which level. The one place that answers access (docs/access.md).
Who is staff, head or acting head of an agency is ``agencies.policies``'; this module builds the
case-level answers on it.

Levels, per case and user (the highest that applies):
- receiving agency: head, acting head (Plt.) and admin officers -> FULL; staff assigned to the
  case -> FULL; other case-work staff there -> SUMMARY;
- another agency: the highest level of its active grants (not revoked, not expired; one per
  source: the head's own, an emergency referral, a referral, a signed decision) -> that level;
- Tim Percepatan members -> SUMMARY on every case (meeting screens: number and initials only);
- ministry viewers and system administrators -> NONE (aggregates only).
"""

from __future__ import annotations

from typing import NamedTuple

from django.db.models import Case as SqlCase
from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest, Now

from agencies import policies as agency_policies
from agencies.models import Role
from agencies.selectors import user_context
from cases.models import AccessLevel, Case, CaseAssignment, CaseGrant

#: Break-the-glass (identity below FULL, with a written reason): the head or acting head of an
#: agency that is responsible for the case (receiving it, or holding an active grant on it), and
#: the Ketua Tim Percepatan, on any case.
BREAK_GLASS_TEAM_ROLE = Role.TP_KETUA


def active_grants(*, at=None) -> QuerySet[CaseGrant]:
    qs = CaseGrant.objects.filter(revoked_at__isnull=True)
    if at is None:
        return qs.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=Now()))
    return qs.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=at))


def annotate_access_level(qs: QuerySet[Case], user) -> QuerySet[Case]:
    """Adds ``access_level`` (AccessLevel int) computed in SQL for ``user``."""
    ctx = user_context(user)
    work_agencies = agency_policies.staff_agency_ids(user)
    full_agencies = list(agency_policies.full_access_agency_ids(user))
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


def visible_case_sets(user, *, min_level: int = AccessLevel.SUMMARY) -> list[QuerySet[Case]] | None:
    """The sets of cases that give ``user`` at least ``min_level`` — together exactly the cases
    ``annotate_access_level`` rates ``>= min_level`` — each a query read through an index: the
    cases their agencies received (all of them for SUMMARY; those of the agencies where they hold
    FULL by standing otherwise), their open assignments, their agencies' active grants of that
    level. ``None`` means every case (a Tim Percepatan member at SUMMARY). Lists take the newest
    rows of each set and merge them (``cases.selectors.case_list``), so the database never rates
    every case row; a detail page still asks ``annotate_access_level`` for its one case
    (docs/architecture.md, "Lists")."""
    level = int(min_level)
    ctx = user_context(user)
    if level <= AccessLevel.NONE or (ctx.is_team_member and level <= AccessLevel.SUMMARY):
        return None
    work_agencies = agency_policies.staff_agency_ids(user)
    if not work_agencies:
        return []
    received = (list(work_agencies) if level <= AccessLevel.SUMMARY
                else list(agency_policies.full_access_agency_ids(user)))
    group_ids = [m.agency.group_id for m in ctx.memberships if m.agency_id in work_agencies]
    return [
        Case.objects.filter(receiving_agency_id__in=received),
        Case.objects.filter(pk__in=CaseAssignment.objects.filter(user=user, ended_at__isnull=True)
                            .values("case_id")),
        Case.objects.filter(pk__in=active_grants().filter(group_id__in=group_ids, level__gte=level)
                            .values("content_object_id")),
    ]


def visible_case_ids(user, *, min_level: int = AccessLevel.SUMMARY) -> QuerySet | None:
    """The ids of every case ``user`` sees at ``min_level``: the UNION of ``visible_case_sets``
    (``None``: every case)."""
    sets = visible_case_sets(user, min_level=min_level)
    if sets is None:
        return None
    if not sets:
        return Case.objects.none().values("pk")
    first, *rest = [s.order_by().values("pk") for s in sets]
    return first.union(*rest)


def visible_cases(user, *, min_level: int = AccessLevel.SUMMARY) -> QuerySet[Case]:
    """The cases ``user`` sees at ``min_level`` or above (``visible_case_ids``), each with its
    ``access_level``: the level is computed only for the rows read, never to choose them."""
    ids = visible_case_ids(user, min_level=min_level)
    qs = Case.objects.all() if ids is None else Case.objects.filter(pk__in=ids)
    return annotate_access_level(qs, user)


def access_level_remember(case: Case, user) -> Case:
    """Mark ``case``'s ``access_level`` (from ``annotate_access_level`` for ``user``) as ``user``'s, so
    that ``case_access_level`` reads it instead of asking the database again."""
    case._level_user = user.pk
    return case


def case_access_level(user, case: Case) -> AccessLevel:
    if getattr(case, "access_level", None) is not None and getattr(case, "_level_user", None) == user.pk:
        return AccessLevel(case.access_level)
    level = annotate_access_level(Case.objects.filter(pk=case.pk), user).values_list(
        "access_level", flat=True).first()
    return AccessLevel(level or 0)


class RevealRight(NamedTuple):
    """May ``user`` open the identity of ``case``'s victims, must they give a reason, and — for a
    break-the-glass by an agency's head — as what they head it (``"head"``/``"acting_head"``)."""

    allowed: bool
    reason_required: bool
    head_standing: str | None = None


def may_reveal_on_case(user, case: Case) -> RevealRight:
    """FULL may always see identity (each view is logged). Below FULL (and never with no access at
    all) only break-the-glass, with a reason, and scoped to this case: the head or acting head of
    the receiving agency or of an agency holding an active grant on it, or the Ketua Tim
    Percepatan. Heading any other agency gives nothing here: the head of agency A who sits on the
    Tim Percepatan sees agency B's case as a team member (summary) and may not open its identity."""
    level = case_access_level(user, case)
    if level >= AccessLevel.FULL:
        return RevealRight(True, False)
    if level < AccessLevel.SUMMARY:
        return RevealRight(False, False)
    if user_context(user).has_role(BREAK_GLASS_TEAM_ROLE):
        return RevealRight(True, True)
    head_of = agency_policies.head_agency_ids(user)
    if case.receiving_agency_id in head_of:
        return RevealRight(True, True, agency_policies.acts_as_head_how(user, case.receiving_agency_id))
    if not head_of:
        return RevealRight(False, False)
    agency_of_group = {m.agency.group_id: m.agency_id for m in user_context(user).memberships
                       if m.agency_id in head_of}
    granted = set(active_grants().filter(content_object=case, group_id__in=list(agency_of_group))
                  .values_list("group_id", flat=True))
    if not granted:
        return RevealRight(False, False)
    # Heading one granted agency as its head outranks acting for another in what is recorded.
    how = {agency_policies.acts_as_head_how(user, agency_of_group[g]) for g in granted}
    return RevealRight(True, True, agency_policies.HEAD if agency_policies.HEAD in how
                       else agency_policies.ACTING_HEAD)


def reveal_payload(right: RevealRight) -> dict:
    """What a break-the-glass adds to its timeline payload: ``{"as_acting_head": True}`` when
    opened as an acting head."""
    acting = right.head_standing == agency_policies.ACTING_HEAD
    return {agency_policies.AS_ACTING_HEAD: True} if acting else {}


def can_manage_grants(user, case: Case) -> bool:
    """The head or acting head of the receiving agency grants and revokes other agencies' access."""
    return agency_policies.is_agency_head(user, case.receiving_agency_id)


def can_manage_consent(user, case: Case) -> bool:
    """Record or withdraw a victim's consent: staff of the case's receiving agency who hold `full`
    on it (its head or acting head and admin officers, and the staff assigned to it)."""
    return (agency_policies.is_agency_staff(user, case.receiving_agency_id)
            and case_access_level(user, case) >= AccessLevel.FULL)


def may_act_on_complaints(user, case: Case) -> bool:
    """Record the initial response, void a complaint, attach a file: receiving staff of the agency
    that received the case (any of its case-work staff, whatever their level on the case)."""
    return agency_policies.is_receiving_staff(user, case.receiving_agency_id)


def may_assign_on_case(user, case: Case) -> bool:
    """Assign or reassign the case or one of its complaints: the receiving agency's head, acting
    head and admin officers."""
    return agency_policies.may_assign(user, case.receiving_agency_id)


def may_correct(user, complaint) -> bool:
    """Correct a complaint, its victims, reporter and perpetrators, or add a victim or a
    perpetrator (``cases.intake.corrections``): the receiving agency's head, acting head and admin
    officers, and the officer assigned to the complaint or the case while they are staff there."""
    agency_id = complaint.receiving_agency_id
    if agency_policies.may_assign(user, agency_id):
        return True
    if not agency_policies.is_agency_staff(user, agency_id):
        return False
    return complaint.assignee_id == user.pk or CaseAssignment.objects.filter(
        case_id=complaint.case_id, user=user, ended_at__isnull=True).exists()



def correctable_complaint_ids(user, case: Case, complaints) -> set[int]:
    """``may_correct`` for each of ``complaints`` of ``case``, in one query at most (the case page)."""
    complaints = list(complaints)
    if agency_policies.may_assign(user, case.receiving_agency_id):
        return {c.pk for c in complaints}
    if not complaints or not agency_policies.is_agency_staff(user, case.receiving_agency_id):
        return set()
    on_case = CaseAssignment.objects.filter(case=case, user=user, ended_at__isnull=True).exists()
    return {c.pk for c in complaints if on_case or c.assignee_id == user.pk}
