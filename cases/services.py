"""Writes on cases: open, assign and end an assignment, grant and revoke access, reveal identity
(break-the-glass). Status changes are ``cases.lifecycle``'s."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies import policies as agency_policies
from agencies.models import Agency, User
from cases import events
from cases.lifecycle import check_reason_code
from cases.models import (
    LEGAL_BASES,
    AccessLevel,
    Case,
    CaseAssignment,
    CaseGrant,
    CaseNumberCounter,
    CaseStatus,
    GrantBasis,
    GrantSource,
)
from cases.policies import can_manage_grants, case_access_level, may_reveal_on_case, reveal_payload
from common import limits
from common.audit import access_log_record, save_with_history
from common.errors import ActionNotAllowed, ApplicationError
from common.models import AccessAction
from common.timefmt import datetime_label

GRANT_OWN_AGENCY = _("Lembaga penerima sudah memiliki akses penuh ke kasusnya sendiri.")
GRANT_LEVEL_INVALID = _("Tingkat akses tidak valid.")
GRANT_SOURCE_INVALID = _("Sumber akses tidak valid.")
GRANT_EXPIRY_PAST = _("Waktu berakhir harus di masa depan.")
GRANT_NOT_ALLOWED = _("Anda tidak berwenang mengatur akses kasus ini.")
GRANT_ALREADY_REVOKED = _("Akses ini sudah dicabut.")
GRANT_REASON_REQUIRED = _("Tulis alasan membagikan identitas korban kepada lembaga ini.")
GRANT_REASON_TOO_LONG = _("Alasan terlalu panjang (paling banyak 300 karakter).")
GRANT_BASIS_INVALID = _("Dasar hukum tidak valid: pilih perlindungan jiwa atau permintaan penyidikan.")
GRANT_CONSENT_OR_BASIS_REQUIRED = _(
    "Belum ada persetujuan korban (untuk korban anak: orang tua/wali) yang mencakup %(agency)s. "
    "Tanpa persetujuan itu, identitas hanya dapat dibagikan atas dasar hukum yang ditulis kepala "
    "unit: perlindungan jiwa atau permintaan penyidikan.")
REVEAL_REASON_REQUIRED = _("Alasan wajib diisi untuk membuka identitas korban.")
REVEAL_NOT_ALLOWED = _("Peran Anda tidak berwenang membuka identitas korban.")
ASSIGNEE_NOT_STAFF = _("Petugas yang ditugaskan harus staf aktif lembaga penerima.")
ASSIGNMENT_ALREADY_ENDED = _("Penugasan ini sudah berakhir.")
ASSIGN_NOT_ALLOWED = _("Hanya kepala unit, Plt. kepala dan petugas administrasi lembaga penerima yang "
                       "dapat menugaskan petugas.")
ASSIGNEE_NOT_CASE_WORK = _("Petugas yang ditugaskan harus staf penanganan kasus lembaga penerima "
                           "(bukan administrator sistem, anggota Tim Percepatan atau pemantau kementerian).")
#: The role of the officer named to work the whole case (``case_officer_assign``).
CASE_OFFICER = "case_officer"


def _next_case_number(year: int) -> str:
    # INSERT … ON CONFLICT then lock the row: concurrent registrations queue here and never
    # share a number (the unique constraint on Case.number is the last line of defence).
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {CaseNumberCounter._meta.db_table} (year, last) VALUES (%s, 0) "  # noqa: S608
            "ON CONFLICT (year) DO NOTHING",
            [year],
        )
    counter = CaseNumberCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"PPA-{year}-{counter.last:06d}"


@transaction.atomic
def case_open(*, actor: User, receiving_agency: Agency, initials: str = "",
              violence_types: list[str] | None = None, opened_at: datetime | None = None) -> Case:
    """A case always starts registered; every later status comes from ``cases.lifecycle``."""
    opened_at = opened_at or timezone.now()
    case = Case(
        number=_next_case_number(timezone.localtime(opened_at).year),
        receiving_agency=receiving_agency, initials=initials,
        violence_types=violence_types or [], opened_at=opened_at, status=CaseStatus.REGISTERED,
    )
    case.full_clean()
    save_with_history(case, actor=actor)
    events.case_opened(case=case, actor=actor, receiving_agency=receiving_agency)
    return case


@transaction.atomic
def case_assign(*, actor: User, case: Case, user: User, role: str) -> CaseAssignment:
    """Open an assignment (idempotent per user). The calling service checks who may assign."""
    if not agency_policies.is_assignable(user, case.receiving_agency_id):
        raise ApplicationError(ASSIGNEE_NOT_STAFF, field="assignee")
    assignment, created = CaseAssignment.objects.get_or_create(
        case=case, user=user, ended_at__isnull=True, defaults={"role": role},
    )
    if created:
        events.case_assigned(case=case, actor=actor, user=user, role=role)
    return assignment


@transaction.atomic
def case_assignment_end(*, actor: User | None, assignment: CaseAssignment, reason: str) -> CaseAssignment:
    """End an assignment now: the user loses the FULL access it gave at once (the access policy
    reads open assignments only); history keeps it. ``reason`` is a code (e.g. ``reassigned``),
    written to the timeline with the user and role. The calling service checks who may end it."""
    check_reason_code(reason)
    assignment = CaseAssignment.objects.select_for_update(of=("self",)).select_related("case").get(
        pk=assignment.pk)
    if assignment.ended_at is not None:
        raise ApplicationError(ASSIGNMENT_ALREADY_ENDED)
    assignment.ended_at = timezone.now()
    save_with_history(assignment, actor=actor, update_fields=["ended_at"])
    events.case_assignment_ended(actor=actor, assignment=assignment, reason=reason)
    return assignment


@transaction.atomic
def case_officer_assign(*, actor: User, case: Case, assignee: User) -> CaseAssignment:
    """Name the officer who works the case (head, acting head or admin officer of the receiving
    agency). Reassignment ends the previous officer's assignment, and with it their ``full``
    access; the new officer holds ``full`` while assigned (docs/access.md)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not agency_policies.may_assign(actor, case.receiving_agency_id):
        raise ActionNotAllowed(ASSIGN_NOT_ALLOWED)
    if not agency_policies.is_assignable(assignee, case.receiving_agency_id):
        raise ApplicationError(ASSIGNEE_NOT_CASE_WORK, field="assignee")
    previous = CaseAssignment.objects.filter(case=case, role=CASE_OFFICER, ended_at__isnull=True).exclude(
        user=assignee)
    for assignment in previous:
        case_assignment_end(actor=actor, assignment=assignment, reason="reassigned")
    return case_assign(actor=actor, case=case, user=assignee, role=CASE_OFFICER)


