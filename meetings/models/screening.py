"""Screening of every complaint and the agenda of cases for discussion."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common import limits

__all__ = ["ScreeningOutcome", "Screening", "AgendaKind", "AgendaStatus", "CarryReason", "AgendaItem"]


class ScreeningOutcome(models.TextChoices):
    NOTED = "noted", _("Dicatat — ditangani lembaga penerima")
    OUTSIDE_CRITERIA = "outside_criteria", _("Di luar kriteria")
    PROPOSED = "proposed", _("Diusulkan untuk ditetapkan")


class Screening(models.Model):
    """The one screening outcome of a complaint. ``complaint`` is unique: a second outcome is
    impossible in the database, whatever the code does. Rows are never changed."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="screenings")
    complaint = models.OneToOneField("cases.Complaint", on_delete=models.PROTECT, related_name="screening")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="screenings")
    outcome = models.CharField(_("hasil penyaringan"), max_length=20, choices=ScreeningOutcome.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("hasil penyaringan")
        verbose_name_plural = _("hasil penyaringan")

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("A screening outcome is never changed.")
        super().save(*args, **kwargs)


class AgendaKind(models.TextChoices):
    PROPOSED = "proposed", _("Usulan penetapan")
    EMERGENCY = "emergency", _("Kasus darurat menunggu penetapan formal")
    PROGRESS_REVIEW = "progress_review", _("Tinjauan perkembangan kasus terpilih")
    OVERDUE_ACTION = "overdue_action", _("Tindak lanjut terlambat")
    OTHER = "other", _("Ditambahkan sekretaris")


class AgendaStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu dibahas")
    DISCUSSED = "discussed", _("Dibahas")
    DEFERRED = "deferred", _("Ditunda ke rapat berikutnya")


class CarryReason(models.TextChoices):
    DEFERRED = "deferred", _("Ditunda di rapat sebelumnya")
    UNSIGNED = "unsigned", _("Keputusannya di notula yang belum ditandatangani")
    CANCELLED = "cancelled", _("Rapat sebelumnya dibatalkan")


class AgendaItem(models.Model):
    """A case on the meeting's agenda. One item per case per meeting, except overdue action
    items, which are listed one per action item."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="agenda")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="agenda_items")
    kind = models.CharField(_("jenis"), max_length=20, choices=AgendaKind.choices)
    action_item = models.ForeignKey("meetings.ActionItem", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="agenda_items")
    position = models.PositiveIntegerField(_("urutan"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=AgendaStatus.choices,
                              default=AgendaStatus.PENDING)
    defer_reason = models.CharField(_("alasan penundaan"), max_length=limits.SHORT_REASON, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    #: R4/R7: the item of an earlier meeting this one carries over (deferred, or decided in minutes
    #: never signed, or left on the agenda of a cancelled meeting). One carry per item.
    carried_from = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="carried_to", verbose_name=_("dibawa dari"))
    carry_reason = models.CharField(_("alasan dibawa"), max_length=20, choices=CarryReason.choices,
                                    blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("agenda")
        verbose_name_plural = _("agenda")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], condition=~Q(kind="overdue_action"),
                                    name="one_agenda_item_per_case"),
            models.UniqueConstraint(fields=["meeting", "action_item"],
                                    condition=Q(action_item__isnull=False),
                                    name="one_agenda_item_per_action_item"),
            models.CheckConstraint(condition=Q(kind="overdue_action", action_item__isnull=False)
                                   | (~Q(kind="overdue_action") & Q(action_item__isnull=True)),
                                   name="overdue_agenda_item_names_action_item"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}#{self.position} {self.case_id}"

    @property
    def options_kind(self) -> str:
        """The kind whose decision options the item offers (R9, SKB E.3.b): a case awaiting its
        formal emergency decision is an emergency item — confirm or revoke — whatever the screening
        or the secretary first put it on the agenda as."""
        if self.kind in (AgendaKind.PROPOSED, AgendaKind.OTHER) and self.case.awaiting_formal_decision:
            return AgendaKind.EMERGENCY
        return self.kind

    @property
    def kind_label(self) -> str:
        """What the agenda calls the item: an emergency awaiting its formal decision reads as one."""
        return AgendaKind(self.options_kind).label

    @property
    def takes_decision(self) -> bool:
        return self.kind in (AgendaKind.PROPOSED, AgendaKind.EMERGENCY, AgendaKind.PROGRESS_REVIEW,
                             AgendaKind.OTHER)
