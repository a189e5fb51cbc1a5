"""Agencies, the service catalogue, users and their dated memberships (SPEC §1, §5:
docs/architecture.md#sources)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common import limits
from common.fields import LimitedTextField


class AgencyKind(models.TextChoices):
    MINISTRY = "ministry", _("Kementerian/Lembaga")
    UPTD_PPA = "uptd_ppa", _("UPTD PPA")
    POLICE_UNIT = "police_unit", _("Unit PPA Kepolisian")
    HOSPITAL = "hospital", _("Rumah Sakit")
    PUSKESMAS = "puskesmas", _("Puskesmas")
    SOCIAL_SERVICE = "social_service", _("Dinas Sosial")
    LEGAL_AID = "legal_aid", _("Bantuan Hukum (Posbakum/LBH)")
    LPSK = "lpsk", _("LPSK")
    KOMDIGI = "komdigi", _("Komdigi")
    COMMUNITY = "community", _("Lembaga Layanan Berbasis Masyarakat")

    @classmethod
    def receiving_by_default(cls) -> frozenset[str]:
        """Kinds whose new agencies receive complaints unless set otherwise. Only the starting
        value of ``Agency.receives_complaints``: whether an agency receives is that field (R1)."""
        return frozenset({cls.UPTD_PPA, cls.POLICE_UNIT, cls.HOSPITAL, cls.PUSKESMAS})


class Institution(models.TextChoices):
    """The seven institutions of the SKB, the provincial government and community providers."""

    KEMENPPPA = "kemenpppa", _("Kementerian PPPA")
    KEMENSOS = "kemensos", _("Kementerian Sosial")
    KEMENKUM = "kemenkum", _("Kementerian Hukum")
    KEMENKES = "kemenkes", _("Kementerian Kesehatan")
    KOMDIGI = "komdigi", _("Kementerian Komunikasi dan Digital")
    POLRI = "polri", _("Kepolisian Negara Republik Indonesia")
    LPSK = "lpsk", _("Lembaga Perlindungan Saksi dan Korban")
    PEMPROV_DKI = "pemprov_dki", _("Pemerintah Provinsi DKI Jakarta")
    COMMUNITY = "community", _("Masyarakat")


class Region(models.TextChoices):
    """Kota/kabupaten administrasi of DKI Jakarta (BPS codes)."""

    JAKARTA_PUSAT = "3171", _("Kota Jakarta Pusat")
    JAKARTA_UTARA = "3172", _("Kota Jakarta Utara")
    JAKARTA_BARAT = "3173", _("Kota Jakarta Barat")
    JAKARTA_SELATAN = "3174", _("Kota Jakarta Selatan")
    JAKARTA_TIMUR = "3175", _("Kota Jakarta Timur")
    KEPULAUAN_SERIBU = "3101", _("Kabupaten Kepulauan Seribu")
    PROVINCE = "31", _("Provinsi DKI Jakarta (seluruh wilayah)")
    NATIONAL = "00", _("Nasional")


class ServiceCategory(models.TextChoices):
    HEALTH = "health", _("Kesehatan")
    LEGAL = "legal", _("Bantuan hukum")
    SOCIAL = "social", _("Rehabilitasi sosial")
    PSYCHOLOGICAL = "psychological", _("Dukungan psikologis")
    SECURITY = "security", _("Perlindungan keamanan")
    OTHER = "other", _("Pemulihan lainnya")


class Service(models.Model):
    """An entry of the service catalogue (SPEC §5: docs/architecture.md#sources)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("nama layanan"), max_length=120)
    category = models.CharField(_("kategori"), max_length=20, choices=ServiceCategory.choices)
    description = LimitedTextField(_("keterangan"), blank=True, max_length=limits.NOTE)
    is_active = models.BooleanField(_("aktif"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["category", "name"]
        verbose_name = _("layanan")
        verbose_name_plural = _("katalog layanan")

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("nama lembaga"), max_length=200, unique=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=AgencyKind.choices)
    institution = models.CharField(_("institusi induk"), max_length=20, choices=Institution.choices)
    region = models.CharField(_("wilayah"), max_length=4, choices=Region.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("lembaga induk"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    services = models.ManyToManyField(Service, verbose_name=_("layanan yang diberikan"), blank=True,
                                      related_name="agencies")
    # Object permissions on cases are granted to this group (django-guardian), one per agency.
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="agency", editable=False)
    #: R1 (SKB B.2.a.1, E.1.b): any service institution may receive reports of violence,
    #: discrimination and other problems; whether this one does is its own setting.
    receives_complaints = models.BooleanField(
        _("menerima pengaduan"), default=False,
        help_text=_("Lembaga ini menerima dan mencatat pengaduan (lembaga penerima); respons awal "
                    "1×24 jam berlaku untuk setiap pengaduan yang diterimanya."))
    is_active = models.BooleanField(_("aktif"), default=True)

    history = HistoricalRecords(m2m_fields=[services])

    class Meta:
        ordering = ["name"]
        verbose_name = _("lembaga")
        verbose_name_plural = _("lembaga")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    # UPTD PPA staff (Perbup SOP actors)
    ADMIN_OFFICER = "admin_officer", _("Petugas administrasi")
    PENDAMPING = "pendamping", _("Pendamping korban")
    KONSELOR = "konselor", _("Konselor")
    MEDIATOR = "mediator", _("Mediator")
    RELAWAN = "relawan", _("Relawan SATGAS")
    HEAD = "head", _("Kepala unit")
    # Officers of other receiving/serving agencies
    INVESTIGATOR = "investigator", _("Penyidik PPA")
    HEALTH_WORKER = "health_worker", _("Tenaga kesehatan")
    SOCIAL_WORKER = "social_worker", _("Pekerja sosial")
    LEGAL_AID = "legal_aid", _("Pemberi bantuan hukum")
    LPSK_OFFICER = "lpsk_officer", _("Petugas LPSK")
    KOMDIGI_OFFICER = "komdigi_officer", _("Petugas Komdigi")
    # Tim Percepatan positions
    TP_PENGARAH = "tp_pengarah", _("Pengarah Tim Percepatan")
    TP_KETUA = "tp_ketua", _("Ketua Tim Percepatan")
    TP_WAKIL_KETUA = "tp_wakil_ketua", _("Wakil Ketua Tim Percepatan")
    TP_PENDAMPING_TEKNIS = "tp_pendamping_teknis", _("Tim Pendamping Teknis")
    TP_ANGGOTA = "tp_anggota", _("Anggota Tim Percepatan")
    TP_SEKRETARIS = "tp_sekretaris", _("Sekretaris rapat")
    # Others
    MINISTRY_VIEWER = "ministry_viewer", _("Pemantau kementerian")
    SYSTEM_ADMIN = "system_admin", _("Administrator sistem")


#: Roles that work cases inside an agency (they receive access through their agency).
CASE_WORK_ROLES = frozenset({
    Role.ADMIN_OFFICER, Role.PENDAMPING, Role.KONSELOR, Role.MEDIATOR, Role.RELAWAN, Role.HEAD,
    Role.INVESTIGATOR, Role.HEALTH_WORKER, Role.SOCIAL_WORKER, Role.LEGAL_AID, Role.LPSK_OFFICER,
    Role.KOMDIGI_OFFICER,
})
TEAM_ROLES = frozenset({
    Role.TP_PENGARAH, Role.TP_KETUA, Role.TP_WAKIL_KETUA, Role.TP_PENDAMPING_TEKNIS,
    Role.TP_ANGGOTA, Role.TP_SEKRETARIS,
})
#: Roles that must pass a TOTP second factor at every login (docs/access.md §1a).
TOTP_REQUIRED_ROLES = frozenset({Role.HEAD, Role.TP_KETUA, Role.TP_WAKIL_KETUA, Role.SYSTEM_ADMIN})


class Language(models.TextChoices):
    """The interface languages (settings.LANGUAGES); each label in its own language."""

    INDONESIAN = "id", "Bahasa Indonesia"
    ENGLISH = "en", "English"


class User(AbstractUser):
    """A person who signs in. What they may do comes from their dated memberships."""

    full_name = models.CharField(_("nama lengkap"), max_length=200, blank=True)
    position_title = models.CharField(_("jabatan"), max_length=200, blank=True)
    phone = models.CharField(_("telepon kantor"), max_length=30, blank=True)
    # The interface language she chose with the language selector; the interface opens in
    # Indonesian until she chooses otherwise, whatever her browser asks for.
    language = models.CharField(_("bahasa antarmuka"), max_length=8, choices=Language.choices,
                                default=Language.INDONESIAN)

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class MembershipQuerySet(models.QuerySet):
    def active(self, at=None):
        at = at or timezone.localdate()
        return self.filter(
            Q(valid_from__lte=at), Q(valid_until__isnull=True) | Q(valid_until__gte=at),
            agency__is_active=True,
        )


class Membership(models.Model):
    """A user's role in an agency for a period (officers rotate; a user may hold several)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("peran"), max_length=30, choices=Role.choices)
    valid_from = models.DateField(_("berlaku mulai"), default=timezone.localdate)
    valid_until = models.DateField(_("berlaku sampai"), null=True, blank=True)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user", "-valid_from"]
        verbose_name = _("keanggotaan")
        verbose_name_plural = _("keanggotaan")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="membership_period_valid",
            ),
        ]
        indexes = [models.Index(fields=["user", "valid_from", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"

    def is_active_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_until is None or self.valid_until >= day)


class SigningDelegation(models.Model):
    """Signing power delegated to a designated official (pejabat yang ditunjuk) for a period."""

    official = models.ForeignKey(User, on_delete=models.PROTECT, related_name="signing_delegations")
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField(_("berlaku mulai"))
    valid_until = models.DateField(_("berlaku sampai"))
    #: The Ketua's decree (surat keputusan) that designates the official.
    decree_number = models.CharField(_("nomor surat keputusan"), max_length=100, blank=True)
    reason = models.CharField(_("dasar penunjukan"), max_length=300)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("penunjukan pejabat penandatangan")
        verbose_name_plural = _("penunjukan pejabat penandatangan")
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("valid_from")),
                                   name="delegation_period_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.official} ({self.valid_from} – {self.valid_until})"

    def covers(self, day) -> bool:
        return self.revoked_at is None and self.valid_from <= day <= self.valid_until


class ActingHeadQuerySet(models.QuerySet):
    def covering(self, day=None):
        """Delegations in force on ``day`` (today by default): started, not past their end, and
        not ended early on or before that day."""
        day = day or timezone.localdate()
        return self.filter(Q(start__lte=day), Q(end__gte=day),
                           Q(ended_on__isnull=True) | Q(ended_on__gt=day))


class ActingHead(models.Model):
    """An acting head (Plt., pelaksana tugas kepala): a member of the agency who acts as its head
    for a dated period, appointed by the head or a system administrator on a written order.

    While the delegation covers a day the acting head may do on that day what the head does
    (``agencies.policies``); every such act records that it was done as acting head. Ending a
    delegation early (the head is back) sets ``ended_on``, the first day it no longer covers, so
    the days it did cover stay answerable."""

    agency = models.ForeignKey(Agency, verbose_name=_("lembaga"), on_delete=models.PROTECT,
                               related_name="acting_heads")
    user = models.ForeignKey(User, verbose_name=_("pelaksana tugas"), on_delete=models.PROTECT,
                             related_name="acting_head_posts")
    start = models.DateField(_("berlaku mulai"))
    end = models.DateField(_("berlaku sampai"))
    reference = models.CharField(_("dasar penunjukan (nomor surat perintah)"), max_length=200)
    granted_by = models.ForeignKey(User, verbose_name=_("ditunjuk oleh"), on_delete=models.PROTECT,
                                   related_name="+")
    ended_on = models.DateField(_("diakhiri mulai"), null=True, blank=True)
    ended_by = models.ForeignKey(User, verbose_name=_("diakhiri oleh"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = ActingHeadQuerySet.as_manager()

    class Meta:
        ordering = ["agency", "-start", "-id"]
        verbose_name = _("pelaksana tugas kepala (Plt.)")
        verbose_name_plural = _("pelaksana tugas kepala (Plt.)")
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")),
                                   name="acting_head_period_valid"),
        ]
        indexes = [models.Index(fields=["user", "agency", "start", "end"])]

    def __str__(self) -> str:
        return f"Plt. {self.agency} — {self.user} ({self.start} – {self.end})"

    def covers(self, day) -> bool:
        return self.start <= day <= self.end and (self.ended_on is None or self.ended_on > day)

    @property
    def last_day(self):
        """The last day the delegation covers (None when ended before it started)."""
        if self.ended_on is None:
            return self.end
        last = min(self.end, self.ended_on - timedelta(days=1))
        return last if last >= self.start else None
