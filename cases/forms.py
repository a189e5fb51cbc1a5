from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from cases.intake.forms import CONSENT_FORM_CHOICES
from cases.models import (
    LEGAL_BASES,
    AccessLevel,
    CaseStatus,
    ConsentForm,
    ConsentGiver,
    ConsentPurpose,
    ConsentScope,
    ViolenceType,
)
from common import limits
from common.widgets import CHOOSE


class CaseListFilterForm(forms.Form):
    """The case list's search and filters (GET). A value not on offer is ignored, never a 500."""

    nomor = forms.CharField(label=_("Nomor kasus"), required=False, max_length=20)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Semua status")), *CaseStatus.choices])
    jenis = forms.ChoiceField(label=_("Jenis kekerasan"), required=False,
                              choices=[("", _("Semua jenis")), *ViolenceType.choices])
    darurat = forms.BooleanField(label=_("Hanya darurat"), required=False)

    def selector_filters(self) -> dict:
        data = {}
        if self.is_bound:
            self.is_valid()  # a field with a value not on offer is left out; the others still apply
            data = self.cleaned_data
        return {"status": data.get("status") or None, "number": data.get("nomor", ""),
                "violence_type": data.get("jenis", ""),
                "emergency": True if data.get("darurat") else None}


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Alasan membuka identitas"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}), max_length=limits.REVEAL_REASON)


class GrantForm(forms.Form):
    """The head's grant to another agency. ``full`` (identity) needs a reason and a consent
    covering the agency or a legal basis (checked by ``cases.services.case_grant_plan``); the page
    repeats what will be shared before saving (``confirmed``)."""

    agency = forms.ModelChoiceField(label=_("Lembaga"), queryset=Agency.objects.none(), empty_label=CHOOSE)
    level = forms.TypedChoiceField(
        label=_("Tingkat akses"), coerce=int,
        choices=[(c.value, c.label) for c in (AccessLevel.SUMMARY, AccessLevel.SERVICE, AccessLevel.FULL)],
    )
    reason = forms.CharField(label=_("Alasan (wajib untuk akses penuh)"), required=False,
                             max_length=limits.SHORT_REASON, widget=forms.Textarea(attrs={"rows": 2}))
    legal_basis = forms.ChoiceField(
        label=_("Dasar hukum kepala unit (hanya bila belum ada persetujuan korban/wali)"), required=False,
        choices=[("", _("— (ada persetujuan)"))]
        + [(b.value, b.label) for b in LEGAL_BASES],
    )
    expires_at = forms.DateTimeField(
        label=_("Berakhir"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, case=None, **kwargs):
        kwargs.setdefault("auto_id", "grant_%s")  # unique ids beside the page's other forms
        super().__init__(*args, **kwargs)
        qs = Agency.objects.filter(is_active=True).exclude(kind="ministry")
        if case is not None:
            qs = qs.exclude(pk=case.receiving_agency_id)
        self.fields["agency"].queryset = qs.order_by("name")
        self.fields["expires_at"].label = _(
            "Berakhir (kosongkan: akses penuh berakhir setelah %(days)s hari; tingkat lain sampai "
            "dicabut)") % {"days": settings.IDENTITY_GRANT_DAYS}

    def clean_expires_at(self):
        value = self.cleaned_data.get("expires_at")
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Alasan pencabutan"), max_length=limits.SHORT_REASON)


class ConsentRecordForm(forms.Form):
    """A victim's consent, recorded after registration (cases.consent.consent_record)."""

    victim = forms.TypedChoiceField(label=_("Korban"), coerce=int)
    purpose = forms.ChoiceField(label=_("Keperluan"), choices=ConsentPurpose.choices)
    given_by = forms.ChoiceField(label=_("Diberikan oleh"), choices=ConsentGiver.choices)
    giver_relation = forms.CharField(label=_("Hubungan orang tua/wali dengan korban"), required=False,
                                     max_length=limits.RELATION)
    giver_name = forms.CharField(label=_("Nama orang tua/wali"), required=False, max_length=limits.NAME,
                                 widget=forms.TextInput(attrs={"autocomplete": "off"}))
    scope = forms.ChoiceField(label=_("Cakupan"), choices=ConsentScope.choices,
                              initial=ConsentScope.PROGRAMME, widget=forms.RadioSelect)
    agencies = forms.ModelMultipleChoiceField(label=_("Lembaga yang disebut"), required=False,
                                              queryset=Agency.objects.none(),
                                              widget=forms.CheckboxSelectMultiple)
    form = forms.ChoiceField(label=_("Bentuk persetujuan"), choices=CONSENT_FORM_CHOICES,
                             initial=ConsentForm.ORAL)
    given_at = forms.DateTimeField(label=_("Waktu persetujuan (kosongkan bila baru saja)"), required=False,
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                              format="%Y-%m-%dT%H:%M"),
                                   input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])

    def __init__(self, *args, case=None, **kwargs):
        kwargs.setdefault("auto_id", "consent_%s")  # unique ids beside the page's other forms
        super().__init__(*args, **kwargs)
        qs = Agency.objects.filter(is_active=True).exclude(kind="ministry")
        if case is not None:
            qs = qs.exclude(pk=case.receiving_agency_id)
            # Initials and category only: the form is on the page before identity is revealed.
            self.fields["victim"].choices = [
                (v.pk, f"{v.initials} — {v.get_category_display()}") for v in case.victims.order_by("id")]
        self.fields["agencies"].queryset = qs.order_by("name")

    def clean_given_at(self):
        value = self.cleaned_data.get("given_at")
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


class ConsentWithdrawForm(forms.Form):
    note = forms.CharField(label=_("Catatan penarikan"), max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(forms.Form):
    """Name the officer who works a case or a complaint: only the receiving agency's case-work staff
    are offered (``agencies.policies.assignable_staff``)."""

    assignee = forms.ModelChoiceField(label=_("Petugas"), queryset=None, empty_label=CHOOSE)

    def __init__(self, *args, case=None, **kwargs):
        from agencies.policies import assignable_staff
        from cases.services import ASSIGNEE_NOT_CASE_WORK

        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        field.queryset = assignable_staff(case.receiving_agency_id)
        field.error_messages["invalid_choice"] = ASSIGNEE_NOT_CASE_WORK
        field.label_from_instance = lambda u: u.display_name
