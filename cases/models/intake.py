"""Complaint intake (SPEC §4, §11; SKB E.1–E.3 — docs/architecture.md#sources): complaints,
victims, reporters, perpetrators, attachments, the initial response and the 24-hour SLA records.

Identity columns (names, NIK, phones, addresses, chronology) are EncryptedTextField; search and
duplicate detection use keyed blind indexes (common.crypto), never the ciphertext.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common import limits
from common.fields import EncryptedTextField

RESPONSE_SLA = timedelta(hours=24)
RESPONSE_WARNING_AFTER = timedelta(hours=18)


class Channel(models.TextChoices):
    WALK_IN = "walk_in", _("Datang langsung")
    HOTLINE = "hotline", _("Hotline SAPA 129")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("E-mail")
    REFERRAL = "referral", _("Rujukan lembaga lain")
    OUTREACH = "outreach", _("Penjangkauan")


class ViolenceForm(models.TextChoices):
    PHYSICAL = "physical", _("Fisik")
    PSYCHOLOGICAL = "psychological", _("Psikis")
    SEXUAL = "sexual", _("Seksual")
    NEGLECT = "neglect", _("Penelantaran")
    ECONOMIC = "economic", _("Ekonomi/eksploitasi")


class ComplaintOutcome(models.TextChoices):
    """How a complaint ended (blank while it is open). Set only through
    ``cases.lifecycle.complaint_outcome_set`` (``OUTCOME_TRANSITIONS``, docs/lifecycle.md)."""

    SELECTED = "selected", _("Ditetapkan masuk program terpadu")
    HANDLED_BY_AGENCY = "handled_by_agency", _("Ditangani lembaga penerima sesuai SOP")
    REFERRED = "referred", _("Dirujuk")
    OUTSIDE_CRITERIA = "outside_criteria", _("Di luar kriteria")
    VOIDED = "voided", _("Dibatalkan")


# R1 (SKB B.2.a.1): every complaint gets a first response within 1×24 h of being received. The
# clock runs until a successful first response is recorded or the complaint is voided; screening
# and decisions (selected, handled by the agency, outside the criteria) never stop it — a complaint
# decided at a meeting still needs its first response. This is the one definition: the work queue,
# the SLA sweep, the partial index the sweep reads and the case page's response form all use it.
OPEN_FOR_CLOCK = Q(responded_at__isnull=True) & ~Q(outcome=ComplaintOutcome.VOIDED)


class ComplaintQuerySet(models.QuerySet):
    def open_for_clock(self):
        """Complaints whose 24-hour clock still runs (``OPEN_FOR_CLOCK``)."""
        return self.filter(OPEN_FOR_CLOCK)

    def with_clock_open(self):
        """Each complaint with ``clock_open``: whether ``OPEN_FOR_CLOCK`` holds, computed in SQL."""
        return self.annotate(clock_open=ExpressionWrapper(OPEN_FOR_CLOCK, output_field=BooleanField()))


class ConsentBy(models.TextChoices):
    """Who consented to sharing, as registration asks it: a ``ConsentGiver`` or nobody yet.
    Registration turns it into one ``Consent`` record per victim (``cases.intake.services``)."""

    VICTIM = "victim", _("Korban sendiri")
    PARENT = "parent", _("Orang tua")
    GUARDIAN = "guardian", _("Wali")
    NONE = "none", _("Belum ada persetujuan")


class Complaint(models.Model):
    """One complaint as received. One case holds one or more complaints."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="complaints")
    receiving_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                                         related_name="complaints",
                                         verbose_name=_("lembaga penerima"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="assigned_complaints", null=True, blank=True,
                                 verbose_name=_("petugas penanggung jawab"))
    channel = models.CharField(_("saluran"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("diterima"))
    received_at_reason = models.CharField(_("alasan waktu terima mundur"), max_length=limits.SHORT_REASON,
                                          blank=True)
    registered_at = models.DateTimeField(_("dicatat"), default=timezone.now)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      related_name="+")
    response_due_at = models.DateTimeField(_("batas respons awal"))
    responded_at = models.DateTimeField(_("respons awal"), null=True, blank=True)

    violence_types = ArrayField(models.CharField(max_length=10), default=list,
                                verbose_name=_("jenis kekerasan"))
    violence_forms = ArrayField(models.CharField(max_length=20), default=list, blank=True,
                                verbose_name=_("bentuk kekerasan"))
    incident_date = models.DateField(_("tanggal kejadian"), null=True, blank=True)
    incident_place = EncryptedTextField(_("tempat kejadian"), blank=True, max_length=limits.PLACE)
    incident_region = models.CharField(_("wilayah kejadian"), max_length=4, blank=True)
    chronology = EncryptedTextField(_("kronologi"), max_length=limits.CHRONOLOGY)
    stated_needs = ArrayField(models.CharField(max_length=40), default=list, blank=True,
                              verbose_name=_("kebutuhan layanan"))
    stated_needs_note = EncryptedTextField(_("catatan kebutuhan"), blank=True, max_length=limits.NOTE)

    safe_to_contact = models.BooleanField(_("aman dihubungi"), default=True)
    safe_contact = EncryptedTextField(_("cara dan waktu aman menghubungi"), blank=True,
                                      max_length=limits.SAFE_CONTACT)

    outcome = models.CharField(_("hasil akhir"), max_length=20, choices=ComplaintOutcome.choices,
                               blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(_("alasan pembatalan"), max_length=limits.SHORT_REASON, blank=True)

    history = HistoricalRecords()
    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["response_due_at"]
        verbose_name = _("pengaduan")
        verbose_name_plural = _("pengaduan")
        indexes = [
            # The SLA sweep: complaints open for the clock, by deadline.
            models.Index(fields=["response_due_at"], condition=OPEN_FOR_CLOCK,
                         name="complaint_open_due_idx"),
            models.Index(fields=["receiving_agency", "response_due_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(received_at__lte=models.F("registered_at")),
                                   name="complaint_received_not_after_registered"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.public_id}"

    @property
    def voidable(self) -> bool:
        """Void stays possible until the complaint is selected by signed minutes (SKB E.1.c)."""
        return self.outcome not in (ComplaintOutcome.SELECTED, ComplaintOutcome.VOIDED)

    @property
    def violence_type_labels(self) -> list[str]:
        from cases.models.core import ViolenceType

        return ViolenceType.labels_of(self.violence_types)

    def time_left(self, now=None):
        return self.response_due_at - (now or timezone.now())


class Sex(models.TextChoices):
    FEMALE = "f", _("Perempuan")
    MALE = "m", _("Laki-laki")


class VictimCategory(models.TextChoices):
    ADULT_WOMAN = "adult_woman", _("Perempuan dewasa")
    CHILD = "child", _("Anak")
    DISABILITY = "disability", _("Penyandang disabilitas")
    FAMILY = "family", _("Anggota keluarga")
    WITNESS = "witness", _("Saksi")


class AgeBand(models.TextChoices):
    """Coded bands for statistics; children in bands wide enough not to re-identify."""

    A0_5 = "0-5", "0–5"
    A6_12 = "6-12", "6–12"
    A13_17 = "13-17", "13–17"
    A18_24 = "18-24", "18–24"
    A25_44 = "25-44", "25–44"
    A45_59 = "45-59", "45–59"
    A60 = "60+", "60+"
    UNKNOWN = "unknown", _("Tidak diketahui")

    @classmethod
    def for_age(cls, age: int | None) -> str:
        if age is None:
            return cls.UNKNOWN
        for band, (lo, hi) in {cls.A0_5: (0, 5), cls.A6_12: (6, 12), cls.A13_17: (13, 17),
                               cls.A18_24: (18, 24), cls.A25_44: (25, 44),
                               cls.A45_59: (45, 59)}.items():
            if lo <= age <= hi:
                return band
        return cls.A60


class DisabilityType(models.TextChoices):
    NONE = "", _("Tidak ada")
    PHYSICAL = "physical", _("Fisik")
    INTELLECTUAL = "intellectual", _("Intelektual")
    MENTAL = "mental", _("Mental")
    SENSORY = "sensory", _("Sensorik")
    MULTIPLE = "multiple", _("Ganda")


class Victim(models.Model):
    """A victim in a case. Identity is encrypted; *_index columns are keyed blind indexes."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="victims")
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="victims",
                                  null=True, blank=True)
    category = models.CharField(_("kategori"), max_length=20, choices=VictimCategory.choices)
    initials = models.CharField(_("inisial"), max_length=10)
    full_name = EncryptedTextField(_("nama lengkap"), max_length=limits.NAME)
    nik = EncryptedTextField(_("NIK"), blank=True, max_length=limits.NIK_INPUT)
    phone = EncryptedTextField(_("telepon"), blank=True, max_length=limits.PHONE)
    address = EncryptedTextField(_("alamat"), blank=True, max_length=limits.ADDRESS)
    date_of_birth = EncryptedTextField(_("tanggal lahir"), blank=True, max_length=limits.ISO_DATE)
    estimated_age = models.PositiveSmallIntegerField(_("perkiraan usia"), null=True, blank=True)
    age_band_at_incident = models.CharField(_("kelompok usia saat kejadian"), max_length=10,
                                            choices=AgeBand.choices, default=AgeBand.UNKNOWN)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, default=Sex.FEMALE)
    disability = models.CharField(_("disabilitas"), max_length=20, choices=DisabilityType.choices,
                                  blank=True, default="")
    region = models.CharField(_("wilayah domisili"), max_length=4, blank=True)
    kecamatan = models.CharField(_("kecamatan"), max_length=10, blank=True)
    nik_index = models.CharField(max_length=32, blank=True, db_index=True)
    phone_index = models.CharField(max_length=32, blank=True, db_index=True)
    name_index = ArrayField(models.CharField(max_length=32), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["name_index", "nik_index", "phone_index"])

    class Meta:
        ordering = ["id"]
        verbose_name = _("korban")
        verbose_name_plural = _("korban")
        indexes = [GinIndex(fields=["name_index"], name="victim_name_index_gin")]

    def __str__(self) -> str:
        # Never the name: __str__ ends up in logs, admin breadcrumbs and error pages.
        return f"{self.case_id}/{self.initials}"

    def get_region_display(self) -> str:
        """The city's name for pages ("Kota Jakarta Selatan"), never its code."""
        from agencies.models import Region

        return str(Region(self.region).label) if self.region in Region.values else self.region

    def get_kecamatan_display(self) -> str:
        """The kecamatan's name for pages ("Tebet"), never its Kemendagri code."""
        from agencies.wilayah import kecamatan_name

        return kecamatan_name(self.kecamatan)


class Reporter(models.Model):
    """The person who reported (pelapor); may be the victim."""

    complaint = models.OneToOneField(Complaint, on_delete=models.PROTECT, related_name="reporter")
    is_victim = models.BooleanField(_("pelapor adalah korban"), default=False)
    full_name = EncryptedTextField(_("nama pelapor"), blank=True, max_length=limits.NAME)
    phone = EncryptedTextField(_("telepon pelapor"), blank=True, max_length=limits.PHONE)
    address = EncryptedTextField(_("alamat pelapor"), blank=True, max_length=limits.ADDRESS)
    relation = models.CharField(_("hubungan dengan korban"), max_length=limits.RELATION, blank=True)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"pelapor {self.complaint_id}"


class PerpetratorRelation(models.TextChoices):
    """What the accused is *to one victim* (``PerpetratorLink``): the father is "parent" to the
    child and "spouse" to the mother. "Wali" is a guardian who is not a parent."""

    SPOUSE = "spouse", _("Suami/istri/pasangan")
    PARENT = "parent", _("Orang tua (ayah/ibu)")
    GUARDIAN = "guardian", _("Wali (bukan orang tua)")
    FAMILY = "family", _("Keluarga lain")
    TEACHER = "teacher", _("Guru/pengasuh")
    EMPLOYER = "employer", _("Majikan/atasan")
    ACQUAINTANCE = "acquaintance", _("Kenalan/teman")
    ONLINE = "online", _("Kenalan daring")
    STRANGER = "stranger", _("Tidak dikenal")
    OTHER = "other", _("Lainnya")


#: Relations that make the accused a parent or guardian of that victim (the child-consent rule,
#: ``cases.consent.guardian_accused``).
GUARDIAN_RELATIONS = frozenset({PerpetratorRelation.PARENT, PerpetratorRelation.GUARDIAN})


class Perpetrator(models.Model):
    """An alleged perpetrator (terlapor). What they are to each victim of the complaint is a
    ``PerpetratorLink`` (``links``): a relation is per victim."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="perpetrators")
    full_name = EncryptedTextField(_("nama terlapor"), blank=True, max_length=limits.NAME)
    power_relation = models.BooleanField(_("relasi kuasa"), default=False)
    public_official = models.BooleanField(_("pejabat publik"), default=False)
    name_index = ArrayField(models.CharField(max_length=32), default=list, blank=True)

    history = HistoricalRecords(excluded_fields=["name_index"])

    def __str__(self) -> str:
        return f"terlapor {self.complaint_id}/{self.pk}"


class PerpetratorLink(models.Model):
    """What one accused is to one victim of the same complaint."""

    perpetrator = models.ForeignKey(Perpetrator, on_delete=models.PROTECT, related_name="links")
    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, related_name="perpetrator_links")
    relation = models.CharField(_("hubungan dengan korban"), max_length=20,
                                choices=PerpetratorRelation.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["victim_id", "perpetrator_id"]
        verbose_name = _("hubungan terlapor dengan korban")
        verbose_name_plural = _("hubungan terlapor dengan korban")
        constraints = [models.UniqueConstraint(fields=["perpetrator", "victim"],
                                               name="one_relation_per_perpetrator_and_victim")]

    def __str__(self) -> str:
        return f"terlapor {self.perpetrator_id} → korban {self.victim_id}"

    @property
    def is_guardian(self) -> bool:
        return self.relation in GUARDIAN_RELATIONS


class CorrectionTarget(models.TextChoices):
    COMPLAINT = "complaint", _("Pengaduan")
    VICTIM = "victim", _("Korban")
    REPORTER = "reporter", _("Pelapor")
    PERPETRATOR = "perpetrator", _("Terlapor")


class Correction(models.Model):
    """One correction of registered data (``cases.intake.corrections``): what was corrected (the
    record and the names of its fields), by whom, when and why. The values themselves are in the
    record's history (simple-history, the audited store); the reason is encrypted, for it may
    quote what was wrong. Never changed once written."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="corrections")
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="corrections")
    target = models.CharField(_("data"), max_length=20, choices=CorrectionTarget.choices)
    target_id = models.PositiveIntegerField()
    added = models.BooleanField(_("ditambahkan"), default=False)
    fields = ArrayField(models.CharField(max_length=40), default=list)
    reason = EncryptedTextField(_("alasan koreksi"), max_length=limits.SHORT_REASON)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    corrected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["corrected_at", "id"]
        verbose_name = _("koreksi data")
        verbose_name_plural = _("koreksi data")

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Corrections are never changed.")
        super().save(*args, **kwargs)


def attachment_path(instance, filename):
    # Never the user's file name in the path: it may carry a victim's name.
    return f"complaints/{instance.complaint.public_id}/{uuid.uuid4().hex}"


#: What an attachment is, by its checked content type, in the words staff use.
ATTACHMENT_KINDS = {
    "application/pdf": _("Dokumen PDF"),
    "image/jpeg": _("Foto (JPEG)"),
    "image/png": _("Gambar (PNG)"),
}


def attachment_kind_label(content_type: str) -> str:
    return str(ATTACHMENT_KINDS.get(content_type, _("Berkas")))


class Attachment(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    original_name = EncryptedTextField(_("nama berkas"), max_length=limits.FILE_NAME)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    @property
    def kind_label(self) -> str:
        return attachment_kind_label(self.content_type)


class ResponseMethod(models.TextChoices):
    PHONE = "phone", _("Telepon")
    VISIT = "visit", _("Kunjungan")
    SHELTER = "shelter", _("Penempatan di rumah aman")
    MEDICAL_ESCORT = "medical_escort", _("Pendampingan medis")
    REFERRAL = "referral", _("Rujukan")
    IN_PERSON = "in_person", _("Tatap muka di kantor")
    MESSAGE = "message", _("Pesan (WhatsApp/SMS)")


class InitialResponse(models.Model):
    """A response or contact attempt. The first successful one stops the 24-hour clock."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="responses")
    responder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    responded_at = models.DateTimeField(_("waktu"))
    method = models.CharField(_("cara"), max_length=20, choices=ResponseMethod.choices)
    successful = models.BooleanField(_("berhasil"), default=True)
    responded_at_reason = models.CharField(_("alasan waktu respons mundur"), max_length=limits.SHORT_REASON,
                                           blank=True)
    result = EncryptedTextField(_("hasil"), blank=True, max_length=limits.NOTE)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["responded_at", "id"]


class SlaKind(models.TextChoices):
    WARNING = "warning", _("Peringatan 18 jam")
    BREACH = "breach", _("Pelanggaran 24 jam")


class SlaEvent(models.Model):
    """Immutable record of a warning or a breach; one per (complaint, kind) by constraint."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="sla_events")
    kind = models.CharField(max_length=10, choices=SlaKind.choices)
    at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["complaint", "kind"], name="one_sla_event_per_kind")]

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("SLA events are immutable.")
        super().save(*args, **kwargs)
