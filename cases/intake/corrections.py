"""Corrections with a trace (issue 12 point 2): correct a complaint, a victim, the reporter or a
perpetrator, or add a victim or a perpetrator to a complaint already registered.

Who: ``cases.policies.may_correct`` (the receiving agency's head, acting head and admin officers, and
the assigned officer). Every write needs a reason and is one transaction: the record is saved with
history (simple-history keeps every value, the audited store), a ``Correction`` row says which
fields changed, by whom and why (the reason encrypted), and the timeline gets ``DATA_CORRECTED`` or
``PERSON_ADDED`` naming the fields — never their values. A refusal names its field; nothing is saved.

Follow-ups, each in the same transaction:
- the first victim's name corrected: the case's initials follow, from now on (signed minutes are
  signed PDFs and keep what they printed);
- ``received_at`` corrected: the due time is recomputed; a recorded warning or breach is never
  deleted, and a new due time already past is breached at once (``cases.sla``);
- a victim added, or a victim's category or age corrected: the triage that read the old facts is
  marked as needing review (``cases.signals.triage_facts_changed``); a child added with a consent
  is checked by the child-consent rule (``cases.consent``);
- a perpetrator's relation is per victim (``PerpetratorLink``): adding a victim asks what each
  perpetrator is to her; adding a perpetrator asks what they are to each victim.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import User
from cases import events
from cases.consent import child_consent_allowed, consent_record
from cases.intake.services import (
    ALREADY_VOIDED,
    CHRONOLOGY_REQUIRED,
    DKI_REGIONS,
    NAME_REQUIRED,
    NIK_INVALID,
    RECEIVED_IN_FUTURE,
    REGION_UNKNOWN,
    RELATION_UNKNOWN,
    VIOLENCE_TYPE_REQUIRED,
    VIOLENCE_TYPE_UNKNOWN,
    PerpetratorInput,
    VictimInput,
    age_at,
    initials_of,
    perpetrator_links_create,
)
from cases.models import (
    GUARDIAN_RELATIONS,
    RESPONSE_SLA,
    AgeBand,
    Case,
    Channel,
    Complaint,
    ComplaintOutcome,
    ConsentBy,
    ConsentForm,
    ConsentPurpose,
    ConsentScope,
    Correction,
    CorrectionTarget,
    DisabilityType,
    Perpetrator,
    PerpetratorLink,
    PerpetratorRelation,
    Reporter,
    Sex,
    Victim,
    VictimCategory,
    ViolenceForm,
    ViolenceType,
)
from cases.policies import may_correct
from cases.signals import triage_facts_changed
from common import crypto, limits
from common.audit import save_with_history
from common.errors import ActionNotAllowed, ApplicationError

# Messages shared by pages, API and tests.
CORRECT_NOT_ALLOWED = _("Hanya kepala, petugas administrasi lembaga penerima dan petugas yang ditugaskan "
                        "yang dapat mengoreksi data pengaduan ini.")
REASON_REQUIRED = _("Alasan koreksi wajib diisi.")
NOTHING_CHANGED = _("Tidak ada data yang berubah: ubah minimal satu isian.")
RECEIVED_AFTER_REGISTERED = _("Waktu terima tidak boleh setelah pengaduan dicatat.")
RECEIVED_AFTER_RESPONSE = _("Waktu terima tidak boleh setelah respons awal.")
CHANNEL_UNKNOWN = _("Saluran pengaduan tidak dikenal.")
CATEGORY_UNKNOWN = _("Kategori korban tidak dikenal.")
SEX_UNKNOWN = _("Jenis kelamin tidak dikenal.")
DISABILITY_UNKNOWN = _("Jenis disabilitas tidak dikenal.")
AGE_INVALID = _("Perkiraan usia harus antara 0 dan 120 tahun.")
DOB_IN_FUTURE = _("Tanggal lahir tidak boleh di masa depan.")
RELATION_REQUIRED = _("Pilih hubungan terlapor dengan korban ini.")
RELATION_VICTIM_UNKNOWN = _("Korban tidak ditemukan pada pengaduan ini.")
TOO_MANY_PEOPLE = _("Satu pengaduan paling banyak memuat %(n)s korban atau terlapor.")
CHILD_CONSENT_ON_ADD = _("Korban anak: persetujuan berbagi data harus diberikan orang tua atau wali — "
                         "anak sendiri hanya bila orang tua/walinya adalah terlapor.")

COMPLAINT_FIELDS = ("channel", "received_at", "violence_types", "violence_forms", "incident_date",
                    "incident_place", "incident_region", "chronology", "stated_needs", "stated_needs_note",
                    "safe_to_contact", "safe_contact")
VICTIM_FIELDS = ("full_name", "category", "sex", "nik", "phone", "address", "date_of_birth",
                 "estimated_age", "disability", "region", "kecamatan")
REPORTER_FIELDS = ("is_victim", "full_name", "phone", "address", "relation")
PERPETRATOR_FIELDS = ("full_name", "power_relation", "public_official")
#: Victim fields the triage reads (``triage.rules.facts_for``): correcting one asks for a review.
TRIAGE_FACTS = frozenset({"category", "sex", "date_of_birth", "estimated_age"})


# --- common steps ----------------------------------------------------------------------------------

def _lock(complaint: Complaint) -> Complaint:
    return (Complaint.objects.select_for_update(of=("self",)).select_related("case", "receiving_agency")
            .get(pk=complaint.pk))


def _check(actor: User, complaint: Complaint, reason: str) -> str:
    """Who may, and the reason: refused before anything else is looked at."""
    if not may_correct(actor, complaint):
        raise ActionNotAllowed(CORRECT_NOT_ALLOWED)
    if complaint.outcome == ComplaintOutcome.VOIDED:
        raise ApplicationError(ALREADY_VOIDED)
    return (reason or "").strip()


def _reason_errors(reason: str) -> dict[str, list[str]]:
    if not reason:
        return {"reason": [str(REASON_REQUIRED)]}
    return limits.length_errors(Correction, {"reason": reason})


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _changed(instance, changes: dict, allowed: tuple[str, ...]) -> list[str]:
    """Set the allowed fields of ``changes`` that differ from ``instance``; their names, in order."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"Not correctable here: {sorted(unknown)}")
    names = []
    for name in allowed:
        if name in changes and getattr(instance, name) != changes[name]:
            setattr(instance, name, changes[name])
            names.append(name)
    return names


