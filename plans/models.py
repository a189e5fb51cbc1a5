"""The case conference and the service plan per agency (R11; SKB E.1.d, E.3.c, E.4.b).

A selected case has one ``Plan``. Each case conference (``CaseConference``) — or a change to an
approved plan — produces a new ``PlanVersion``; earlier versions stay as they were (readable, never
edited). A version is a draft until the coordinating agency's head approves it. Its
``ServiceItem`` rows say which agency provides which catalogue service, in which role, when, and how
far it has come (``plans.lifecycle`` owns the status). Access follows the latest approved version:
an agency named in it holds a ``service`` grant whose source is the plan (``plans.services``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common import limits
from common.fields import LimitedTextField


class Plan(models.Model):
    """The one service plan of a case; its versions carry the content. Its id is the
    ``source_ref`` of the grants it gives."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="service_plan")
    coordinator_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                                           verbose_name=_("lembaga koordinator"))
    #: R26: the Ketua, or the official she designated, named by the signed decision (none while
    #: the plan is provisional).
    case_coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rencana layanan")
        verbose_name_plural = _("rencana layanan")

    @property
    def grant_ref(self) -> str:
        return f"rencana {self.pk}"


class CaseConference(models.Model):
    """A case conference (R11): when it was held, who attended, the signed decision it follows —
    none for an emergency still awaiting its formal decision, whose plan then starts provisional —
    and what was agreed."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="conferences")
    held_on = models.DateField(_("tanggal case conference"))
    decision = models.ForeignKey("meetings.Decision", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("keputusan rapat yang diikuti"))
    provisional = models.BooleanField(_("sementara (menunggu penetapan formal)"), default=False)
    agreed = LimitedTextField(_("yang disepakati"), blank=True, max_length=limits.NOTE)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("case conference")
        constraints = [
            models.CheckConstraint(condition=Q(decision__isnull=False) | Q(provisional=True),
                                   name="conference_follows_decision_or_is_provisional"),
        ]


class ConferenceAttendee(models.Model):
    conference = models.ForeignKey(CaseConference, on_delete=models.PROTECT, related_name="attendees")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("lembaga"))
    position = models.CharField(_("jabatan"), max_length=limits.NAME)

    class Meta:
        ordering = ["id"]
        verbose_name = _("peserta case conference")


class PlanVersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    APPROVED = "approved", _("Disetujui")


class PlanVersion(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("versi"))
    conference = models.ForeignKey(CaseConference, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="versions")
    provisional = models.BooleanField(_("sementara"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=PlanVersionStatus.choices,
                              default=PlanVersionStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("versi rencana layanan")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique"),
            models.UniqueConstraint(fields=["plan"], condition=Q(status="draft"),
                                    name="plan_one_draft_at_a_time"),
            models.CheckConstraint(condition=Q(status="draft") | Q(approved_by__isnull=False,
                                                                   approved_at__isnull=False),
                                   name="plan_approved_has_approver"),
        ]

    @property
    def is_draft(self) -> bool:
        return self.status == PlanVersionStatus.DRAFT


class ItemRole(models.TextChoices):
    LEAD = "lead", _("Penanggung jawab utama")
    SUPPORT = "support", _("Pendukung")


class ItemStatus(models.TextChoices):
    PLANNED = "planned", _("Direncanakan")
    IN_PROGRESS = "in_progress", _("Sedang berjalan")
    DELIVERED = "delivered", _("Selesai diberikan")
    CANCELLED = "cancelled", _("Dibatalkan")


class ServiceItem(models.Model):
    """One service of one agency in one plan version. A new version copies the items of the one
    before (``origin`` links the copies), so a version reads whole on its own."""

    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="items")
    origin = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    service = models.ForeignKey("agencies.Service", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("layanan"))
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("lembaga penanggung jawab"))
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("petugas"))
    role = models.CharField(_("peran"), max_length=10, choices=ItemRole.choices)
    planned_start = models.DateField(_("rencana mulai"), null=True, blank=True)
    planned_end = models.DateField(_("rencana selesai"), null=True, blank=True)
    frequency = models.CharField(_("frekuensi"), max_length=limits.NAME, blank=True)
    #: Set when the agency does not provide the service in the catalogue (warned, allowed with reason).
    off_catalogue_reason = LimitedTextField(_("alasan di luar katalog lembaga"), blank=True,
                                            max_length=limits.SHORT_REASON)
    status = models.CharField(_("status"), max_length=12, choices=ItemStatus.choices,
                              default=ItemStatus.PLANNED)
    cancel_reason = LimitedTextField(_("alasan pembatalan"), blank=True, max_length=limits.SHORT_REASON)

    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "id"]
        verbose_name = _("layanan dalam rencana")
        constraints = [
            models.CheckConstraint(condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                                   name="service_item_cancel_has_reason"),
            models.CheckConstraint(condition=Q(planned_end__isnull=True) | Q(planned_start__isnull=True)
                                   | Q(planned_end__gte=models.F("planned_start")),
                                   name="service_item_end_after_start"),
        ]


class Confidentiality(models.TextChoices):
    """Who reads a delivery record (docs/access.md "Delivery records: who reads which")."""

    UMUM = "umum", _("Umum (semua lembaga dalam rencana)")
    TERBATAS = "terbatas", _("Terbatas (lembaga koordinator dan lembaga pencatat)")


class DeliveryRecord(models.Model):
    """What an agency did for the case (SKB E.3.c, R10): on a service item of the plan, or — for an
    agency acting under a temporary emergency grant without a plan item — on the case itself, with
    the agency that acted. ``terbatas`` records are read by the coordinating agency and the
    recording agency only (``plans.delivery.delivery_records_visible``)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="delivery_records")
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="deliveries", verbose_name=_("layanan dalam rencana"))
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("lembaga pencatat"))
    delivered_on = models.DateField(_("tanggal layanan"))
    done = LimitedTextField(_("yang dilakukan"), max_length=limits.NOTE)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("petugas"))
    notes = LimitedTextField(_("catatan"), blank=True, max_length=limits.NOTE)
    confidentiality = models.CharField(_("kerahasiaan"), max_length=10, choices=Confidentiality.choices,
                                       default=Confidentiality.UMUM)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-delivered_on", "-id"]
        verbose_name = _("catatan pelaksanaan layanan")
        constraints = [
            models.CheckConstraint(condition=~Q(done=""), name="delivery_record_says_what_was_done"),
        ]


class RecoveryIndicator(models.Model):
    """A recovery indicator agreed in the case conference (SKB E.4.b, R11) on a plan version:
    numeric, with a unit or label; progress is (current − baseline) / (target − baseline), 0–100 %."""

    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="indicators")
    name = models.CharField(_("indikator"), max_length=limits.NAME)
    unit = models.CharField(_("satuan"), max_length=50, blank=True)
    baseline = models.DecimalField(_("nilai awal"), max_digits=12, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    current = models.DecimalField(_("nilai saat ini"), max_digits=12, decimal_places=2, null=True,
                                  blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "id"]
        verbose_name = _("indikator pemulihan")
        constraints = [
            models.CheckConstraint(condition=~Q(target=models.F("baseline")),
                                   name="recovery_indicator_target_differs_from_baseline"),
        ]

    @property
    def progress(self) -> int | None:
        """Percent of the way from baseline to target, clamped to 0–100; None before a reading."""
        if self.current is None or self.target == self.baseline:
            return None
        share = (self.current - self.baseline) / (self.target - self.baseline)
        return int(max(0, min(100, round(share * 100))))
