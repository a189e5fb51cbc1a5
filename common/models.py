"""Shared records: the access log, notifications, signing registry and the working-day calendar."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common import limits
from common.fields import LimitedTextField


class AccessAction(models.TextChoices):
    VIEW = "view", _("Melihat detail")
    REVEAL_IDENTITY = "reveal_identity", _("Membuka identitas")
    DOWNLOAD = "download", _("Mengunduh dokumen")
    EXPORT = "export", _("Mengekspor data")


class AccessLog(models.Model):
    """Append-only. Rows name the object by type and id, never by identity."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    action = models.CharField(max_length=20, choices=AccessAction.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="access_logs")
    level = models.CharField(max_length=10, blank=True)
    reason = LimitedTextField(blank=True, max_length=limits.REVEAL_REASON)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("log akses")
        verbose_name_plural = _("log akses")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.object_type}#{self.object_id}"


class Notification(models.Model):
    """In-app inbox entry; e-mailed once. Title and body carry the case number and a link only,
    never identity. ``dedupe_key`` makes a repeated send (a task running twice) a no-op."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        constraints = [models.UniqueConstraint(fields=["user", "dedupe_key"],
                                               name="one_notification_per_key")]
        indexes = [models.Index(fields=["user", "read_at"])]


class DeadlineAlert(models.Model):
    """An alert of a deadline rule (``common.deadlines``) that keeps no alert table of its own.
    Append-only; one row per (rule, subject, kind, window) by constraint. The subject is named by
    its id only: the rule knows its model."""

    rule = models.CharField(max_length=60)
    subject_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=30)
    window = models.DateTimeField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("peringatan tenggat")
        verbose_name_plural = _("peringatan tenggat")
        constraints = [models.UniqueConstraint(fields=["rule", "subject_id", "kind", "window"],
                                               name="one_deadline_alert_per_window")]

    def __str__(self) -> str:
        return f"{self.rule} #{self.subject_id} {self.kind} {self.window:%Y-%m-%d %H:%M}"


class SignerCertificate(models.Model):
    """A signer's certificate from the deployment's internal CA. The private key is stored encrypted
    under SIGNING_MASTER_KEY and decrypted only inside the re-authenticated signing step."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="signer_certificates")
    serial = models.CharField(max_length=64, unique=True)
    subject = models.CharField(max_length=300)
    cert_pem = models.TextField()
    encrypted_key = models.TextField()
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-not_after"]
        verbose_name = _("sertifikat penandatangan")
        verbose_name_plural = _("sertifikat penandatangan")

    def __str__(self) -> str:
        return f"{self.subject} ({self.serial[:12]})"


class SignedDocument(models.Model):
    """Every document someone signs, as stored at signing: the exact PDF, its SHA-256 and the short
    code printed (and in the QR) on it. The public verification page reads only this table and shows
    no victim identity and no case details."""

    code = models.CharField(_("kode dokumen"), max_length=20, unique=True)
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    pdf = models.FileField(upload_to="signed/")
    sha256 = models.CharField(max_length=64, unique=True)
    content_hash = models.CharField(max_length=64)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(max_length=200)
    signer_position = models.CharField(max_length=200)
    signed_at = models.DateTimeField()
    subject_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-signed_at"]
        verbose_name = _("dokumen bertanda tangan")
        verbose_name_plural = _("dokumen bertanda tangan")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return self.code


class ClosedDayKind(models.TextChoices):
    COLLECTIVE_LEAVE = "collective_leave", _("Cuti bersama")
    EXTRA_CLOSED_DAY = "extra_closed_day", _("Hari libur tambahan")


class ClosedDay(models.Model):
    """A weekday on which offices are closed although it is no national holiday: collective leave
    (cuti bersama, decreed yearly by the SKB of three ministers) or an extra closed day. The
    administrator enters them from the decree; ``common.workdays`` reads them. National holidays
    come from the ``holidays`` package and are not entered here."""

    date = models.DateField(_("tanggal"), unique=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=ClosedDayKind.choices)
    name = models.CharField(_("keterangan"), max_length=200)
    decree = models.CharField(_("dasar penetapan"), max_length=300,
                              help_text=_("Nomor dan tanggal keputusan yang menetapkan hari ini."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("hari cuti bersama / libur tambahan")
        verbose_name_plural = _("hari cuti bersama / libur tambahan")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"

    def clean(self):
        from common.workdays import national_holiday_name

        if self.date is None:
            return
        if self.date.weekday() >= 5:
            raise ValidationError({"date": _("Tanggal ini hari Sabtu atau Minggu: sudah bukan hari kerja.")})
        holiday = national_holiday_name(self.date)
        if holiday:
            raise ValidationError({"date": _("Tanggal ini sudah hari libur nasional (%(name)s).")
                                   % {"name": holiday}})