def _record(*, actor: User, complaint: Complaint, target: str, target_id: int, fields: list[str],
            reason: str, added: bool = False) -> Correction:
    correction = Correction(case=complaint.case, complaint=complaint, target=target, target_id=target_id,
                            fields=fields, reason=reason, corrected_by=actor, added=added)
    correction.save()
    return correction


def _relation_errors(relations: dict[int, str], *, ids: set[int], key: str) -> dict[str, list[str]]:
    """Every id in ``ids`` needs a known relation; no other id may be named."""
    errors: dict[str, list[str]] = {}
    for other in set(relations) - ids:
        errors.setdefault(f"{key}-{other}", []).append(str(RELATION_VICTIM_UNKNOWN))
    for i in sorted(ids):
        value = relations.get(i, "")
        if not value:
            errors.setdefault(f"{key}-{i}", []).append(str(RELATION_REQUIRED))
        elif value not in PerpetratorRelation.values:
            errors.setdefault(f"{key}-{i}", []).append(str(RELATION_UNKNOWN))
    return errors


# --- the complaint ---------------------------------------------------------------------------------

def _complaint_errors(c: Complaint, fields: list[str], *, now: datetime) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def err(key, msg):
        errors.setdefault(key, []).append(str(msg))

    if "channel" in fields and c.channel not in Channel.values:
        err("channel", CHANNEL_UNKNOWN)
    if "received_at" in fields:
        if c.received_at is None or c.received_at > now + timedelta(minutes=1):
            err("received_at", RECEIVED_IN_FUTURE)
        elif c.received_at > c.registered_at:
            err("received_at", RECEIVED_AFTER_REGISTERED)
        elif c.responded_at is not None and c.received_at > c.responded_at:
            err("received_at", RECEIVED_AFTER_RESPONSE)
    if "violence_types" in fields:
        if not c.violence_types:
            err("violence_types", VIOLENCE_TYPE_REQUIRED)
        elif set(c.violence_types) - set(ViolenceType.values):
            err("violence_types", VIOLENCE_TYPE_UNKNOWN)
    if "violence_forms" in fields and set(c.violence_forms) - set(ViolenceForm.values):
        err("violence_forms", VIOLENCE_TYPE_UNKNOWN)
    if "chronology" in fields and not (c.chronology or "").strip():
        err("chronology", CHRONOLOGY_REQUIRED)
    if "incident_region" in fields and c.incident_region and c.incident_region not in DKI_REGIONS:
        err("incident_region", REGION_UNKNOWN)
    texts = {f: getattr(c, f) for f in ("incident_place", "chronology", "stated_needs_note", "safe_contact")
             if f in fields}
    errors |= limits.length_errors(Complaint, texts)
    return errors


