"""Verification and triage of a complaint (docs/triage.md): criteria, complexity, emergency, risk.

The rules that turn these answers into eligibility and risk live in triage/rules.py as data and
are described in docs/triage.md.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common import limits
from common.fields import EncryptedTextField


class RiskLevel(models.TextChoices):
    LOW = "low", _("Rendah")
    MEDIUM = "medium", _("Sedang")
    HIGH = "high", _("Tinggi")
    EMERGENCY = "emergency", _("Darurat")


class EmergencyCondition(models.TextChoices):
    """SKB E.3.a"""

    THREAT_TO_LIFE = "threat_to_life", _("Ancaman serius terhadap nyawa atau kesehatan fisik/mental")
    ONGOING_VIOLENCE = "ongoing_violence", _("Kekerasan berlangsung atau kemungkinan berulang segera")
    SEVERE_INJURY = "severe_injury", _("Luka berat atau perlu penanganan medis segera")
    SEVERE_PSYCH = "severe_psych", _("Kondisi psikologis berat termasuk risiko bunuh diri")
    NO_SAFE_PLACE = "no_safe_place", _("Tidak punya tempat aman dan/atau di bawah kendali pelaku")


class ComplexityCondition(models.TextChoices):
    """SKB E.1.a.3 (a)–(h)"""

    MULTI_INSTITUTION = "multi_institution", _("Melibatkan lebih dari satu lembaga")
    LONG_TERM_IMPACT = "long_term_impact", _("Dampak jangka panjang fisik/psikis/sosial/ekonomi")
    RETRAUMATISATION = "retraumatisation", _("Risiko retraumatisasi bila ditangani terpisah")
    LEGAL_OBSTACLES = "legal_obstacles", _("Hambatan hukum atau pemulihan yang signifikan")
    MULTIPLE_FORMS = "multiple_forms", _("Lebih dari satu bentuk kekerasan")
    POWER_RELATION = "power_relation", _("Pelaku dalam relasi kuasa dengan korban")
    PUBLIC_OFFICIAL = "public_official", _("Pelaku pejabat publik")
    SPECIAL_PROTECTION = "special_protection", _("Butuh perlindungan khusus/rumah aman")


class TriageAssessment(models.Model):
    """The verification of one complaint. A new assessment replaces the previous (history keeps it)."""

    complaint = models.OneToOneField("cases.Complaint", on_delete=models.PROTECT,
                                     related_name="triage")
    emergency_conditions = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    complexity_conditions = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    #: Why conditions (e), (f) or (g) differ from what was registered (``rules.registered_complexity``).
    complexity_change_reason = models.CharField(_("alasan perubahan kondisi dari data registrasi"),
                                                max_length=limits.SHORT_REASON, blank=True)
    needs_multiple_services = models.BooleanField(_("butuh lebih dari satu layanan"), default=False)
    cross_region = models.BooleanField(_("lintas wilayah/kewenangan"), default=False)
    assessed_risk = models.CharField(_("risiko (dinilai)"), max_length=10, choices=RiskLevel.choices)
    risk_level = models.CharField(_("tingkat risiko"), max_length=10, choices=RiskLevel.choices)
    risk_override_reason = models.CharField(_("alasan perubahan risiko"), max_length=limits.SHORT_REASON,
                                            blank=True)
    risk_overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                           null=True, blank=True, related_name="+")
    risk_overridden_at = models.DateTimeField(_("waktu perubahan risiko"), null=True, blank=True)
    eligible = models.BooleanField(_("memenuhi kriteria program terpadu"), default=False)
    #: Codes of the criteria that held (triage/rules.py CRITERIA): shown at the meeting.
    criteria_met = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    #: [{"code": rule code, "text": reason in Indonesian}] — why the rules answered as they did.
    explanation = models.JSONField(default=list, blank=True)
    # Encrypted: free text typed at triage may carry a name despite the label.
    notes = EncryptedTextField(_("catatan (tanpa identitas)"), blank=True, max_length=limits.NOTE)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)
    #: Set when the facts the triage read changed after it (a victim added or corrected:
    #: ``triage.services.triage_mark_for_review``); a new triage clears it.
    needs_review = models.BooleanField(_("perlu ditinjau ulang"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("triase")
        verbose_name_plural = _("triase")

    @property
    def criteria_met_labels(self) -> list[str]:
        """The criteria held, as staff read them ("Kriteria 1: jenis kekerasan"), never the code."""
        from triage.rules import CRITERION_LABELS

        return [CRITERION_LABELS[c] for c in self.criteria_met if c in CRITERION_LABELS]

    @property
    def is_emergency(self) -> bool:
        return self.risk_level == RiskLevel.EMERGENCY
