"""What the meeting does with each agenda item: presentation, joint assessment, decision, action
items — and the append-only follow-up of those action items."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common import limits
from common.fields import LimitedTextField

__all__ = ["CasePresentation", "Rating", "ASSESSMENT_DIMENSIONS", "JointAssessment", "DecisionKind",
           "SELECTING_KINDS", "Decision", "ActionItem", "FollowUpStatus", "FollowUp", "AlertKind",
           "ActionItemAlert"]


class CasePresentation(models.Model):
    """The presentation (paparan) written by the receiving institution (SKB E.1.b.2.a). A text of
    its own, apart from the encrypted intake chronology; the service refuses one that carries the
    victim's name or NIK, so it can go into the minutes that every institution reads."""

    agenda_item = models.OneToOneField("meetings.AgendaItem", on_delete=models.CASCADE,
                                       related_name="presentation")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    chronology = LimitedTextField(_("kronologi singkat"), max_length=limits.PRESENTATION_CHRONOLOGY)
    current_condition = LimitedTextField(_("kondisi terkini korban"), max_length=limits.NOTE)
    obstacles = LimitedTextField(_("hambatan penanganan"), max_length=limits.NOTE)
    #: Who wrote it: the receiving agency's staff, or the secretary who recorded an oral one.
    presented_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    #: An oral presentation recorded at the meeting by the secretary: who presented it (name and
    #: position as said at the meeting). Empty for one written beforehand by the receiving agency.
    oral_presenter = models.CharField(_("penyaji paparan lisan"), max_length=200, blank=True)
    #: Words of the narrative that matched a victim's or perpetrator's name and that the presenter
    #: confirmed are common words ("putri"): recorded, with the history of the row.
    confirmed_common_words = ArrayField(models.CharField(max_length=60), default=list, blank=True,
                                        verbose_name=_("kata umum yang dikonfirmasi"))
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("paparan kasus")
        verbose_name_plural = _("paparan kasus")

    @property
    def is_oral(self) -> bool:
        return bool(self.oral_presenter)


class Rating(models.IntegerChoices):
    LOW = 1, _("Rendah")
    MEDIUM = 2, _("Sedang")
    HIGH = 3, _("Tinggi")
    VERY_HIGH = 4, _("Sangat tinggi")


#: SKB E.1.b.2.b (i)–(iv): field prefix and label.
ASSESSMENT_DIMENSIONS = (
    ("violence", _("Jenis dan bentuk kekerasan")),
    ("urgency", _("Urgensi penanganan dan risiko keamanan korban")),
    ("psychosocial", _("Dampak psikososial dan kebutuhan layanan mendesak")),
    ("coordination", _("Hambatan koordinasi antarinstansi")),
)


class JointAssessment(models.Model):
    """The joint assessment (asesmen bersama) by all members: four dimensions, each a rating of
    severity with notes."""

    agenda_item = models.OneToOneField("meetings.AgendaItem", on_delete=models.CASCADE,
                                       related_name="assessment")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    violence_rating = models.PositiveSmallIntegerField(_("kekerasan: penilaian"), choices=Rating.choices)
    violence_notes = LimitedTextField(_("kekerasan: catatan"), blank=True, max_length=limits.NOTE)
    urgency_rating = models.PositiveSmallIntegerField(_("urgensi: penilaian"), choices=Rating.choices)
    urgency_notes = LimitedTextField(_("urgensi: catatan"), blank=True, max_length=limits.NOTE)
    psychosocial_rating = models.PositiveSmallIntegerField(_("psikososial: penilaian"),
                                                           choices=Rating.choices)
    psychosocial_notes = LimitedTextField(_("psikososial: catatan"), blank=True, max_length=limits.NOTE)
    coordination_rating = models.PositiveSmallIntegerField(_("koordinasi: penilaian"), choices=Rating.choices)
    coordination_notes = LimitedTextField(_("koordinasi: catatan"), blank=True, max_length=limits.NOTE)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("asesmen bersama")
        verbose_name_plural = _("asesmen bersama")

    def dimensions(self):
        """[(label, rating label, notes)] in the decree's order."""
        out = []
        for prefix, label in ASSESSMENT_DIMENSIONS:
            rating = getattr(self, f"{prefix}_rating")
            out.append((label, Rating(rating).label if rating else "", getattr(self, f"{prefix}_notes")))
        return out


class DecisionKind(models.TextChoices):
    SELECT = "select", _("Ditetapkan masuk program terpadu")
    NOT_SELECT = "not_select", _("Tidak ditetapkan")
    DEFER = "defer", _("Ditunda")
    EMERGENCY_CONFIRM = "emergency_confirm", _("Penetapan formal kasus darurat (akses dikukuhkan)")
    EMERGENCY_REVOKE = "emergency_revoke", _("Kasus darurat tidak ditetapkan (akses sementara dicabut)")
    CONTINUE = "continue", _("Tinjauan: penanganan dilanjutkan")


#: Decisions that count towards the weekly target of selected cases.
SELECTING_KINDS = frozenset({DecisionKind.SELECT, DecisionKind.EMERGENCY_CONFIRM})