@transaction.atomic
def complaint_correct(*, actor: User, complaint: Complaint, changes: dict, reason: str) -> Correction:
    """Correct the complaint's own fields (``COMPLAINT_FIELDS``). ``received_at`` moves the due
    time (``received_at`` + 24 h); a warning or breach already recorded stays recorded, and a due
    time now past is breached at once."""
    complaint = _lock(complaint)
    reason = _check(actor, complaint, reason)
    changes = dict(changes)
    for key in ("violence_types", "violence_forms"):
        if key in changes:
            changes[key] = sorted(set(changes[key] or []))
    if "stated_needs" in changes:
        changes["stated_needs"] = list(dict.fromkeys(changes["stated_needs"] or []))
    for key in ("chronology", "incident_place", "stated_needs_note", "safe_contact"):
        if key in changes:
            changes[key] = (changes[key] or "").strip()
    now = timezone.now()
    fields = _changed(complaint, changes, COMPLAINT_FIELDS)
    errors = _reason_errors(reason) | _complaint_errors(complaint, fields, now=now)
    _raise(errors)
    if not fields:
        raise ValidationError({"__all__": [str(NOTHING_CHANGED)]})
    due_at = None
    update = list(fields)
    if "received_at" in fields:
        complaint.response_due_at = due_at = complaint.received_at + RESPONSE_SLA
        update.append("response_due_at")
    save_with_history(complaint, actor=actor, update_fields=update, reason="complaint_correct")
    if "violence_types" in fields:
        _case_violence_types_refresh(actor=actor, case=complaint.case)
    correction = _record(actor=actor, complaint=complaint, target=CorrectionTarget.COMPLAINT,
                         target_id=complaint.pk, fields=fields, reason=reason)
    events.data_corrected(actor=actor, correction=correction, due_at=due_at)
    if due_at is not None and complaint.responded_at is None:
        from cases.sla import sla_check_complaint

        # The new due time may already be past: breached now, not at the next sweep. Never a delete.
        sla_check_complaint(complaint=complaint, now=now)
    return correction


def _case_violence_types_refresh(*, actor: User, case: Case) -> None:
    case = Case.objects.select_for_update().get(pk=case.pk)
    types = sorted({t for c in case.complaints.exclude(outcome=ComplaintOutcome.VOIDED)
                    for t in c.violence_types})
    if types != case.violence_types:
        case.violence_types = types
        save_with_history(case, actor=actor, update_fields=["violence_types", "updated_at"])


# --- victims ---------------------------------------------------------------------------------------

def _victim_errors(v: Victim, fields: list[str] | tuple[str, ...], *, prefix: str = "") -> dict:
    errors: dict[str, list[str]] = {}

    def err(key, msg):
        errors.setdefault(prefix + key, []).append(str(msg))

    if "full_name" in fields and not (v.full_name or "").strip():
        err("full_name", NAME_REQUIRED)
    if "nik" in fields and v.nik and not re.fullmatch(r"\d{16}", re.sub(r"[\s.-]", "", v.nik)):
        err("nik", NIK_INVALID)
    if "region" in fields and v.region and v.region not in DKI_REGIONS:
        err("region", REGION_UNKNOWN)
    if "category" in fields and v.category not in VictimCategory.values:
        err("category", CATEGORY_UNKNOWN)
    if "sex" in fields and v.sex not in Sex.values:
        err("sex", SEX_UNKNOWN)
    if "disability" in fields and v.disability not in DisabilityType.values:
        err("disability", DISABILITY_UNKNOWN)
    if "estimated_age" in fields and v.estimated_age is not None and not 0 <= v.estimated_age <= 120:
        err("estimated_age", AGE_INVALID)
    if "date_of_birth" in fields and v.date_of_birth and v.date_of_birth > timezone.localdate().isoformat():
        err("date_of_birth", DOB_IN_FUTURE)
    texts = {f: getattr(v, f) or "" for f in ("full_name", "nik", "phone", "address") if f in fields}
    errors |= limits.length_errors(Victim, texts, prefix=prefix)
    return errors


