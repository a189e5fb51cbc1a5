"""Consent records (``cases.models.Consent``): record, withdraw, and what a record covers.

One record per victim and purpose (share with agencies, refer, contact): who gave it (the victim,
a parent or a guardian), when, for which agencies (named ones, or every agency of the integrated
programme), in which form. Withdrawal is written on the record and stops what it covered from
then on: ``consent_covers(..., at=t)`` still answers True for a time before the withdrawal, so a
share made while the consent stood stays lawful and can be shown to have been.

Who may record or withdraw: staff of the case's receiving agency with ``full`` access
(``cases.policies.can_manage_consent``). Registration records the consent it was told of
(``cases.intake.services.complaint_register``).

The child rule (intake's, now read from here by registration and ``consent_record`` alike): a
child's consent is given by a parent or guardian — by the child only when a parent or guardian is
the accused.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, User
from cases import events
from cases.models import (
    CHILD_CONSENT_GIVERS,
    GUARDIAN_RELATIONS,
    Attachment,
    Case,
    ComplaintOutcome,
    Consent,
    ConsentForm,
    ConsentGiver,
    ConsentPurpose,
    ConsentScope,
    PerpetratorLink,
    Victim,
    VictimCategory,
)
from cases.policies import can_manage_consent
from common.audit import save_with_history
from common.errors import ActionNotAllowed, ApplicationError

# Messages shared by pages, API and tests.
CHILD_CONSENT_REQUIRED = _("Korban anak: persetujuan berbagi data diberikan oleh orang tua atau wali "
                           "anak. Anak sendiri hanya boleh memberi persetujuan bila orang tua atau "
                           "walinya adalah terlapor (hubungan terlapor “Orang tua/wali”).")
CONSENT_NOT_ALLOWED = _("Hanya petugas lembaga penerima dengan akses penuh pada kasus ini yang dapat "
                        "mencatat atau menarik persetujuan.")
CONSENT_PURPOSE_UNKNOWN = _("Keperluan persetujuan tidak dikenal.")
CONSENT_GIVER_UNKNOWN = _("Pemberi persetujuan tidak dikenal.")
CONSENT_FORM_UNKNOWN = _("Bentuk persetujuan tidak dikenal.")
CONSENT_SCOPE_UNKNOWN = _("Cakupan persetujuan tidak dikenal.")
CONSENT_AGENCIES_REQUIRED = _("Sebutkan minimal satu lembaga yang disetujui.")
CONSENT_VICTIM_UNKNOWN = _("Korban tidak ditemukan pada kasus ini.")
CONSENT_AGENCY_UNKNOWN = _("Lembaga yang disebut tidak dikenal atau tidak aktif.")
CONSENT_IN_FUTURE = _("Waktu persetujuan tidak boleh di masa depan.")
CONSENT_DOCUMENT_INVALID = _("Pindaian persetujuan harus lampiran pengaduan kasus ini.")
CONSENT_ALREADY_WITHDRAWN = _("Persetujuan ini sudah ditarik.")
WITHDRAWAL_NOTE_REQUIRED = _("Catatan penarikan wajib diisi (kapan dan bagaimana korban/wali menariknya).")

FUTURE_TOLERANCE = timedelta(minutes=1)


# --- the child rule ------------------------------------------------------------------------------

def child_consent_allowed(*, given_by: str, guardian_accused: bool) -> bool:
    """A child's consent: a parent's or guardian's; the child's own only when a parent or guardian
    is the accused (another guardian may still give it)."""
    return given_by in CHILD_CONSENT_GIVERS or (guardian_accused and given_by == ConsentGiver.VICTIM)


def guardian_accused(victim: Victim) -> bool:
    """A parent or guardian *of this victim* is an accused in a complaint of the case (not voided):
    relations are per victim (``PerpetratorLink``) — the father accused by his wife is no guardian
    of hers, but he is of their child."""
    return (PerpetratorLink.objects.filter(victim=victim, relation__in=GUARDIAN_RELATIONS)
            .exclude(perpetrator__complaint__outcome=ComplaintOutcome.VOIDED).exists())



# --- writes --------------------------------------------------------------------------------------

def _agencies_of(ids: Iterable[int]) -> list[Agency]:
    ids = sorted(set(ids))
    return list(Agency.objects.filter(pk__in=ids, is_active=True).order_by("pk")) if ids else []


@transaction.atomic
def consent_record(*, actor: User, victim: Victim, purpose: str, given_by: str,
                   scope: str = ConsentScope.PROGRAMME, agencies: Iterable[Agency] = (),
                   form: str = ConsentForm.ORAL, given_at: datetime | None = None,
                   giver_relation: str = "", giver_name: str = "", document: Attachment | None = None,
                   check_actor: bool = True) -> Consent:
    """Record one victim's consent for one purpose. Refusals name their field; nothing is saved.

    ``check_actor=False`` is for registration, whose own service has checked that the actor is
    staff of the receiving agency (the registering officer holds ``full`` only once assigned)."""
    now = timezone.now()
    case = victim.case
    if check_actor and not can_manage_consent(actor, case):
        raise ActionNotAllowed(CONSENT_NOT_ALLOWED)
    errors: dict[str, list[str]] = {}

    def err(key, msg):
        errors.setdefault(key, []).append(msg)

    if purpose not in ConsentPurpose.values:
        err("purpose", CONSENT_PURPOSE_UNKNOWN)
    if given_by not in ConsentGiver.values:
        err("given_by", CONSENT_GIVER_UNKNOWN)
    elif victim.category == VictimCategory.CHILD and not child_consent_allowed(
            given_by=given_by, guardian_accused=guardian_accused(victim)):
        err("given_by", CHILD_CONSENT_REQUIRED)
    if form not in ConsentForm.values:
        err("form", CONSENT_FORM_UNKNOWN)
    agency_ids = sorted({a.pk for a in agencies})
    if scope == ConsentScope.NAMED_AGENCIES:
        if not agency_ids:
            err("agencies", CONSENT_AGENCIES_REQUIRED)
        elif len(_agencies_of(agency_ids)) != len(agency_ids):
            err("agencies", CONSENT_AGENCY_UNKNOWN)
    elif scope == ConsentScope.PROGRAMME:
        agency_ids = []
    else:
        err("scope", CONSENT_SCOPE_UNKNOWN)
    given_at = given_at or now
    if given_at > now + FUTURE_TOLERANCE:
        err("given_at", CONSENT_IN_FUTURE)
    if document is not None and document.complaint.case_id != case.pk:
        err("document", CONSENT_DOCUMENT_INVALID)
    if errors:
        raise ValidationError(errors)

    by_victim = given_by == ConsentGiver.VICTIM
    consent = Consent(
        case=case, victim=victim, purpose=purpose, given_by=given_by,
        giver_relation="" if by_victim else giver_relation.strip()[:60],
        giver_name="" if by_victim else giver_name.strip(),
        scope=scope, agency_ids=agency_ids, form=form, document=document,
        given_at=min(given_at, now), recorded_by=actor, recorded_at=now,
    )
    consent.full_clean(exclude=["case", "victim", "recorded_by", "document"])
    save_with_history(consent, actor=actor)
    codes = [a.code for a in _agencies_of(agency_ids)]
    events.consent_recorded(actor=actor, consent=consent, agency_codes=codes)
    return consent


@transaction.atomic
def consent_withdraw(*, actor: User, consent: Consent, note: str, check_actor: bool = True) -> Consent:
    """Withdraw a consent now: from this moment it covers nothing; before it, it still did. The
    record stays, with who withdrew it, when, and the note (encrypted: it may name people)."""
    consent = Consent.objects.select_for_update(of=("self",)).select_related("case").get(pk=consent.pk)
    if check_actor and not can_manage_consent(actor, consent.case):
        raise ActionNotAllowed(CONSENT_NOT_ALLOWED)
    if consent.withdrawn_at is not None:
        raise ApplicationError(CONSENT_ALREADY_WITHDRAWN)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [WITHDRAWAL_NOTE_REQUIRED]})
    consent.withdrawn_at = max(timezone.now(), consent.given_at)
    consent.withdrawn_by = actor
    consent.withdrawal_note = note
    save_with_history(consent, actor=actor, update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_note"])
    events.consent_withdrawn(actor=actor, consent=consent)
    _end_identity_grants_no_longer_consented(actor=actor, case=consent.case)
    return consent


#: Written on a ``full`` grant ended because the consent it rested on was withdrawn.
GRANT_ENDED_BY_WITHDRAWAL = "persetujuan yang menjadi dasar pemberian identitas ditarik"


def _end_identity_grants_no_longer_consented(*, actor: User, case: Case) -> None:
    """A ``full`` grant that rested on consent ends when no consent covers its agency any more
    (docs/access.md "Sharing identity"); one on the head's legal basis stays."""
    from cases.models import AccessLevel, CaseGrant, GrantBasis
    from cases.services import case_revoke_access

    grants = (CaseGrant.objects.filter(content_object=case, level__gte=AccessLevel.FULL,
                                       basis=GrantBasis.CONSENT, revoked_at__isnull=True)
              .select_related("group__agency").order_by("id"))
    for grant in grants:
        if not identity_share_consented(case=case, agency=grant.group.agency):
            case_revoke_access(actor=actor, grant=grant, reason=GRANT_ENDED_BY_WITHDRAWAL, check_actor=False)


