"""Writes for agencies, memberships, signing delegations and acting heads (Plt.)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies import policies
from agencies.models import (
    CASE_WORK_ROLES,
    TEAM_ROLES,
    ActingHead,
    Agency,
    AgencyKind,
    Language,
    Membership,
    Role,
    Service,
    SigningDelegation,
    User,
)
from agencies.selectors import clear_user_context
from common.audit import save_with_history
from common.errors import ActionNotAllowed, ApplicationError

DELEGATION_PERIOD_INVALID = _("Periode penunjukan tidak valid: tanggal akhir sebelum tanggal mulai.")
DELEGATION_ALREADY_REVOKED = _("Penunjukan pejabat penandatangan ini sudah dicabut.")
DELEGATION_NOT_ALLOWED = _("Hanya Ketua Tim Percepatan yang dapat menunjuk pejabat penandatangan.")
DELEGATION_REVOKE_NOT_ALLOWED = _("Hanya Ketua Tim Percepatan atau administrator sistem yang dapat "
                                  "mencabut penunjukan pejabat penandatangan.")
DELEGATION_DECREE_REQUIRED = _("Nomor surat keputusan penunjukan wajib diisi.")
DELEGATION_START_PAST = _("Tanggal mulai penunjukan tidak boleh di masa lalu.")
DELEGATION_OFFICIAL_INVALID = _("Pejabat yang ditunjuk harus anggota aktif Tim Percepatan selain Ketua "
                                "sendiri.")
ACTING_HEAD_NOT_ALLOWED = _(
    "Hanya kepala lembaga ini atau administrator sistem yang dapat menunjuk Plt. kepala.")
ACTING_HEAD_END_NOT_ALLOWED = _(
    "Hanya kepala lembaga ini atau administrator sistem yang dapat mengakhiri penunjukan Plt. kepala.")
ACTING_HEAD_NOT_MEMBER = _("Plt. kepala harus petugas aktif lembaga ini pada tanggal mulai.")
ACTING_HEAD_IS_HEAD = _("Pengguna ini sudah kepala lembaga ini.")
ACTING_HEAD_PERIOD_INVALID = _("Periode Plt. tidak valid: tanggal akhir sebelum tanggal mulai.")
ACTING_HEAD_START_PAST = _("Tanggal mulai Plt. tidak boleh di masa lalu.")
ACTING_HEAD_OVERLAP = _("Lembaga ini sudah memiliki Plt. kepala pada sebagian periode tersebut.")
ACTING_HEAD_REFERENCE_REQUIRED = _("Nomor surat perintah penunjukan Plt. wajib diisi.")
ACTING_HEAD_ALREADY_ENDED = _("Penunjukan Plt. ini sudah berakhir.")
ACTING_HEAD_END_PAST = _("Penunjukan Plt. tidak dapat diakhiri mundur ke tanggal yang sudah lewat.")
ACTING_HEAD_END_AFTER = _("Tanggal pengakhiran sesudah akhir periode Plt.")
LANGUAGE_UNKNOWN = _("Bahasa antarmuka tidak dikenal.")


@transaction.atomic
def agency_create(*, actor: User | None, code: str, name: str, kind: str, institution: str,
                  region: str, parent: Agency | None = None,
                  services: list[Service] | None = None,
                  receives_complaints: bool | None = None) -> Agency:
    """A new agency and its permission group. ``receives_complaints`` left out starts from the
    kind (``AgencyKind.receiving_by_default``); the setting is the agency's own afterwards."""
    group, _ = Group.objects.get_or_create(name=f"agency:{code}")
    if receives_complaints is None:
        receives_complaints = kind in AgencyKind.receiving_by_default()
    agency = Agency(code=code, name=name, kind=kind, institution=institution, region=region,
                    parent=parent, group=group, receives_complaints=receives_complaints)
    agency.full_clean()
    save_with_history(agency, actor=actor, reason="agency_create")
    if services:
        agency.services.set(services)
    return agency