def _victim_derive(v: Victim, complaint: Complaint) -> None:
    """Initials, blind indexes and the age band from the identity as it now stands."""
    v.full_name = (v.full_name or "").strip()
    v.nik = crypto.normalise_nik(v.nik or "")
    v.phone = (v.phone or "").strip()
    v.address = (v.address or "").strip()
    v.initials = initials_of(v.full_name)
    nik, phone = v.nik, crypto.normalise_phone(v.phone)
    v.nik_index = crypto.blind_index("nik", nik) if nik else ""
    v.phone_index = crypto.blind_index("phone", phone) if phone else ""
    v.name_index = [crypto.blind_index("name", t) for t in crypto.name_tokens(v.full_name)]
    incident_day = complaint.incident_date or timezone.localdate(complaint.received_at)
    dob = date.fromisoformat(v.date_of_birth) if v.date_of_birth else None
    v.age_band_at_incident = AgeBand.for_age(age_at(dob, v.estimated_age, incident_day))


def _victim_changes(changes: dict) -> dict:
    changes = dict(changes)
    if "date_of_birth" in changes:
        dob = changes["date_of_birth"]
        changes["date_of_birth"] = dob.isoformat() if isinstance(dob, date) else (dob or "")
    if "nik" in changes:
        changes["nik"] = crypto.normalise_nik(changes["nik"] or "")
    for key in ("full_name", "phone", "address", "region", "kecamatan", "disability"):
        if key in changes:
            changes[key] = (changes[key] or "").strip()
    return changes


def _first_victim_id(case: Case) -> int | None:
    return Victim.objects.filter(case=case).order_by("id").values_list("id", flat=True).first()


@transaction.atomic
def victim_correct(*, actor: User, victim: Victim, changes: dict, reason: str) -> Correction:
    """Correct a victim (``VICTIM_FIELDS``). The first victim's name sets the case's initials from
    now on; a change the triage read (category, sex, age) marks the triage for review."""
    if victim.complaint_id is None:  # not registered through a complaint: nothing to correct it by
        raise ApplicationError(RELATION_VICTIM_UNKNOWN)
    complaint = _lock(victim.complaint)
    victim = Victim.objects.select_for_update().get(pk=victim.pk)
    reason = _check(actor, complaint, reason)
    fields = _changed(victim, _victim_changes(changes), VICTIM_FIELDS)
    _raise(_reason_errors(reason) | _victim_errors(victim, fields))
    if not fields:
        raise ValidationError({"__all__": [str(NOTHING_CHANGED)]})
    _victim_derive(victim, complaint)
    save_with_history(victim, actor=actor, reason="victim_correct")
    if "full_name" in fields and _first_victim_id(complaint.case) == victim.pk:
        case = Case.objects.select_for_update().get(pk=complaint.case_id)
        if case.initials != victim.initials:
            case.initials = victim.initials
            save_with_history(case, actor=actor, update_fields=["initials", "updated_at"])
    correction = _record(actor=actor, complaint=complaint, target=CorrectionTarget.VICTIM,
                         target_id=victim.pk, fields=fields, reason=reason)
    events.data_corrected(actor=actor, correction=correction)
    if TRIAGE_FACTS & set(fields):
        triage_facts_changed.send(sender=Victim, complaint=complaint, actor=actor, reason="victim_corrected")
    return correction