def access_permission():
    """The django-guardian permission a case grant gives the agency's group (``cases.access_case``)."""
    return Permission.objects.get(content_type=ContentType.objects.get_for_model(Case),
                                  codename="access_case")


def _lock_case_for_grants(case_id: int) -> None:
    # Grant changes on one case queue here (case row first, then its grant rows, in every grant
    # service), so two grants of the same source never race into the one-active-row constraint.
    Case.objects.select_for_update().filter(pk=case_id).values_list("pk", flat=True).first()


@dataclass(frozen=True)
class GrantPlan:
    """What a grant will do, checked and not yet saved: the page's and the API's confirmation step
    repeat it (``confirmation``) before ``case_grant_access`` saves it."""

    agency: Agency
    level: int
    expires_at: datetime | None
    basis: str
    reason: str

    @property
    def shares_identity(self) -> bool:
        return self.level >= AccessLevel.FULL

    @property
    def confirmation(self) -> str:
        """One sentence saying what is shared with whom, until when and on which basis."""
        until = datetime_label(self.expires_at) if self.expires_at else None
        if self.shares_identity:
            return _("Identitas korban dibagikan kepada %(agency)s sampai %(until)s atas dasar "
                     "%(basis)s. Alasan: %(reason)s") % {
                "agency": self.agency.name, "until": until, "basis": GrantBasis(self.basis).label,
                "reason": self.reason}
        if until:
            return _("%(agency)s mendapat akses %(level)s ke kasus ini sampai %(until)s.") % {
                "agency": self.agency.name, "level": AccessLevel(self.level).label, "until": until}
        return _("%(agency)s mendapat akses %(level)s ke kasus ini sampai dicabut.") % {
            "agency": self.agency.name, "level": AccessLevel(self.level).label}