@transaction.atomic
def membership_create(*, actor: User | None, user: User, agency: Agency, role: str,
                      valid_from: date | None = None, valid_until: date | None = None) -> Membership:
    m = Membership(user=user, agency=agency, role=role)
    if valid_from:
        m.valid_from = valid_from
    m.valid_until = valid_until
    m.full_clean()
    save_with_history(m, actor=actor, reason="membership_create")
    clear_user_context(user)
    return m


@transaction.atomic
def membership_update(*, actor: User | None, membership: Membership, agency: Agency, role: str,
                      valid_from: date, valid_until: date | None) -> Membership:
    """Change a membership's agency, role or period (an officer who moves, a corrected date). The
    person stays: another person is another membership. History keeps the earlier state."""
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    membership.agency, membership.role = agency, role
    membership.valid_from, membership.valid_until = valid_from, valid_until
    membership.full_clean()
    save_with_history(membership, actor=actor, reason="membership_update",
                      update_fields=["agency", "role", "valid_from", "valid_until"])
    clear_user_context(membership.user)
    return membership


@transaction.atomic
def membership_end(*, actor: User | None, membership: Membership, on: date) -> Membership:
    membership.valid_until = on
    membership.full_clean()
    save_with_history(membership, actor=actor, update_fields=["valid_until"], reason="membership_end")
    clear_user_context(membership.user)
    return membership


@transaction.atomic
def delegation_grant(*, actor: User, official: User, valid_from: date, valid_until: date,
                     decree_number: str, reason: str = "") -> SigningDelegation:
    """The Ketua designates ``official`` to sign in her stead from ``valid_from`` to
    ``valid_until`` (both included), by her decree ``decree_number`` (SKB E.1.c). Only the Ketua
    grants it (never typed in the admin); the official is an active member of the Tim Percepatan;
    a designation never starts in the past (what was signed before stays the chair's)."""
    if not policies.may_designate_signing_official(actor):
        raise ActionNotAllowed(DELEGATION_NOT_ALLOWED)
    decree_number = (decree_number or "").strip()
    errors: dict[str, list[str]] = {}
    if not decree_number:
        errors["decree_number"] = [DELEGATION_DECREE_REQUIRED]
    if official is None or official.pk == actor.pk or not official.is_active or not (
            Membership.objects.active(valid_from).filter(user=official, role__in=list(TEAM_ROLES))
            .exclude(role=Role.TP_KETUA).exists()):
        errors["official"] = [DELEGATION_OFFICIAL_INVALID]
    if valid_from is None or valid_from < timezone.localdate():
        errors["valid_from"] = [DELEGATION_START_PAST]
    elif valid_until is None or valid_until < valid_from:
        errors["valid_until"] = [DELEGATION_PERIOD_INVALID]
    if errors:
        field, messages = next(iter(errors.items()))
        raise ApplicationError(messages[0], field=field)
    reason = (reason or "").strip() or f"SK Ketua Tim Percepatan No. {decree_number}"
    d = SigningDelegation(official=official, granted_by=actor, valid_from=valid_from,
                          valid_until=valid_until, decree_number=decree_number[:100], reason=reason[:300])
    d.full_clean()
    save_with_history(d, actor=actor, reason="delegation_grant")
    return d


@transaction.atomic
def delegation_revoke(*, actor: User, delegation: SigningDelegation) -> SigningDelegation:
    """End a delegation from now on: what was signed under it stays signed, and answerable."""
    if not policies.may_revoke_signing_delegation(actor):
        raise ActionNotAllowed(DELEGATION_REVOKE_NOT_ALLOWED)
    delegation = SigningDelegation.objects.select_for_update().get(pk=delegation.pk)
    if delegation.revoked_at is not None:
        raise ApplicationError(DELEGATION_ALREADY_REVOKED)
    delegation.revoked_at = timezone.now()
    save_with_history(delegation, actor=actor, update_fields=["revoked_at"], reason="delegation_revoke")
    return delegation


