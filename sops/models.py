"""SOP runs of a case and the steps recorded in them (Perbup HSS 63/2021; docs/sops.md).

A run is one execution of one SOP of the catalogue (sops/catalogue.py) on a case, optionally for
one of its complaints: the same case may run SOP III twice, each run with its own steps. A step is
recorded at most once per run (database constraint).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class SopRun(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="sop_runs")
    #: The complaint the run serves, when it serves one (the SOPs start from a complaint or a
    #: request); its receiving agency records the steps.
    complaint = models.ForeignKey("cases.Complaint", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="sop_runs")
    #: Code of the SOP in the catalogue ("I"–"V"); checked by the service, not by choices, so that
    #: the catalogue's wording can change without a migration.
    sop = models.CharField(_("SOP"), max_length=10)
    started_at = models.DateTimeField(_("dimulai"), default=timezone.now)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pelaksanaan SOP")
        verbose_name_plural = _("pelaksanaan SOP")
        ordering = ["started_at", "id"]
        indexes = [models.Index(fields=["complaint", "sop", "started_at"], name="sop_run_complaint_sop")]
        constraints = [models.CheckConstraint(
            condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
            name="sop_run_ends_after_start")]

    def __str__(self) -> str:
        return f"SOP {self.sop} #{self.pk}"


class SopStepRecord(models.Model):
    """When a step of the run's SOP was done, and by whom."""

    run = models.ForeignKey(SopRun, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField(_("langkah"), max_length=40)
    done_at = models.DateTimeField(_("dilakukan"), default=timezone.now)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    #: The output document's number or reference, or a short note (never identity).
    output_ref = models.CharField(_("dokumen keluaran"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("langkah SOP")
        verbose_name_plural = _("langkah SOP")
        ordering = ["done_at", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "step"], name="one_record_per_run_step")]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.step}"