class Decision(models.Model):
    """One entry of the decision log, for one agenda item. It takes effect on the case and its
    access only once the minutes carrying it are signed (``applied_at``, set by ``meetings.signing``)."""

    agenda_item = models.OneToOneField("meetings.AgendaItem", on_delete=models.PROTECT,
                                       related_name="decision")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="decisions")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="meeting_decisions")
    kind = models.CharField(_("keputusan"), max_length=20, choices=DecisionKind.choices)
    reason = LimitedTextField(_("alasan/pertimbangan"), blank=True, max_length=limits.DECISION_REASON)
    serving_agencies = models.ManyToManyField("agencies.Agency", blank=True, related_name="+",
                                              verbose_name=_("lembaga pelaksana layanan"))
    coordinator_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True,
                                           blank=True, related_name="+",
                                           verbose_name=_("lembaga koordinator"))
    #: The triage's answer when the decision was recorded (SKB E.1.a, R23): the criteria that held
    #: (triage/rules.py CRITERIA codes) and whether the case met them; None: no triage.
    criteria_met = ArrayField(models.CharField(max_length=20), default=list, blank=True,
                              verbose_name=_("kriteria terpenuhi (verifikasi)"))
    triage_eligible = models.BooleanField(_("memenuhi kriteria menurut verifikasi"), null=True, blank=True)
    #: Criterion 5 (SKB E.1.a.5): the meeting declares the case a priority pilot case, with a reason.
    #: Required to select a case the triage found not eligible, or that has no triage.
    priority_pilot = models.BooleanField(_("kriteria 5: kasus prioritas percontohan"), default=False)
    priority_reason = LimitedTextField(_("alasan penetapan kriteria 5"), blank=True,
                                       max_length=limits.DECISION_REASON)
    #: R26 (SKB E.1.d): on a selection, the Ketua — or the official she designates — who
    #: coordinates the case until termination, besides the coordinating agency.
    case_coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="+",
                                         verbose_name=_("koordinator kasus (Ketua Tim Percepatan)"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    #: Set when the signed minutes put the decision into effect (``meetings.signing``).
    applied_at = models.DateTimeField(null=True, blank=True)
    #: In an addendum: the earlier decision this one replaces (its access is revoked at signing).
    supersedes = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="superseded_by")

    history = HistoricalRecords(m2m_fields=[serving_agencies])

    class Meta:
        ordering = ["agenda_item__position", "id"]
        verbose_name = _("keputusan rapat")
        verbose_name_plural = _("log keputusan")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["select", "emergency_confirm"]) | Q(coordinator_agency__isnull=False),
                name="selection_names_coordinator"),
            models.CheckConstraint(condition=Q(priority_pilot=False) | ~Q(priority_reason=""),
                                   name="criterion_5_has_reason"),
        ]

    @property
    def is_selection(self) -> bool:
        return self.kind in SELECTING_KINDS


class ActionItem(models.Model):
    """An action item of a decision: what, which agency, by when. Its definition is fixed once the
    minutes are signed; progress lives in append-only FollowUp rows."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="action_items")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="action_items")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="meeting_action_items")
    description = LimitedTextField(_("tindak lanjut"), max_length=limits.NOTE)
    responsible_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                                           related_name="meeting_action_items",
                                           verbose_name=_("lembaga penanggung jawab"))
    due_date = models.DateField(_("batas waktu"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("tindak lanjut keputusan")
        verbose_name_plural = _("tindak lanjut keputusan")
        indexes = [models.Index(fields=["responsible_agency", "due_date"]),
                   # The action-item deadline sweep's due query (common.deadlines).
                   models.Index(fields=["due_date", "id"], name="actionitem_due_idx")]


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Berjalan")
    DONE = "done", _("Selesai")
    OVERDUE = "overdue", _("Terlambat")


class FollowUp(models.Model):
    """Append-only: the state of an action item is its latest row. ``by`` is empty when the sweep
    marked it overdue. ``on_time`` is set on a ``done`` row (IKU 4: followed up on time)."""

    action_item = models.ForeignKey(ActionItem, on_delete=models.PROTECT, related_name="follow_ups")
    status = models.CharField(_("status"), max_length=10, choices=FollowUpStatus.choices)
    evidence = LimitedTextField(_("bukti/keterangan"), blank=True, max_length=limits.NOTE)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    on_time = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("perkembangan tindak lanjut")
        verbose_name_plural = _("perkembangan tindak lanjut")
        indexes = [models.Index(fields=["action_item", "-at", "-id"])]

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Follow-up rows are append-only.")
        super().save(*args, **kwargs)


class AlertKind(models.TextChoices):
    REMINDER = "reminder", _("Pengingat sebelum batas waktu")
    OVERDUE = "overdue", _("Ditandai terlambat")


class ActionItemAlert(models.Model):
    """What the sweep already did for an action item: one row per kind, by constraint, so a sweep
    that runs twice reminds once and marks overdue once."""

    action_item = models.ForeignKey(ActionItem, on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(max_length=10, choices=AlertKind.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["action_item", "kind"], name="one_alert_per_kind")]