@transaction.atomic
def acting_head_appoint(*, actor: User, agency: Agency, user: User, start: date, end: date,
                        reference: str) -> ActingHead:
    """Name ``user`` acting head (Plt.) of ``agency`` from ``start`` to ``end`` (both included),
    on the written order ``reference``. Only the head of that agency or a system administrator
    appoints; the acting head must be staff of the agency on ``start``. One acting head per
    agency at a time; a delegation never starts in the past (what was done before it stays the
    head's)."""
    if not policies.may_appoint_acting_head(actor, agency.pk):
        raise ActionNotAllowed(ACTING_HEAD_NOT_ALLOWED)
    # Appointments of one agency queue here, so two overlapping ones cannot both pass the check.
    Agency.objects.select_for_update().filter(pk=agency.pk).values_list("pk", flat=True).first()
    reference = (reference or "").strip()
    errors: dict[str, list[str]] = {}
    if not reference:
        errors["reference"] = [ACTING_HEAD_REFERENCE_REQUIRED]
    if start < timezone.localdate():
        errors["start"] = [ACTING_HEAD_START_PAST]
    if end < start:
        errors["end"] = [ACTING_HEAD_PERIOD_INVALID]
    members = Membership.objects.active(start).filter(user=user, agency=agency)
    if not members.filter(role__in=list(CASE_WORK_ROLES)).exists():
        errors["user"] = [ACTING_HEAD_NOT_MEMBER]
    elif members.filter(role=policies.HEAD_ROLE).exists():
        errors["user"] = [ACTING_HEAD_IS_HEAD]
    if not errors and any(
        other.last_day is not None and other.start <= end and start <= other.last_day
        for other in ActingHead.objects.filter(agency=agency, end__gte=start, start__lte=end)
    ):
        errors["start"] = [ACTING_HEAD_OVERLAP]
    if errors:
        raise ValidationError(errors)
    acting = ActingHead(agency=agency, user=user, start=start, end=end, reference=reference,
                        granted_by=actor)
    acting.full_clean()
    save_with_history(acting, actor=actor, reason="acting_head_appoint")
    clear_user_context(user)
    return acting


@transaction.atomic
def acting_head_end(*, actor: User, acting_head: ActingHead, on: date | None = None) -> ActingHead:
    """End a delegation early (the head is back): from ``on`` (today by default) it no longer
    covers. The days it covered stay answerable, and what was done on them stays done as acting
    head. Only the head of the agency or a system administrator ends it."""
    acting_head = ActingHead.objects.select_for_update().select_related("user").get(pk=acting_head.pk)
    if not policies.may_appoint_acting_head(actor, acting_head.agency_id):
        raise ActionNotAllowed(ACTING_HEAD_END_NOT_ALLOWED)
    today = timezone.localdate()
    on = on or today
    if acting_head.ended_on is not None or acting_head.end < today:
        raise ApplicationError(ACTING_HEAD_ALREADY_ENDED)
    if on < today:
        raise ApplicationError(ACTING_HEAD_END_PAST)
    if on > acting_head.end:
        raise ApplicationError(ACTING_HEAD_END_AFTER)
    acting_head.ended_on = on
    acting_head.ended_by = actor
    save_with_history(acting_head, actor=actor, update_fields=["ended_on", "ended_by"],
                      reason="acting_head_end")
    clear_user_context(acting_head.user)
    return acting_head


def user_language_set(*, actor: User, language: str) -> User:
    """Remember the interface language the signed-in user chose on her own profile."""
    if language not in Language.values:
        raise ApplicationError(LANGUAGE_UNKNOWN, field="language")
    if actor.language != language:
        actor.language = language
        actor.save(update_fields=["language"])
    return actor
