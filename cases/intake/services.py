"""Complaint intake services (SPEC §4, SKB E.1–E.2, Perbup SOP I–V registration steps:
docs/architecture.md#sources).

``complaint_register`` validates everything first and then writes the case, the complaint, its
people and the timeline in one transaction: a refusal leaves nothing behind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies import policies as agency_policies
from agencies import wilayah
from agencies.models import Agency, Region, User
from cases import events
from cases.consent import CHILD_CONSENT_REQUIRED, child_consent_allowed, consent_record
from cases.lifecycle import case_status_change, complaint_outcome_set
from cases.models import (
    GUARDIAN_RELATIONS,
    RESPONSE_SLA,
    AccessLevel,
    Attachment,
    Case,
    CaseAssignment,
    CaseStatus,
    Complaint,
    ComplaintOutcome,
    ConsentBy,
    ConsentForm,
    ConsentPurpose,
    ConsentScope,
    InitialResponse,
    Perpetrator,
    PerpetratorLink,
    PerpetratorRelation,
    Reporter,
    SlaEvent,
    SlaKind,
    Victim,
    VictimCategory,
    ViolenceForm,
    ViolenceType,
)
from cases.models.intake import AgeBand
from cases.policies import case_access_level
from cases.services import (
    ASSIGN_NOT_ALLOWED,
    ASSIGNEE_NOT_CASE_WORK,
    case_assign,
    case_assignment_end,
    case_open,
)
from common import crypto, limits
from common.audit import save_with_history
from common.errors import ActionNotAllowed, ApplicationError

# Messages shared by pages, API and tests.
RECEIVED_IN_FUTURE = _("Waktu terima tidak boleh di masa depan.")
RECEIVED_EARLIER_NEEDS_REASON = _("Waktu terima lebih awal dari sekarang: isi alasannya.")
NIK_INVALID = _("NIK harus 16 digit angka.")
NO_VICTIM = _("Minimal satu korban harus diisi.")
REGION_UNKNOWN = _("Wilayah tidak dikenal (pilih kota/kabupaten administrasi DKI Jakarta).")
VIOLENCE_TYPE_REQUIRED = _("Pilih minimal satu jenis kekerasan.")
VIOLENCE_TYPE_UNKNOWN = _("Jenis kekerasan tidak dikenal.")
NOT_RECEIVING_STAFF = _("Anda bukan petugas aktif lembaga penerima ini.")
ASSIGNEE_INVALID = _("Petugas penanggung jawab harus staf aktif lembaga penerima.")
JOIN_CASE_INVALID = _("Kasus yang dipilih tidak dapat digabungkan.")
VOID_REASON_REQUIRED = _("Alasan pembatalan wajib diisi.")
ALREADY_ENDED = _("Pengaduan ini sudah memiliki hasil akhir.")
ALREADY_VOIDED = _("Pengaduan ini sudah dibatalkan.")
VOID_AFTER_SELECTION = _("Pengaduan ini sudah ditetapkan masuk program terpadu dalam notula yang "
                         "ditandatangani, sehingga tidak dapat dibatalkan.")
RESPONSE_IN_FUTURE = _("Waktu respons tidak boleh di masa depan.")
RESPONSE_BEFORE_RECEIVED = _("Waktu respons tidak boleh sebelum pengaduan diterima.")
RESPONSE_EARLIER_NEEDS_REASON = _("Waktu respons lebih awal dari sekarang: isi alasannya.")
CHRONOLOGY_REQUIRED = _("Kronologi singkat wajib diisi.")
NAME_REQUIRED = _("Nama korban wajib diisi.")
RELATION_UNKNOWN = _("Hubungan terlapor dengan korban tidak dikenal.")
CONSENT_BY_UNKNOWN = _("Pemberi persetujuan tidak dikenal.")
CONSENT_FORM_UNKNOWN = _("Bentuk persetujuan tidak dikenal.")
KECAMATAN_UNKNOWN = _("Kecamatan tidak dikenal: pilih kecamatan DKI Jakarta dari daftar.")
KECAMATAN_OUTSIDE_CITY = _("Kecamatan %(kecamatan)s tidak berada di %(city)s. Pilih kecamatan dari "
                           "daftar %(city)s, atau ubah kota/kabupatennya.")

BACKDATE_TOLERANCE = timedelta(minutes=15)
DKI_REGIONS = {r.value for r in Region if r.value not in (Region.PROVINCE, Region.NATIONAL)}
OPEN_CASE_STATUSES = [CaseStatus.REGISTERED, CaseStatus.TRIAGED, CaseStatus.AWAITING_DECISION,
                      CaseStatus.SELECTED, CaseStatus.HANDLED_BY_AGENCY]


@dataclass
class VictimInput:
    full_name: str
    category: str
    sex: str = "f"
    nik: str = ""
    phone: str = ""
    address: str = ""
    date_of_birth: date | None = None
    estimated_age: int | None = None
    disability: str = ""
    region: str = ""
    kecamatan: str = ""


@dataclass
class ReporterInput:
    is_victim: bool = True
    full_name: str = ""
    phone: str = ""
    address: str = ""
    relation: str = ""


@dataclass
class PerpetratorInput:
    """``relation``: what the accused is to the victims registered with them (one relation for all
    at registration; per victim afterwards, ``PerpetratorLink``). ``is_guardian`` (the form's "parent
    or guardian of the victim") with another relation is stored as "wali"."""

    relation: str = ""
    full_name: str = ""
    power_relation: bool = False
    public_official: bool = False
    is_guardian: bool = False

    def link_relation(self) -> str:
        if self.is_guardian and self.relation not in GUARDIAN_RELATIONS:
            return PerpetratorRelation.GUARDIAN
        return self.relation

    @property
    def guardian_accused(self) -> bool:
        return self.link_relation() in GUARDIAN_RELATIONS


@dataclass
class ComplaintInput:
    channel: str
    victims: list[VictimInput]
    violence_types: list[str]
    chronology: str
    reporter: ReporterInput = field(default_factory=ReporterInput)
    perpetrators: list[PerpetratorInput] = field(default_factory=list)
    received_at: datetime | None = None
    received_at_reason: str = ""
    violence_forms: list[str] = field(default_factory=list)
    incident_date: date | None = None
    incident_place: str = ""
    incident_region: str = ""
    stated_needs: list[str] = field(default_factory=list)
    stated_needs_note: str = ""
    #: Consent to share with the programme's agencies, and who gave it: registration records one
    #: ``Consent`` (purpose share, whole programme) per victim when both are given.
    consent_to_share: bool = False
    consent_by: str = ConsentBy.NONE
    consent_form: str = ConsentForm.ORAL
    safe_to_contact: bool = True
    safe_contact: str = ""


def initials_of(name: str) -> str:
    parts = [p for p in re.split(r"\s+", (name or "").strip()) if p and p[0].isalpha()]
    return "".join(p[0].upper() for p in parts[:3]) or "?"


def age_at(dob: date | None, estimated: int | None, on: date) -> int | None:
    if dob:
        return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
    return estimated


def kecamatan_errors(*, kecamatan: str, region: str) -> list[str]:
    """The refusal for a kecamatan that is not a DKI Jakarta kecamatan, or not one of the chosen
    city (``agencies.wilayah``); none for an empty one, or one given without a city (its city is
    then the kecamatan's)."""
    if not kecamatan:
        return []
    k = wilayah.kecamatan_get(kecamatan)
    if k is None:
        return [KECAMATAN_UNKNOWN]
    if region and region in DKI_REGIONS and k.region != region:
        return [KECAMATAN_OUTSIDE_CITY % {"kecamatan": k.name, "city": Region(region).label}]
    return []


def complaint_validate(data: ComplaintInput, *, now: datetime | None = None) -> dict[str, list[str]]:
    """Every refusal of ``data`` at once, keyed by field (``victims-0-nik``…), writing nothing: the
    registration page asks it even while its own forms have errors, so that one submit shows them
    all (issue 12, point 5)."""
    return _validate(data, now=now or timezone.now())


def _validate(data: ComplaintInput, *, now: datetime) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def err(key, msg):
        errors.setdefault(key, []).append(msg)

    received = data.received_at or now
    if received > now + timedelta(minutes=1):
        err("received_at", RECEIVED_IN_FUTURE)
    elif now - received > BACKDATE_TOLERANCE and not data.received_at_reason.strip():
        err("received_at_reason", RECEIVED_EARLIER_NEEDS_REASON)
    if not data.violence_types:
        err("violence_types", VIOLENCE_TYPE_REQUIRED)
    elif set(data.violence_types) - set(ViolenceType.values):
        err("violence_types", VIOLENCE_TYPE_UNKNOWN)
    if set(data.violence_forms) - set(ViolenceForm.values):
        err("violence_forms", VIOLENCE_TYPE_UNKNOWN)
    if not data.chronology.strip():
        err("chronology", CHRONOLOGY_REQUIRED)
    if data.incident_region and data.incident_region not in DKI_REGIONS:
        err("incident_region", REGION_UNKNOWN)
    if not data.victims:
        err("victims", NO_VICTIM)
    for i, v in enumerate(data.victims):
        if not v.full_name.strip():
            err(f"victims-{i}-full_name", NAME_REQUIRED)
        if v.nik and not re.fullmatch(r"\d{16}", re.sub(r"[\s.-]", "", v.nik)):
            err(f"victims-{i}-nik", NIK_INVALID)
        if v.region and v.region not in DKI_REGIONS:
            err(f"victims-{i}-region", REGION_UNKNOWN)
        for m in kecamatan_errors(kecamatan=v.kecamatan, region=v.region):
            err(f"victims-{i}-kecamatan", m)
        if v.category not in VictimCategory.values:
            err(f"victims-{i}-category", _("Kategori korban tidak dikenal."))
    for i, p in enumerate(data.perpetrators):
        if p.relation not in PerpetratorRelation.values:
            err(f"perpetrators-{i}-relation", RELATION_UNKNOWN)
    # Too long for the model: refused here, before anything is written (pages and API refuse it
    # earlier still, with the same limits from common.limits).
    for key, msgs in _length_errors(data).items():
        for m in msgs:
            err(key, m)
    if data.consent_by not in ConsentBy.values:
        err("consent_by", CONSENT_BY_UNKNOWN)
    elif any(v.category == VictimCategory.CHILD for v in data.victims) and not child_consent_allowed(
            given_by=data.consent_by, guardian_accused=any(p.guardian_accused for p in data.perpetrators)):
        # A child's complaint is registered with its parent's or guardian's consent (the child's own
        # when a parent or guardian is the accused — read from the relations chosen for the
        # accused, or their tick) — the same rule as cases.consent.consent_record.
        err("consent_by", CHILD_CONSENT_REQUIRED)
    if data.consent_form not in ConsentForm.values:
        err("consent_form", CONSENT_FORM_UNKNOWN)
    return errors


def _length_errors(data: ComplaintInput) -> dict[str, list[str]]:
    errors = limits.length_errors(Complaint, {
        "chronology": data.chronology, "received_at_reason": data.received_at_reason,
        "incident_place": data.incident_place, "stated_needs_note": data.stated_needs_note,
        "safe_contact": data.safe_contact})
    for i, v in enumerate(data.victims):
        errors |= limits.length_errors(Victim, {"full_name": v.full_name, "nik": v.nik, "phone": v.phone,
                                                "address": v.address}, prefix=f"victims-{i}-")
    r = data.reporter
    errors |= limits.length_errors(Reporter, {"full_name": r.full_name, "phone": r.phone,
                                              "address": r.address, "relation": r.relation},
                                   prefix="reporter_")
    for i, p in enumerate(data.perpetrators):
        errors |= limits.length_errors(Perpetrator, {"full_name": p.full_name},
                                       prefix=f"perpetrators-{i}-")
    return errors


def _residence(v: VictimInput) -> dict:
    """City and kecamatan as stored: the kecamatan's dotted code, and its city when none was chosen."""
    k = wilayah.kecamatan_get(v.kecamatan) if v.kecamatan else None
    return {"region": v.region or (k.region if k else ""), "kecamatan": k.code if k else ""}


def _victim_indexes(v: VictimInput) -> dict:
    nik = crypto.normalise_nik(v.nik)
    phone = crypto.normalise_phone(v.phone)
    return {
        "nik_index": crypto.blind_index("nik", nik) if nik else "",
        "phone_index": crypto.blind_index("phone", phone) if phone else "",
        "name_index": [crypto.blind_index("name", t) for t in crypto.name_tokens(v.full_name)],
    }


@transaction.atomic
def complaint_register(*, actor: User, receiving_agency: Agency, data: ComplaintInput,
                       assignee: User | None = None, join_case: Case | None = None) -> Complaint:
    now = timezone.now()
    if not agency_policies.is_receiving_staff(actor, receiving_agency.pk):
        raise ActionNotAllowed(NOT_RECEIVING_STAFF)
    errors = _validate(data, now=now)
    if assignee is not None and not agency_policies.is_assignable(assignee, receiving_agency.pk):
        errors.setdefault("assignee", []).append(ASSIGNEE_INVALID)
    if join_case is not None and (
        join_case.receiving_agency_id != receiving_agency.pk
        or case_access_level(actor, join_case) < AccessLevel.FULL
        or join_case.status not in OPEN_CASE_STATUSES
    ):
        errors.setdefault("join_case", []).append(JOIN_CASE_INVALID)
    if errors:
        raise ValidationError(errors)

    received_at = min(data.received_at or now, now)
    first = data.victims[0]
    if join_case is None:
        case = case_open(actor=actor, receiving_agency=receiving_agency,
                         initials=initials_of(first.full_name),
                         violence_types=sorted(set(data.violence_types)), opened_at=received_at)
    else:
        case = Case.objects.select_for_update().get(pk=join_case.pk)
        case.violence_types = sorted(set(case.violence_types) | set(data.violence_types))
        save_with_history(case, actor=actor, update_fields=["violence_types", "updated_at"])

    complaint = Complaint(
        case=case, receiving_agency=receiving_agency, assignee=assignee or actor,
        channel=data.channel, received_at=received_at,
        received_at_reason=data.received_at_reason.strip(), registered_at=now,
        registered_by=actor, response_due_at=received_at + RESPONSE_SLA,
        violence_types=sorted(set(data.violence_types)), violence_forms=sorted(set(data.violence_forms)),
        incident_date=data.incident_date, incident_place=data.incident_place,
        incident_region=data.incident_region, chronology=data.chronology.strip(),
        stated_needs=list(dict.fromkeys(data.stated_needs)), stated_needs_note=data.stated_needs_note,
        safe_to_contact=data.safe_to_contact, safe_contact=data.safe_contact,
    )
    complaint.full_clean(exclude=["case", "registered_by"])
    save_with_history(complaint, actor=actor)

    incident_day = data.incident_date or timezone.localdate(received_at)
    victims = []
    for v in data.victims:
        victim = Victim(
            case=case, complaint=complaint, category=v.category, initials=initials_of(v.full_name),
            full_name=v.full_name.strip(), nik=crypto.normalise_nik(v.nik), phone=v.phone.strip(),
            address=v.address.strip(), date_of_birth=v.date_of_birth.isoformat() if v.date_of_birth else "",
            estimated_age=v.estimated_age, sex=v.sex, disability=v.disability,
            **_residence(v),
            age_band_at_incident=AgeBand.for_age(age_at(v.date_of_birth, v.estimated_age, incident_day)),
            **_victim_indexes(v),
        )
        save_with_history(victim, actor=actor)
        victims.append(victim)
    r = data.reporter
    save_with_history(Reporter(complaint=complaint, is_victim=r.is_victim, full_name=r.full_name,
                               phone=r.phone, address=r.address, relation=r.relation), actor=actor)
    for p in data.perpetrators:
        perpetrator = Perpetrator(
            complaint=complaint, full_name=p.full_name, power_relation=p.power_relation,
            public_official=p.public_official,
            name_index=[crypto.blind_index("name", t) for t in crypto.name_tokens(p.full_name)],
        )
        save_with_history(perpetrator, actor=actor)
        # Registration asks one relation for all the complaint's victims; a correction sets it per
        # victim (cases.intake.corrections.perpetrator_correct).
        relation = p.link_relation()
        perpetrator_links_create(actor=actor, perpetrator=perpetrator,
                                 relations={v.pk: relation for v in victims})

    (events.complaint_joined if join_case else events.complaint_registered)(
        case=case, actor=actor, agency=receiving_agency, complaint=complaint, channel=data.channel,
        victims=len(data.victims), received_at=received_at)
    if now - received_at > BACKDATE_TOLERANCE:
        events.received_at_backdated(case=case, actor=actor, agency=receiving_agency,
                                     complaint=complaint, earlier_by=now - received_at)
    if data.consent_to_share and data.consent_by != ConsentBy.NONE:
        # One record per victim, given when the complaint was received; after the perpetrators
        # (whom the child rule reads) and the registration on the timeline.
        for victim in victims:
            consent_record(actor=actor, victim=victim, purpose=ConsentPurpose.SHARE,
                           given_by=data.consent_by, scope=ConsentScope.PROGRAMME,
                           form=data.consent_form, given_at=received_at, check_actor=False)
    case_assign(actor=actor, case=case, user=complaint.assignee, role="complaint_assignee")

    # Registered already past its deadline: breached at once (and escalated), not at the next sweep.
    from cases.sla import sla_check_complaint

    sla_check_complaint(complaint=complaint, now=now)
    return complaint


def perpetrator_links_create(*, actor: User, perpetrator: Perpetrator, relations: dict[int, str],
                             reason: str | None = None) -> None:
    """What ``perpetrator`` is to each victim ({victim id: relation}), one link each."""
    for victim_id, relation in relations.items():
        save_with_history(PerpetratorLink(perpetrator=perpetrator, victim_id=victim_id, relation=relation),
                          actor=actor, reason=reason)


def victims_matching(*, user: User, nik: str = "", phone: str = "", full_name: str = ""):
    """Open cases visible to ``user`` whose victim matches by NIK, phone or all name tokens."""
    from cases.policies import visible_cases

    q = Q()
    if crypto.normalise_nik(nik):
        q |= Q(nik_index=crypto.blind_index("nik", crypto.normalise_nik(nik)))
    if crypto.normalise_phone(phone):
        q |= Q(phone_index=crypto.blind_index("phone", crypto.normalise_phone(phone)))
    tokens = [crypto.blind_index("name", t) for t in crypto.name_tokens(full_name)]
    if len(tokens) >= 2:
        q |= Q(name_index__contains=tokens)
    if not q:
        return Case.objects.none()
    case_ids = Victim.objects.filter(q).values("case_id")
    return (visible_cases(user).filter(pk__in=case_ids, status__in=OPEN_CASE_STATUSES)
            .select_related("receiving_agency").order_by("-opened_at"))


@transaction.atomic
def complaint_void(*, actor: User, complaint: Complaint, reason: str) -> Complaint:
    """Void a complaint (entered in error, a duplicate): it leaves the 24-hour clock. Possible
    until signed minutes select it — a screening outcome or a decision not to select does not
    prevent it; a signed selection is binding (SKB E.1.c) and cannot be undone from here."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not reason.strip():
        raise ValidationError({"reason": [VOID_REASON_REQUIRED]})
    if not complaint.voidable:
        raise ApplicationError(ALREADY_VOIDED if complaint.outcome == ComplaintOutcome.VOIDED
                               else VOID_AFTER_SELECTION)
    if not agency_policies.is_receiving_staff(actor, complaint.receiving_agency_id):
        raise ActionNotAllowed(NOT_RECEIVING_STAFF)
    complaint_outcome_set(actor=actor, complaint=complaint, to=ComplaintOutcome.VOIDED,
                          reason="complaint_voided", void_reason=reason)
    case = complaint.case
    if not case.complaints.exclude(outcome=ComplaintOutcome.VOIDED).exists():
        case_status_change(actor=actor, case=case, to=CaseStatus.VOIDED, reason="all_complaints_voided")
    return complaint


def _end_complaint_assignment(*, actor: User, complaint: Complaint, user: User) -> None:
    """Reassignment: the previous assignee's FULL access through this complaint ends at once — unless
    they still answer for another complaint of the case (not voided), or were assigned to the case
    in another role (that assignment is not the complaint's to end)."""
    if complaint.case.complaints.filter(assignee=user).exclude(outcome=ComplaintOutcome.VOIDED).exists():
        return
    assignment = CaseAssignment.objects.filter(case=complaint.case, user=user, ended_at__isnull=True,
                                               role="complaint_assignee").first()
    if assignment is not None:
        case_assignment_end(actor=actor, assignment=assignment, reason="reassigned")


@transaction.atomic
def complaint_assign(*, actor: User, complaint: Complaint, assignee: User) -> Complaint:
    """Name the officer who works the complaint (head, acting head or admin officer of the receiving
    agency); the previous assignee's assignment ends (``_end_complaint_assignment``)."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not agency_policies.may_assign(actor, complaint.receiving_agency_id):
        raise ActionNotAllowed(ASSIGN_NOT_ALLOWED)
    if not agency_policies.is_assignable(assignee, complaint.receiving_agency_id):
        raise ValidationError({"assignee": [ASSIGNEE_NOT_CASE_WORK]})
    previous = complaint.assignee
    complaint.assignee = assignee
    save_with_history(complaint, actor=actor, update_fields=["assignee"])
    case_assign(actor=actor, case=complaint.case, user=assignee, role="complaint_assignee")
    if previous is not None and previous != assignee:
        _end_complaint_assignment(actor=actor, complaint=complaint, user=previous)
    events.complaint_assigned(case=complaint.case, actor=actor, complaint=complaint, assignee=assignee)
    return complaint


@transaction.atomic
def initial_response_record(*, actor: User, complaint: Complaint, method: str, successful: bool,
                            result: str = "", responded_at: datetime | None = None,
                            responded_at_reason: str = "") -> InitialResponse:
    """Record a response or a failed contact attempt. The first successful one stops the clock.

    A time earlier than now needs a reason and is put on the timeline, like a back-dated
    ``received_at``. A breach already recorded stays recorded even when the response is dated
    before it: the breach row is immutable, and the response's ``within_sla`` agrees with it."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not agency_policies.is_receiving_staff(actor, complaint.receiving_agency_id):
        raise ActionNotAllowed(NOT_RECEIVING_STAFF)
    now = timezone.now()
    at = responded_at or now
    reason = responded_at_reason.strip()
    if at > now + timedelta(minutes=1):
        raise ValidationError({"responded_at": [RESPONSE_IN_FUTURE]})
    if at < complaint.received_at:
        raise ValidationError({"responded_at": [RESPONSE_BEFORE_RECEIVED]})
    backdated = now - at > BACKDATE_TOLERANCE
    if backdated and not reason:
        raise ValidationError({"responded_at_reason": [RESPONSE_EARLIER_NEEDS_REASON]})
    response = InitialResponse(complaint=complaint, responder=actor, responded_at=at, method=method,
                               successful=successful, result=result,
                               responded_at_reason=reason if backdated else "")
    response.full_clean(exclude=["complaint"])
    save_with_history(response, actor=actor)
    if backdated:
        events.responded_at_backdated(case=complaint.case, actor=actor, complaint=complaint,
                                      successful=successful, earlier_by=now - at)
    if successful and complaint.responded_at is None:
        from cases.sla import sla_check_complaint

        if at > complaint.response_due_at:
            # Answered late while no sweep ran (worker down): the breach is still recorded once.
            sla_check_complaint(complaint=complaint, now=now)
        breached = SlaEvent.objects.filter(complaint=complaint, kind=SlaKind.BREACH).exists()
        complaint.responded_at = at
        save_with_history(complaint, actor=actor, update_fields=["responded_at"])
        events.initial_response(case=complaint.case, actor=actor, complaint=complaint, method=method,
                                # A recorded breach is never contradicted by a back-dated time.
                                within_sla=at <= complaint.response_due_at and not breached,
                                breach_recorded=breached, after=at - complaint.received_at)
    elif not successful:
        events.contact_attempt_failed(case=complaint.case, actor=actor, complaint=complaint,
                                      method=method)
    return response


# --- attachments -----------------------------------------------------------------------------------

ATTACHMENT_MAX_BYTES = limits.ATTACHMENT_MAX_BYTES
ATTACHMENT_TYPE_REFUSED = _("Berkas harus PDF, JPEG atau PNG.")
ATTACHMENT_TOO_BIG = _("Berkas terlalu besar (maksimal 10 MB).")
ATTACHMENT_EMPTY = _("Berkas kosong.")

_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def sniff_content_type(head: bytes) -> str | None:
    """The type from the file's first bytes — never from its name or the browser's claim."""
    for magic, content_type in _SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


@transaction.atomic
def attachment_add(*, actor: User, complaint: Complaint, uploaded) -> Attachment:
    if not agency_policies.is_receiving_staff(actor, complaint.receiving_agency_id):
        raise ActionNotAllowed(NOT_RECEIVING_STAFF)
    size = getattr(uploaded, "size", 0) or 0
    if size == 0:
        raise ValidationError({"file": [ATTACHMENT_EMPTY]})
    if size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": [ATTACHMENT_TOO_BIG]})
    uploaded.seek(0)
    content_type = sniff_content_type(uploaded.read(16))
    uploaded.seek(0)
    if content_type is None:
        raise ValidationError({"file": [ATTACHMENT_TYPE_REFUSED]})
    attachment = Attachment(complaint=complaint, content_type=content_type, size=size,
                            original_name=(getattr(uploaded, "name", "") or "berkas")[:200],
                            uploaded_by=actor)
    attachment.file.save("upload", uploaded, save=False)
    save_with_history(attachment, actor=actor)
    events.attachment_added(case=complaint.case, actor=actor, complaint=complaint,
                            content_type=content_type, size=size)
    return attachment