# --- reads: what a consent covers -----------------------------------------------------------------

def covering(*, purpose: str, agency: Agency | None = None, at: datetime | None = None) -> Q:
    """The consents (a ``Q`` on ``Consent``) that cover ``purpose`` for ``agency`` at ``at`` (now
    by default): given by then, not withdrawn by then, and naming the agency or the whole
    programme. Without an agency only programme-wide consents count ("every agency")."""
    at = at or timezone.now()
    q = Q(purpose=purpose, given_at__lte=at) & (Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at))
    scope = Q(scope=ConsentScope.PROGRAMME)
    if agency is not None:
        scope |= Q(scope=ConsentScope.NAMED_AGENCIES, agency_ids__contains=[agency.pk])
    return q & scope


def victim_covered(*, purpose: str, agency: Agency | None = None, at: datetime | None = None,
                   victim=None) -> Exists:
    """``Exists`` for a ``Victim`` queryset (or ``victim=OuterRef(...)`` elsewhere): the victim has
    a consent covering ``purpose`` for ``agency`` at ``at``."""
    return Exists(Consent.objects.filter(covering(purpose=purpose, agency=agency, at=at),
                                         victim=victim if victim is not None else OuterRef("pk")))


def case_victims(case=None) -> QuerySet[Victim]:
    """The victims whose consent a case needs: those of its complaints that are not voided."""
    return (Victim.objects.filter(case=case if case is not None else OuterRef("pk"))
            .exclude(complaint__outcome=ComplaintOutcome.VOIDED))


