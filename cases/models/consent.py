"""Consent: one record per victim and purpose — who gave it, when, for which agencies, in which
form — and its withdrawal. What a record covers is answered by ``cases.consent.consent_covers``
(and its SQL forms); intake's child-consent rule, identity grants and referrals read it.

Append-only in meaning: a record is never deleted and never edited; withdrawal is written on the
row once (``withdrawn_at``/``withdrawn_by``/``withdrawal_note``) by
``cases.consent.consent_withdraw``, and a changed consent is a new record. The database refuses
anything else (``common.append_only.WriteOnce`` in migration ``0010_consent_records``). The
giver's name and the withdrawal note are encrypted: they may carry identity.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common import limits
from common.fields import EncryptedTextField


class ConsentPurpose(models.TextChoices):
    SHARE = "share", _("Berbagi data dengan lembaga")
    REFER = "refer", _("Rujukan ke lembaga")
    CONTACT = "contact", _("Dihubungi petugas lembaga")


class ConsentGiver(models.TextChoices):
    VICTIM = "victim", _("Korban sendiri")
    PARENT = "parent", _("Orang tua")
    GUARDIAN = "guardian", _("Wali")


#: Who may give consent for a child: a parent or guardian (the child only when a guardian is
#: accused — ``cases.consent.child_consent_allowed``).
CHILD_CONSENT_GIVERS = frozenset({ConsentGiver.PARENT, ConsentGiver.GUARDIAN})


class ConsentScope(models.TextChoices):
    PROGRAMME = "programme", _("Semua lembaga layanan terpadu")
    NAMED_AGENCIES = "named_agencies", _("Lembaga yang disebut")


class ConsentForm(models.TextChoices):
    """How the consent was given. A signed scan goes in ``Consent.document``."""

    ORAL = "oral", _("Lisan")
    WRITTEN = "written", _("Tertulis")
    #: Consent carried over from the registration flag of before consent records: its form was
    #: never recorded.
    NOT_RECORDED = "not_recorded", _("Tidak tercatat")


class Consent(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="consents")
    victim = models.ForeignKey("cases.Victim", on_delete=models.PROTECT, related_name="consents",
                               verbose_name=_("korban"))
    purpose = models.CharField(_("keperluan"), max_length=20, choices=ConsentPurpose.choices)
    given_by = models.CharField(_("diberikan oleh"), max_length=10, choices=ConsentGiver.choices)
    #: The parent's or guardian's relation to the victim ("ibu", "nenek", "wali yang ditetapkan
    #: pengadilan"); blank when the victim gave it.
    giver_relation = models.CharField(_("hubungan pemberi dengan korban"), max_length=limits.RELATION,
                                      blank=True)
    giver_name = EncryptedTextField(_("nama pemberi persetujuan"), blank=True, max_length=limits.NAME)
    scope = models.CharField(_("cakupan"), max_length=20, choices=ConsentScope.choices,
                             default=ConsentScope.PROGRAMME)
    #: The named agencies (``scope == named_agencies``); empty for the whole programme.
    agency_ids = ArrayField(models.PositiveIntegerField(), default=list, blank=True,
                            verbose_name=_("lembaga yang disebut"))
    form = models.CharField(_("bentuk persetujuan"), max_length=20, choices=ConsentForm.choices,
                            default=ConsentForm.ORAL)
    #: The signed consent form, scanned (an attachment of the complaint), when there is one.
    document = models.ForeignKey("cases.Attachment", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("pindaian persetujuan"))
    given_at = models.DateTimeField(_("waktu persetujuan"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("dicatat"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("ditarik"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+")
    withdrawal_note = EncryptedTextField(_("catatan penarikan"), blank=True, max_length=limits.REVEAL_REASON)

    history = HistoricalRecords()

    class Meta:
        ordering = ["given_at", "id"]
        verbose_name = _("persetujuan")
        verbose_name_plural = _("persetujuan")
        indexes = [
            models.Index(fields=["victim", "purpose"]),
            models.Index(fields=["case", "purpose"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope=ConsentScope.PROGRAMME, agency_ids=[])
                           | Q(scope=ConsentScope.NAMED_AGENCIES, agency_ids__len__gt=0)),
                name="consent_scope_matches_agencies"),
            models.CheckConstraint(
                condition=(Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True)
                           | Q(withdrawn_at__isnull=False, withdrawn_at__gte=F("given_at"))),
                name="consent_withdrawn_after_given"),
        ]

    def __str__(self) -> str:
        # Never the giver's name: __str__ ends up in logs and error pages.
        return f"{self.case_id}/{self.victim_id}/{self.purpose}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def covers_agency(self, agency_id: int | None) -> bool:
        if self.scope == ConsentScope.PROGRAMME:
            return True
        return agency_id is not None and agency_id in self.agency_ids

    def active_at(self, when) -> bool:
        return self.given_at <= when and (self.withdrawn_at is None or self.withdrawn_at > when)


__all__ = ["CHILD_CONSENT_GIVERS", "Consent", "ConsentForm", "ConsentGiver",
           "ConsentPurpose", "ConsentScope"]