def case_grant_plan(*, actor: User | None, case: Case, agency: Agency, level: int,
                    source: str = GrantSource.MANUAL, expires_at: datetime | None = None,
                    reason: str = "", legal_basis: str = "", check_actor: bool = True) -> GrantPlan:
    """Check a grant without saving it. ``full`` (identity) to another agency needs a reason, and a
    consent covering that agency (``cases.consent.identity_share_consented``: the victim's, the
    parent's or guardian's for a child) or, without one, the head's legal basis (``LEGAL_BASES``);
    it ends after ``settings.IDENTITY_GRANT_DAYS`` unless another end is given. Refusals are found
    together and name their field (``agency``, ``level``, ``reason``, ``legal_basis``,
    ``expires_at``)."""
    from cases.consent import identity_share_consented

    if check_actor and (actor is None or not can_manage_grants(actor, case)):
        raise ActionNotAllowed(GRANT_NOT_ALLOWED)
    if agency.pk == case.receiving_agency_id:
        raise ApplicationError(GRANT_OWN_AGENCY, field="agency")
    if int(level) not in (AccessLevel.SUMMARY, AccessLevel.SERVICE, AccessLevel.FULL):
        raise ApplicationError(GRANT_LEVEL_INVALID, field="level")
    if source not in GrantSource.values:
        raise ApplicationError(GRANT_SOURCE_INVALID)
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        errors["expires_at"] = [GRANT_EXPIRY_PAST]
    reason = (reason or "").strip()
    if len(reason) > limits.SHORT_REASON:
        errors["reason"] = [GRANT_REASON_TOO_LONG]
    basis = ""
    if int(level) >= AccessLevel.FULL:
        if not reason:
            errors["reason"] = [GRANT_REASON_REQUIRED]
        if legal_basis:
            if legal_basis not in LEGAL_BASES:
                errors["legal_basis"] = [GRANT_BASIS_INVALID]
            basis = legal_basis
        elif identity_share_consented(case=case, agency=agency):
            basis = GrantBasis.CONSENT
        else:
            errors["legal_basis"] = [GRANT_CONSENT_OR_BASIS_REQUIRED % {"agency": agency.name}]
        if expires_at is None:
            expires_at = now + timedelta(days=settings.IDENTITY_GRANT_DAYS)
    if errors:
        raise ValidationError(errors)
    return GrantPlan(agency=agency, level=int(level), expires_at=expires_at, basis=basis, reason=reason)


@transaction.atomic
def case_grant_access(*, actor: User | None, case: Case, agency: Agency, level: int,
                      source: str = GrantSource.MANUAL, source_ref: str = "",
                      expires_at: datetime | None = None, reason: str = "", legal_basis: str = "",
                      check_actor: bool = True) -> CaseGrant:
    """Give ``agency`` access to ``case`` from ``source`` (the head's own grant on the case page
    is ``MANUAL``), after the checks of ``case_grant_plan`` (``full`` needs a reason and a consent
    or legal basis, and ends by default). Each source keeps its own row: re-granting the same
    source updates its active row (level, expiry, reference, reason, basis; history keeps the
    earlier state), granting it again after it was revoked opens a new row, and the rows of other
    sources are left as they are.

    ``check_actor=False`` is for another service (signing, emergency referral) whose own
    service has already checked the actor. The head's own grant by an acting head (Plt.) says so
    on the timeline."""
    plan = case_grant_plan(actor=actor, case=case, agency=agency, level=level, source=source,
                           expires_at=expires_at, reason=reason, legal_basis=legal_basis,
                           check_actor=check_actor)
    acting = agency_policies.as_acting_head_payload(actor, case.receiving_agency_id) if check_actor else {}
    _lock_case_for_grants(case.pk)
    grant = (
        CaseGrant.objects.select_for_update()
        .filter(content_object=case, group=agency.group, source=source, revoked_at__isnull=True)
        .first()
    )
    if grant is None:
        grant = CaseGrant(content_object=case, group=agency.group, source=source,
                          permission=access_permission())
    grant.level = plan.level
    grant.source_ref = source_ref
    grant.granted_by = actor
    grant.granted_at = timezone.now()
    grant.expires_at = plan.expires_at
    grant.reason = plan.reason
    grant.basis = plan.basis
    save_with_history(grant, actor=actor)
    events.access_granted(case=case, actor=actor, grantee=agency, level=plan.level, source=source,
                          expires_at=plan.expires_at, as_acting_head=bool(acting), basis=plan.basis)
    return grant