def case_covered(*, purpose: str, agency: Agency | None = None, at: datetime | None = None,
                 case=None) -> Q:
    """A condition for a ``Case`` queryset (or ``case=OuterRef(...)``): the case has victims and
    every one of them has a covering consent — sharing a case shares all its victims."""
    victims = case_victims(case)
    uncovered = victims.exclude(victim_covered(purpose=purpose, agency=agency, at=at))
    return Q(Exists(victims)) & ~Q(Exists(uncovered))


def consent_covers(*, purpose: str, victim: Victim | None = None, case: Case | None = None,
                   agency: Agency | None = None, at: datetime | None = None) -> bool:
    """Does a consent cover ``purpose`` for ``agency`` at ``at`` (now by default) — for one
    victim, or for every victim of a case? (Exactly one of ``victim`` and ``case``.)"""
    if (victim is None) == (case is None):
        raise TypeError("consent_covers needs exactly one of victim= and case=")
    at = at or timezone.now()
    if victim is not None:
        return Consent.objects.filter(covering(purpose=purpose, agency=agency, at=at), victim=victim).exists()
    return Case.objects.filter(case_covered(purpose=purpose, agency=agency, at=at, case=case.pk),
                               pk=case.pk).exists()


def case_consents(*, case: Case) -> list[Consent]:
    """The case's consents for the case page and API, oldest first, each with ``agencies`` (the
    named agencies, in one query for all)."""
    consents = list(Consent.objects.filter(case=case)
                    .select_related("victim", "recorded_by", "withdrawn_by").order_by("given_at", "id"))
    names = {a.pk: a for a in Agency.objects.filter(
        pk__in={pk for c in consents for pk in c.agency_ids})} if consents else {}
    for c in consents:
        c.agencies = [names[pk] for pk in c.agency_ids if pk in names]
    return consents


def consent_get_for_case(*, case: Case, id) -> Consent:
    """A consent of ``case`` (already fetched through ``case_get_for_user``); Http404 otherwise."""
    from django.http import Http404

    try:
        pk = int(id)
    except (TypeError, ValueError):
        raise Http404 from None
    consent = Consent.objects.filter(pk=pk, case=case).first()
    if consent is None:
        raise Http404
    return consent


def identity_share_consented(*, case: Case, agency: Agency, at: datetime | None = None) -> bool:
    """May the victims' identity be shared with ``agency`` on their consent (docs/access.md
    "Sharing identity")? Every victim of the case (its complaints not voided) has a "share" consent
    covering the agency at ``at`` — for a child, one given by a parent or guardian (the child's own
    only when a parent or guardian is the accused). A case without victims has no consent."""
    victims = list(case_victims(case).only("pk", "category"))
    if not victims:
        return False
    at = at or timezone.now()
    givers: dict[int, set[str]] = {}
    covered = Consent.objects.filter(covering(purpose=ConsentPurpose.SHARE, agency=agency, at=at),
                                     victim__in=[v.pk for v in victims])
    for victim_id, given_by in covered.values_list("victim_id", "given_by"):
        givers.setdefault(victim_id, set()).add(given_by)

    def consented(victim) -> bool:
        given = givers.get(victim.pk, set())
        if victim.category != VictimCategory.CHILD:
            return bool(given)
        # A child's own consent counts only when a parent or guardian *of hers* is the accused.
        allowed = set(CHILD_CONSENT_GIVERS) | ({ConsentGiver.VICTIM} if guardian_accused(victim) else set())
        return bool(given & allowed)

    return all(consented(v) for v in victims)