@transaction.atomic
def victim_add(*, actor: User, complaint: Complaint, data: VictimInput, relations: dict[int, str],
               reason: str, consent_by: str = ConsentBy.NONE, consent_form: str = ConsentForm.ORAL) -> Victim:
    """Add a victim to a registered complaint. ``relations``: what each perpetrator of the complaint
    (by id) is to her — one for every perpetrator. A consent given with her is recorded, checked by
    the child-consent rule (the child herself only when a parent or guardian is among the accused
    *of her*). The triage marked for review."""
    complaint = _lock(complaint)
    reason = _check(actor, complaint, reason)
    perpetrator_ids = set(complaint.perpetrators.values_list("id", flat=True))
    relations = {int(k): v for k, v in (relations or {}).items()}
    victim = Victim(case=complaint.case, complaint=complaint, category=data.category, sex=data.sex,
                    **_victim_changes({
                        "full_name": data.full_name, "nik": data.nik, "phone": data.phone,
                        "address": data.address, "date_of_birth": data.date_of_birth,
                        "disability": data.disability, "region": data.region, "kecamatan": data.kecamatan}),
                    estimated_age=data.estimated_age)
    errors = _reason_errors(reason) | _victim_errors(victim, VICTIM_FIELDS)
    errors |= _relation_errors(relations, ids=perpetrator_ids, key="relation")
    if complaint.victims.count() >= limits.PEOPLE_PER_COMPLAINT:
        errors.setdefault("__all__", []).append(str(TOO_MANY_PEOPLE % {"n": limits.PEOPLE_PER_COMPLAINT}))
    if consent_by not in ConsentBy.values:
        errors.setdefault("consent_by", []).append(str(_("Pemberi persetujuan tidak dikenal.")))
    elif consent_by != ConsentBy.NONE and data.category == VictimCategory.CHILD and not child_consent_allowed(
            given_by=consent_by, guardian_accused=any(r in GUARDIAN_RELATIONS for r in relations.values())):
        errors.setdefault("consent_by", []).append(str(CHILD_CONSENT_ON_ADD))
    if consent_form not in ConsentForm.values:
        errors.setdefault("consent_form", []).append(str(_("Bentuk persetujuan tidak dikenal.")))
    _raise(errors)
    _victim_derive(victim, complaint)
    save_with_history(victim, actor=actor, reason="victim_add")
    for perpetrator in complaint.perpetrators.order_by("id"):
        link = PerpetratorLink(perpetrator=perpetrator, victim=victim, relation=relations[perpetrator.pk])
        save_with_history(link, actor=actor, reason="victim_add")
    correction = _record(actor=actor, complaint=complaint, target=CorrectionTarget.VICTIM,
                         target_id=victim.pk, fields=[], reason=reason, added=True)
    events.person_added(actor=actor, correction=correction)
    if consent_by != ConsentBy.NONE:
        consent_record(actor=actor, victim=victim, purpose=ConsentPurpose.SHARE, given_by=consent_by,
                       scope=ConsentScope.PROGRAMME, form=consent_form, check_actor=False)
    triage_facts_changed.send(sender=Victim, complaint=complaint, actor=actor, reason="victim_added")
    return victim


# --- the reporter ----------------------------------------------------------------------------------

@transaction.atomic
def reporter_correct(*, actor: User, complaint: Complaint, changes: dict, reason: str) -> Correction:
    """Correct the reporter (``REPORTER_FIELDS``); a complaint without one gets it."""
    complaint = _lock(complaint)
    reason = _check(actor, complaint, reason)
    reporter = Reporter.objects.select_for_update().filter(complaint=complaint).first() or Reporter(
        complaint=complaint)
    changes = {k: (v.strip() if isinstance(v, str) else v) for k, v in changes.items()}
    fields = _changed(reporter, changes, REPORTER_FIELDS)
    texts = {f: getattr(reporter, f) for f in ("full_name", "phone", "address", "relation") if f in fields}
    _raise(_reason_errors(reason) | limits.length_errors(Reporter, texts))
    if not fields:
        raise ValidationError({"__all__": [str(NOTHING_CHANGED)]})
    save_with_history(reporter, actor=actor, reason="reporter_correct")
    correction = _record(actor=actor, complaint=complaint, target=CorrectionTarget.REPORTER,
                         target_id=reporter.pk, fields=fields, reason=reason)
    events.data_corrected(actor=actor, correction=correction)
    return correction


# --- perpetrators ----------------------------------------------------------------------------------

