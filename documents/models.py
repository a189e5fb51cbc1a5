"""Letter numbers: one gap-free sequence per agency, letter kind and year (docs/letter-numbers.md)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from documents.numbering import format_errors


class LetterKind(models.TextChoices):
    """The stored value is the short code printed in the number."""

    REFERRAL = "RUJ", _("Surat rujukan")
    SERVICE_AGREEMENT = "NKL", _("Naskah kesepakatan layanan")
    OUTREACH_ORDER = "PJK", _("Surat perintah penjangkauan")
    ACCOMPANIMENT = "PDP", _("Surat pendampingan")
    TERMINATION = "TRM", _("Dokumen terminasi")
    REPORT = "LAP", _("Laporan")


class AgencyLetterFormat(models.Model):
    """How one agency writes its letter numbers. Without a row, the agency's code in capitals and
    the defaults of ``LETTER_NUMBER_FORMAT`` / ``LETTER_NUMBER_DIGITS`` apply."""

    agency = models.OneToOneField("agencies.Agency", verbose_name=_("lembaga"), on_delete=models.PROTECT,
                                  related_name="letter_format")
    agency_code = models.CharField(_("kode lembaga pada nomor surat"), max_length=40,
                                   help_text=_("Contoh: UPTD-PPA"))
    number_format = models.CharField(
        _("format nomor surat"), max_length=100, blank=True,
        help_text=_("Kosongkan untuk format bawaan. Penanda: {seq} nomor urut, {agency} kode lembaga, "
                    "{kind} kode jenis surat, {month} bulan (angka Romawi), {year} tahun. "
                    "Contoh: {seq}/{agency}/{kind}/{month}/{year}"))
    sequence_digits = models.PositiveSmallIntegerField(
        _("jumlah digit nomor urut"), null=True, blank=True,
        help_text=_("Kosongkan untuk bawaan. Nomor urut diisi nol di depan sampai sepanjang ini."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("format nomor surat lembaga")
        verbose_name_plural = _("format nomor surat lembaga")

    def __str__(self) -> str:
        return f"{self.agency} — {self.effective_format}"

    @property
    def effective_format(self) -> str:
        return self.number_format or settings.LETTER_NUMBER_FORMAT

    @property
    def effective_digits(self) -> int:
        return self.sequence_digits or settings.LETTER_NUMBER_DIGITS

    def clean(self):
        if self.number_format:
            errors = format_errors(self.number_format)
            if errors:
                raise ValidationError({"number_format": errors})
        if self.sequence_digits is not None and not 1 <= self.sequence_digits <= 6:
            raise ValidationError({"sequence_digits": _("Isi antara 1 dan 6.")})


class LetterCounter(models.Model):
    """The last number taken per (agency, kind, year). Changed only by
    ``documents.services.letter_number_take``, under a row lock."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=3, choices=LetterKind.choices)
    year = models.PositiveSmallIntegerField()
    last_sequence = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("penghitung nomor surat")
        verbose_name_plural = _("penghitung nomor surat")
        constraints = [models.UniqueConstraint(fields=["agency", "kind", "year"],
                                               name="one_letter_counter_per_agency_kind_year")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.kind}/{self.year}: {self.last_sequence}"


class LetterNumber(models.Model):
    """Every number taken: the register of outgoing letters. Append-only."""

    agency = models.ForeignKey("agencies.Agency", verbose_name=_("lembaga"), on_delete=models.PROTECT,
                               related_name="+")
    kind = models.CharField(_("jenis surat"), max_length=3, choices=LetterKind.choices)
    year = models.PositiveSmallIntegerField(_("tahun"))
    sequence = models.PositiveIntegerField(_("nomor urut"))
    number = models.CharField(_("nomor surat"), max_length=150)
    letter_date = models.DateField(_("tanggal surat"))
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("diambil oleh"),
                                 on_delete=models.PROTECT, related_name="+")
    taken_at = models.DateTimeField(_("diambil pada"), auto_now_add=True)

    class Meta:
        ordering = ["agency", "kind", "year", "sequence"]
        verbose_name = _("nomor surat")
        verbose_name_plural = _("nomor surat")
        constraints = [models.UniqueConstraint(fields=["agency", "kind", "year", "sequence"],
                                               name="one_letter_number_per_sequence")]

    def __str__(self) -> str:
        return self.number
