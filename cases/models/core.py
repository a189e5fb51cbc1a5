"""The case — the unit every agency's access hangs on — its grants, assignments and timeline."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase
from simple_history.models import HistoricalRecords


class AccessLevel(models.IntegerChoices):
    """Ordered: a higher level includes everything below it."""

    NONE = 0, _("Tidak ada")
    SUMMARY = 10, _("Ringkasan")
    SERVICE = 20, _("Layanan")
    FULL = 30, _("Lengkap (identitas)")


class CaseStatus(models.TextChoices):
    """Where a case stands. Which status may follow which is ``cases.lifecycle.CASE_TRANSITIONS``
    (docs/lifecycle.md); only ``cases.lifecycle.case_status_change`` changes it."""

    REGISTERED = "registered", _("Terdaftar")
    TRIAGED = "triaged", _("Terverifikasi")
    AWAITING_DECISION = "awaiting_decision", _("Menunggu penetapan rapat")
    SELECTED = "selected", _("Ditetapkan (program terpadu)")
    HANDLED_BY_AGENCY = "handled_by_agency", _("Ditangani lembaga penerima")
    PLAN_AGREED = "plan_agreed", _("Rencana layanan disepakati")
    IN_SERVICE = "in_service", _("Dalam layanan")
    TERMINATED = "terminated", _("Terminasi")
    POST_SERVICE_MONITORING = "post_service_monitoring", _("Pemantauan pasca layanan")
    CLOSED = "closed", _("Ditutup")
    REOPENED = "reopened", _("Dibuka kembali")
    VOIDED = "voided", _("Dibatalkan")


class ViolenceType(models.TextChoices):
    """What a complaint reports. The first four are the programme's (SKB E.1.a.1); ``OTHER`` is a
    report of discrimination or another problem outside them (SKB B.2.a.1): it is received, has its
    1×24 h clock and is counted, but never meets triage criterion 1 (``programme_types``)."""

    TPKS = "tpks", _("TPKS (kekerasan seksual)")
    KBE = "kbe", _("KBE (kekerasan berbasis elektronik)")
    KDRT = "kdrt", _("KDRT")
    TPPO = "tppo", _("TPPO (perdagangan orang)")
    OTHER = "other", _("Lainnya (diskriminasi atau masalah lain)")

    @classmethod
    def programme_types(cls) -> frozenset[str]:
        """The four kinds of violence of the programme (SKB E.1.a.1): criterion 1."""
        return frozenset({cls.TPKS, cls.KBE, cls.KDRT, cls.TPPO})

    @classmethod
    def labels_of(cls, codes) -> list[str]:
        """The labels of stored codes, in the order of the choices (never a raw code)."""
        chosen = set(codes or [])
        return [str(label) for value, label in cls.choices if value in chosen]


class CaseNumberCounter(models.Model):
    """One row per year; locked while a number is taken so numbers never repeat."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class Case(models.Model):
    number = models.CharField(_("nomor kasus"), max_length=20, unique=True, editable=False)
    receiving_agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("lembaga penerima"), on_delete=models.PROTECT,
        related_name="received_cases",
    )
    status = models.CharField(_("status"), max_length=30, choices=CaseStatus.choices,
                              default=CaseStatus.REGISTERED, db_index=True)
    #: Initials of the (first) victim: what users below `full` access see.
    initials = models.CharField(_("inisial korban"), max_length=10, blank=True)
    violence_types = ArrayField(
        models.CharField(max_length=10, choices=ViolenceType.choices), default=list, blank=True,
        verbose_name=_("jenis kekerasan"),
    )
    is_emergency = models.BooleanField(_("darurat"), default=False)
    awaiting_formal_decision = models.BooleanField(_("menunggu penetapan formal"), default=False)
    opened_at = models.DateTimeField(_("dibuka"), default=timezone.now)
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("kasus")
        verbose_name_plural = _("kasus")
        permissions = [("access_case", "Can access the case at the level of the grant")]
        indexes = [
            models.Index(fields=["receiving_agency", "status"]),
            # The lists' order (docs/architecture.md, "Lists"): every case newest first, and an
            # agency's received cases newest first; search by the start of the number.
            models.Index(fields=["-opened_at", "-id"], name="case_opened_idx"),
            models.Index(fields=["receiving_agency", "-opened_at", "-id"], name="case_agency_opened_idx"),
            models.Index(fields=["number"], opclasses=["varchar_pattern_ops"], name="case_number_prefix_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cases:detail", args=[self.pk])

    @property
    def violence_type_labels(self) -> list[str]:
        return ViolenceType.labels_of(self.violence_types)


class CaseAssignment(models.Model):
    """Staff of the receiving agency assigned to the case; they hold `full` access."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="case_assignments")
    role = models.CharField(_("peran"), max_length=30)
    assigned_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("penugasan kasus")
        verbose_name_plural = _("penugasan kasus")
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], condition=Q(ended_at__isnull=True),
                                    name="one_open_assignment_per_user"),
        ]
        # A user's open assignments: one of the sets a case list unions (cases.policies).
        indexes = [models.Index(fields=["user", "case"], condition=Q(ended_at__isnull=True),
                                name="assignment_open_user_idx")]


class GrantSource(models.TextChoices):
    MANUAL = "manual", _("Diberikan kepala unit")
    EMERGENCY_REFERRAL = "emergency_referral", _("Rujukan darurat (action first)")
    REFERRAL = "referral", _("Rujukan")
    SIGNED_DECISION = "signed_decision", _("Keputusan rapat yang ditandatangani")
    PLAN = "plan", _("Rencana layanan yang disetujui")


class GrantBasis(models.TextChoices):
    """Why identity (``full``) may be shared with another agency (docs/access.md "Sharing
    identity"): a consent covering that agency, or — without one — the head's written legal basis."""

    CONSENT = "consent", _("persetujuan korban/orang tua/wali")
    PROTECTION_OF_LIFE = "protection_of_life", _("perlindungan jiwa")
    INVESTIGATION_REQUEST = "investigation_request", _("permintaan penyidikan")


#: The legal bases the head may write down when no consent covers the agency.
LEGAL_BASES = (GrantBasis.PROTECTION_OF_LIFE, GrantBasis.INVESTIGATION_REQUEST)


class CaseGrant(GroupObjectPermissionBase):
    """Access to one case for one agency from one source (granted to the agency's group;
    django-guardian direct foreign-key model).

    At most one *active* row per case, agency and source (a partial unique constraint): a signed
    decision, an emergency referral and the head's own grant each keep their row, so ending one
    leaves the others. Re-granting the same source updates its active row; granting it again after
    it was revoked opens a new row. Rows are never deleted: a revoked row keeps ``revoked_at`` and
    simple-history keeps every state. The agency's level is the highest of its active rows
    (cases.policies)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="grants")
    level = models.PositiveSmallIntegerField(_("tingkat akses"), choices=AccessLevel.choices)
    source = models.CharField(_("sumber"), max_length=30, choices=GrantSource.choices)
    source_ref = models.CharField(_("rujukan sumber"), max_length=100, blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", null=True, blank=True)
    granted_at = models.DateTimeField(_("diberikan"), default=timezone.now)
    expires_at = models.DateTimeField(_("berakhir"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", null=True, blank=True)
    revoke_reason = models.CharField(max_length=300, blank=True)
    #: Why the head granted it (required for ``full``).
    reason = models.CharField(_("alasan"), max_length=300, blank=True)
    #: What allows sharing identity (``full`` only): a consent, or the head's legal basis.
    basis = models.CharField(_("dasar"), max_length=30, choices=GrantBasis.choices, blank=True)

    history = HistoricalRecords()

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("hak akses kasus")
        verbose_name_plural = _("hak akses kasus")
        indexes = [models.Index(fields=["group", "content_object"])]
        # guardian's base declares unique_together (group, permission, content_object): one row per
        # agency and case. Grants are per source and revoked rows stay, so that is dropped here and
        # replaced by one active row per (case, agency, source).
        unique_together = ()
        constraints = [
            models.UniqueConstraint(fields=["content_object", "group", "source"],
                                    condition=Q(revoked_at__isnull=True),
                                    name="one_active_grant_per_source"),
        ]

    @property
    def case(self) -> Case:
        return self.content_object

    def is_active_at(self, when) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > when)


class _EventTypes(type):
    """``EventType.STATUS_CHANGED`` answers the type declared in its app's ``events.py``."""

    def __getattr__(cls, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        from cases.event_registry import registry

        try:
            return registry.by_name(name)
        except KeyError:
            raise AttributeError(f"No timeline event type {name}") from None

    def __call__(cls, code: int):
        from cases.event_registry import registry

        try:
            return registry.get(int(code))
        except KeyError:
            raise ValueError(f"{code!r} is not a timeline event type") from None

    def __iter__(cls):
        from cases.event_registry import registry

        return iter(registry.all())

    @property
    def choices(cls) -> list[tuple[int, str]]:
        return [(int(spec), spec.label) for spec in cls]


class EventType(metaclass=_EventTypes):
    """Timeline event types, kept under this name for existing code: each type is declared by its
    app in its ``events.py`` (``cases.event_registry``: numbers, labels, payload keys, writers) —
    a new type needs no migration here. Never renumber: KPIs are computed from these rows."""


class CaseEvent(models.Model):
    """One row per business action on a case, written in the action's transaction.
    ``payload`` is small and never carries identity."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    #: A type declared in ``cases.event_registry`` (no ``choices``: new types need no migration).
    event_type = models.PositiveSmallIntegerField(db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("peristiwa kasus")
        verbose_name_plural = _("linimasa kasus")
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.type_label} {self.at:%Y-%m-%d %H:%M}"

    @property
    def type_label(self):
        """The type's Indonesian label, from its declaration (what the timeline shows)."""
        from cases.event_registry import registry

        return registry.label(self.event_type)

    def get_event_type_display(self):  # the name Django gave it while the field had choices
        return self.type_label