def _name_index(name: str) -> list[str]:
    return [crypto.blind_index("name", t) for t in crypto.name_tokens(name)]


@transaction.atomic
def perpetrator_correct(*, actor: User, perpetrator: Perpetrator, changes: dict, reason: str,
                        relations: dict[int, str] | None = None) -> Correction:
    """Correct a perpetrator (``PERPETRATOR_FIELDS``) and, with ``relations`` ({victim id:
    relation}), what they are to each victim named there (field ``relation``)."""
    complaint = _lock(perpetrator.complaint)
    perpetrator = Perpetrator.objects.select_for_update().get(pk=perpetrator.pk)
    reason = _check(actor, complaint, reason)
    changes = {k: (v.strip() if isinstance(v, str) else v) for k, v in changes.items()}
    fields = _changed(perpetrator, changes, PERPETRATOR_FIELDS)
    errors = _reason_errors(reason)
    if "full_name" in fields:
        errors |= limits.length_errors(Perpetrator, {"full_name": perpetrator.full_name})
    links = {link.victim_id: link for link in PerpetratorLink.objects.select_for_update()
             .filter(perpetrator=perpetrator)}
    relations = {int(k): v for k, v in (relations or {}).items()}
    victim_ids = set(complaint.victims.values_list("id", flat=True))
    if relations:
        errors |= _relation_errors(relations, ids=set(relations) & victim_ids, key="relation")
        errors |= {f"relation-{i}": [str(RELATION_VICTIM_UNKNOWN)] for i in set(relations) - victim_ids}
    _raise(errors)
    moved = {i: r for i, r in relations.items() if i not in links or links[i].relation != r}
    if moved:
        fields.append("relation")
    if not fields:
        raise ValidationError({"__all__": [str(NOTHING_CHANGED)]})
    if "full_name" in fields:
        perpetrator.name_index = _name_index(perpetrator.full_name)
    save_with_history(perpetrator, actor=actor, reason="perpetrator_correct")
    for victim_id, relation in sorted(moved.items()):
        link = links.get(victim_id) or PerpetratorLink(perpetrator=perpetrator, victim_id=victim_id)
        link.relation = relation
        save_with_history(link, actor=actor, reason="perpetrator_correct")
    correction = _record(actor=actor, complaint=complaint, target=CorrectionTarget.PERPETRATOR,
                         target_id=perpetrator.pk, fields=fields, reason=reason)
    events.data_corrected(actor=actor, correction=correction)
    return correction


@transaction.atomic
def perpetrator_add(*, actor: User, complaint: Complaint, data: PerpetratorInput, relations: dict[int, str],
                    reason: str) -> Perpetrator:
    """Add a perpetrator to a registered complaint, with what they are to each of its victims
    (``relations``: {victim id: relation}, one for every victim)."""
    complaint = _lock(complaint)
    reason = _check(actor, complaint, reason)
    relations = {int(k): v for k, v in (relations or {}).items()}
    victim_ids = set(complaint.victims.values_list("id", flat=True))
    full_name = (data.full_name or "").strip()
    errors = _reason_errors(reason) | _relation_errors(relations, ids=victim_ids, key="relation")
    errors |= limits.length_errors(Perpetrator, {"full_name": full_name})
    if complaint.perpetrators.count() >= limits.PEOPLE_PER_COMPLAINT:
        errors.setdefault("__all__", []).append(str(TOO_MANY_PEOPLE % {"n": limits.PEOPLE_PER_COMPLAINT}))
    _raise(errors)
    perpetrator = Perpetrator(complaint=complaint, full_name=full_name, power_relation=data.power_relation,
                              public_official=data.public_official, name_index=_name_index(full_name))
    save_with_history(perpetrator, actor=actor, reason="perpetrator_add")
    perpetrator_links_create(actor=actor, perpetrator=perpetrator,
                             relations={i: relations[i] for i in sorted(victim_ids)},
                             reason="perpetrator_add")
    correction = _record(actor=actor, complaint=complaint, target=CorrectionTarget.PERPETRATOR,
                         target_id=perpetrator.pk, fields=[], reason=reason, added=True)
    events.person_added(actor=actor, correction=correction)
    return perpetrator