@transaction.atomic
def case_grant_extend(*, actor: User | None, grant: CaseGrant, expires_at: datetime, why: str,
                      as_acting_head: bool = False) -> CaseGrant:
    """Move a temporary grant's expiry later (never earlier, never on a revoked row), with its
    timeline event (``ACCESS_EXTENDED``). The caller's service checked the actor: the head's
    extension of an emergency referral (``triage``), or the meeting's hold while the decision waits
    for signature (``meetings``)."""
    _lock_case_for_grants(grant.content_object_id)
    grant = CaseGrant.objects.select_for_update(of=("self",)).select_related(
        "group__agency", "content_object__receiving_agency").get(pk=grant.pk)
    if grant.revoked_at is not None:
        raise ApplicationError(GRANT_ALREADY_REVOKED)
    if expires_at <= timezone.now():
        raise ApplicationError(GRANT_EXPIRY_PAST, field="expires_at")
    previous = grant.expires_at
    if previous is None or expires_at <= previous:
        return grant  # already as long or longer: nothing to extend
    grant.expires_at = expires_at
    save_with_history(grant, actor=actor, update_fields=["expires_at"])
    events.access_extended(actor=actor, grant=grant, previous=previous, why=why,
                           as_acting_head=as_acting_head)
    return grant


def _revoke(grant: CaseGrant, *, actor: User | None, reason: str, acting: dict) -> CaseGrant:
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor
    grant.revoke_reason = reason[:300]
    save_with_history(grant, actor=actor,
                      update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    events.access_revoked(actor=actor, grant=grant, as_acting_head=bool(acting))
    return grant


@transaction.atomic
def case_revoke_access(*, actor: User | None, grant: CaseGrant, reason: str,
                       check_actor: bool = True) -> CaseGrant:
    """End one grant row (the head's "Cabut" on the case page names the row, hence its source).
    The agency keeps whatever its other sources give."""
    _lock_case_for_grants(grant.content_object_id)
    grant = CaseGrant.objects.select_for_update(of=("self",)).select_related(
        "group__agency", "content_object").get(pk=grant.pk)
    case = grant.content_object
    if check_actor and (actor is None or not can_manage_grants(actor, case)):
        raise ActionNotAllowed(GRANT_NOT_ALLOWED)
    if grant.revoked_at is not None:
        raise ApplicationError(GRANT_ALREADY_REVOKED)
    acting = agency_policies.as_acting_head_payload(actor, case.receiving_agency_id) if check_actor else {}
    return _revoke(grant, actor=actor, reason=reason, acting=acting)


@transaction.atomic
def case_revoke_source(*, actor: User | None, case: Case, source: str, reason: str,
                       agency: Agency | None = None, source_ref: str | None = None,
                       check_actor: bool = True) -> list[CaseGrant]:
    """End what one source gave on ``case``: its active rows — of ``agency`` only, when given, and
    of that ``source_ref`` only (e.g. one signed minutes), when given. Grants from other sources
    stay. Nothing active from that source is not an error: the source has simply ended."""
    if check_actor and (actor is None or not can_manage_grants(actor, case)):
        raise ActionNotAllowed(GRANT_NOT_ALLOWED)
    _lock_case_for_grants(case.pk)
    qs = CaseGrant.objects.select_for_update(of=("self",)).select_related(
        "group__agency", "content_object").filter(content_object=case, source=source,
                                                  revoked_at__isnull=True)
    if agency is not None:
        qs = qs.filter(group=agency.group)
    if source_ref is not None:
        qs = qs.filter(source_ref=source_ref)
    acting = agency_policies.as_acting_head_payload(actor, case.receiving_agency_id) if check_actor else {}
    return [_revoke(g, actor=actor, reason=reason, acting=acting) for g in qs.order_by("id")]


@transaction.atomic
def identity_reveal(*, actor: User, case: Case, reason: str = "", request=None):
    """Return the case's victims with identity, after checking the rule and logging the view.

    FULL access: allowed, logged. Below FULL: only break-the-glass on this case (policies:
    head or acting head of the receiving or a granted agency, or the Ketua), with a reason, logged
    and written to the timeline (an acting head's as such). Anything else: refused (and nothing
    logged as a reveal)."""
    level = case_access_level(actor, case)
    right = may_reveal_on_case(actor, case)
    allowed, reason_required = right.allowed, right.reason_required
    if not allowed:
        raise ActionNotAllowed(REVEAL_NOT_ALLOWED)
    reason = (reason or "").strip()
    if reason_required and len(reason) < 10:
        raise ApplicationError(REVEAL_REASON_REQUIRED, field="reason")
    access_log_record(request=request, user=actor, action=AccessAction.REVEAL_IDENTITY, obj=case,
                      case=case, level=AccessLevel(level).name.lower(), reason=reason)
    if reason_required:
        events.identity_revealed(case=case, actor=actor, level=level,
                                 as_acting_head=bool(reveal_payload(right)))
    return list(case.victims.order_by("id"))
