"""The weekly schedule, meetings, attendance and the minutes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common import limits
from common.fields import LimitedTextField

__all__ = ["Weekday", "MeetingSchedule", "MeetingKind", "MeetingStatus", "Meeting", "Attendance",
           "PresidingRole", "MinutesStatus", "Minutes", "WEEKLY_SELECTION_TARGET"]

#: SKB E.1.b.1.b: at least two cases selected per weekly meeting.
WEEKLY_SELECTION_TARGET = 2


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Senin")
    TUESDAY = 1, _("Selasa")
    WEDNESDAY = 2, _("Rabu")
    THURSDAY = 3, _("Kamis")
    FRIDAY = 4, _("Jumat")
    SATURDAY = 5, _("Sabtu")
    SUNDAY = 6, _("Minggu")


class MeetingSchedule(models.Model):
    """The weekly schedule of the selection meeting. One active row; the sweep reads it."""

    weekday = models.PositiveSmallIntegerField(_("hari"), choices=Weekday.choices, default=Weekday.TUESDAY)
    time = models.TimeField(_("pukul"))
    place = models.CharField(_("tempat"), max_length=200)
    online_link = models.URLField(_("tautan rapat daring"), blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("durasi (menit)"), default=120)
    #: Selected cases come back for a progress review this many days after their last discussion.
    review_every_days = models.PositiveSmallIntegerField(_("tinjauan perkembangan setiap (hari)"),
                                                         default=28)
    #: Responsible agencies are reminded this many days before an action item is due.
    action_reminder_days = models.PositiveSmallIntegerField(_("pengingat tindak lanjut (hari sebelum)"),
                                                            default=2)
    is_active = models.BooleanField(_("aktif"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jadwal rapat mingguan")
        verbose_name_plural = _("jadwal rapat mingguan")
        constraints = [models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True),
                                               name="one_active_meeting_schedule")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.time:%H:%M}"


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("Rutin mingguan")
    AD_HOC = "ad_hoc", _("Sewaktu-waktu")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Terjadwal")
    OPEN = "open", _("Berlangsung")
    CLOSED = "closed", _("Selesai")
    CANCELLED = "cancelled", _("Dibatalkan")


class PresidingRole(models.TextChoices):
    KETUA = "tp_ketua", _("Ketua Tim Percepatan")
    WAKIL_KETUA = "tp_wakil_ketua", _("Wakil Ketua Tim Percepatan")


class Meeting(models.Model):
    """A selection meeting (rapat penelaahan). ``scheduled_for`` is the slot it was planned for and
    never changes; ``starts_at`` moves when it is rescheduled (held-on-schedule is a KPI)."""

    kind = models.CharField(_("jenis"), max_length=10, choices=MeetingKind.choices)
    title = models.CharField(_("judul"), max_length=200)
    scheduled_for = models.DateTimeField(_("jadwal semula"))
    starts_at = models.DateTimeField(_("waktu rapat"))
    place = models.CharField(_("tempat"), max_length=200)
    online_link = models.URLField(_("tautan rapat daring"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MeetingStatus.choices,
                              default=MeetingStatus.SCHEDULED, db_index=True)
    reschedule_count = models.PositiveSmallIntegerField(default=0)
    reschedule_reason = models.CharField(_("alasan penjadwalan ulang"), max_length=limits.SHORT_REASON,
                                         blank=True)
    cancel_reason = models.CharField(_("alasan pembatalan"), max_length=limits.SHORT_REASON, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(_("dibuka"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)
    #: Recorded when the meeting opens: the ketua, or the wakil ketua when the ketua is absent.
    presiding_officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                          null=True, blank=True, related_name="+",
                                          verbose_name=_("pimpinan rapat"))
    presiding_role = models.CharField(_("jabatan pimpinan rapat"), max_length=20,
                                      choices=PresidingRole.choices, blank=True)
    #: KPI (IKU 4): opened on the day it was planned for, without being moved.
    held_on_schedule = models.BooleanField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("rapat penelaahan")
        verbose_name_plural = _("rapat penelaahan")
        constraints = [
            # The weekly sweep may run twice: one regular meeting per planned slot, by constraint.
            models.UniqueConstraint(fields=["scheduled_for"], condition=Q(kind="regular"),
                                    name="one_regular_meeting_per_slot"),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({timezone.localtime(self.starts_at):%d-%m-%Y %H:%M})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("meetings:detail", args=[self.pk])

    @property
    def was_opened(self) -> bool:
        return self.opened_at is not None


class Attendance(models.Model):
    """A member present at the meeting. Name, position and agency are copied when recorded: the
    minutes must read the same after an officer changes post."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("nama"), max_length=200)
    position = models.CharField(_("jabatan"), max_length=200)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("lembaga"))
    team_role = models.CharField(_("peran dalam tim"), max_length=30, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("kehadiran")
        verbose_name_plural = _("kehadiran")
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="one_attendance_per_user")]


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    READY = "ready", _("Siap ditandatangani")
    SIGNED = "signed", _("Ditandatangani")


class Minutes(models.Model):
    """The minutes (notula/berita acara) with the decision log. While a draft the secretary edits
    the notes and the meeting's records may change; once ``ready`` nothing changes under the
    signer; once ``signed`` (``meetings.signing``: signature, frozen rows, DB triggers) the decisions and
    their action items are fixed and only then take effect."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="minutes")
    status = models.CharField(_("status"), max_length=10, choices=MinutesStatus.choices,
                              default=MinutesStatus.DRAFT)
    notes = LimitedTextField(_("catatan notula"), blank=True, max_length=limits.MINUTES_NOTES)
    ready_at = models.DateTimeField(null=True, blank=True)
    ready_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")
    signed_at = models.DateTimeField(_("ditandatangani"), null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+")
    signer_position = models.CharField(_("jabatan penanda tangan"), max_length=200, blank=True)
    #: Canonical hash of the content that was shown and signed (meetings/signing.py).
    content_hash = models.CharField(max_length=64, blank=True)
    document = models.OneToOneField("documents.SignedDocument", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="minutes")
    #: An addendum corrects signed minutes: it references them and may supersede their decisions.
    amends = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="addenda", verbose_name=_("addendum atas notula"))
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notula")
        verbose_name_plural = _("notula")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="signed", signed_at__isnull=False) | ~Q(status="signed"),
                name="signed_minutes_have_signed_at"),
        ]

    @property
    def is_draft(self) -> bool:
        return self.status == MinutesStatus.DRAFT

    @property
    def is_signed(self) -> bool:
        return self.status == MinutesStatus.SIGNED
