"""Forms for complaint registration and the initial response. Validation that is a business rule
lives in ``cases.intake.services``; these forms only parse input and show the service's errors per
field."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies import wilayah
from agencies.models import Region, Service, User
from cases.models.consent import ConsentForm
from cases.models.core import ViolenceType
from cases.models.intake import (
    Channel,
    ComplaintOutcome,
    ConsentBy,
    DisabilityType,
    PerpetratorRelation,
    ResponseMethod,
    Sex,
    VictimCategory,
    ViolenceForm,
)
from common import limits
from common.widgets import CHOOSE, counted, size_limited

#: What a user may say about a consent given now (``not_recorded`` is for carried-over records).
CONSENT_FORM_CHOICES = [(ConsentForm.ORAL.value, ConsentForm.ORAL.label),
                        (ConsentForm.WRITTEN.value, ConsentForm.WRITTEN.label)]

DKI_REGION_CHOICES = [("", "—")] + [
    (r.value, r.label) for r in Region if r.value not in (Region.PROVINCE, Region.NATIONAL)
]


def count_free_texts(form: forms.Form, *names: str) -> None:
    for name in names:
        counted(form.fields[name].widget)


class KecamatanSelect(forms.Select):
    """The kecamatan select: every DKI Jakarta kecamatan grouped by city, each option naming its
    city (``data-region``), and the select naming the city select it follows (``data-city``) —
    static/js/terpadu.js shows only the chosen city's kecamatan."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        k = wilayah.kecamatan_get(str(value)) if value else None
        if k is not None:
            option["attrs"]["data-region"] = k.region
        return option


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ComplaintForm(forms.Form):
    channel = forms.ChoiceField(label=_("Saluran pengaduan"), choices=Channel.choices)
    received_at = forms.DateTimeField(
        label=_("Waktu diterima"), required=False, widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text=_("Kosongkan bila baru saja diterima. Waktu lampau wajib disertai alasan."),
    )
    received_at_reason = forms.CharField(label=_("Alasan waktu terima lebih awal"), required=False,
                                         max_length=limits.SHORT_REASON)
    assignee = forms.ModelChoiceField(label=_("Petugas penanggung jawab"), queryset=User.objects.none(),
                                      required=False, empty_label=CHOOSE)
    violence_types = forms.MultipleChoiceField(
        label=_("Jenis kekerasan"), choices=ViolenceType.choices, widget=forms.CheckboxSelectMultiple,
        help_text=_("Pengaduan diskriminasi atau masalah lain dicatat sebagai \"Lainnya\": tetap mendapat "
                    "respons awal 1×24 jam, tetapi tidak memenuhi kriteria 1 program terpadu."))
    violence_forms = forms.MultipleChoiceField(label=_("Bentuk kekerasan"), choices=ViolenceForm.choices,
                                               widget=forms.CheckboxSelectMultiple, required=False)
    incident_date = forms.DateField(label=_("Tanggal kejadian"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    incident_place = forms.CharField(label=_("Tempat kejadian"), required=False, max_length=limits.PLACE)
    incident_region = forms.ChoiceField(label=_("Wilayah kejadian"), choices=DKI_REGION_CHOICES,
                                        required=False)
    chronology = forms.CharField(label=_("Kronologi singkat"), widget=forms.Textarea(attrs={"rows": 4}),
                                 max_length=limits.CHRONOLOGY)
    stated_needs = forms.MultipleChoiceField(label=_("Kebutuhan layanan yang disampaikan"),
                                             required=False, widget=forms.CheckboxSelectMultiple)
    stated_needs_note = forms.CharField(label=_("Catatan kebutuhan"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}), max_length=limits.NOTE)
    reporter_is_victim = forms.BooleanField(label=_("Pelapor adalah korban sendiri"), required=False,
                                            initial=True)
    reporter_name = forms.CharField(label=_("Nama pelapor"), required=False, max_length=limits.NAME)
    reporter_phone = forms.CharField(label=_("Telepon pelapor"), required=False, max_length=limits.PHONE)
    reporter_relation = forms.CharField(label=_("Hubungan pelapor dengan korban"), required=False,
                                        max_length=limits.RELATION)
    consent_to_share = forms.BooleanField(label=_("Ada persetujuan berbagi data antarlembaga"),
                                          required=False)
    consent_by = forms.ChoiceField(label=_("Persetujuan diberikan oleh"), choices=ConsentBy.choices,
                                   initial=ConsentBy.NONE,
                                   help_text=_("Korban anak: orang tua atau wali; anak sendiri hanya bila "
                                               "terlapor adalah orang tua/walinya."))
    consent_form = forms.ChoiceField(label=_("Bentuk persetujuan"), choices=CONSENT_FORM_CHOICES,
                                     initial=ConsentForm.ORAL, required=False)
    safe_to_contact = forms.BooleanField(label=_("Korban aman dihubungi"), required=False, initial=True)
    safe_contact = forms.CharField(label=_("Cara dan waktu aman menghubungi"), required=False,
                                   max_length=limits.SAFE_CONTACT)
    join_case = forms.IntegerField(required=False, widget=forms.HiddenInput)
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        from agencies.policies import assignable_staff

        count_free_texts(self, "received_at_reason", "incident_place", "chronology", "stated_needs_note",
                         "reporter_relation", "safe_contact")

        if agency is not None:
            # Only the agency's case-work staff (docs/access.md "Who works the case").
            self.fields["assignee"].queryset = assignable_staff(agency.pk)
        self.fields["stated_needs"].choices = list(
            Service.objects.filter(is_active=True).order_by("category", "name").values_list("code", "name")
        )

    def clean_received_at(self):
        value = self.cleaned_data.get("received_at")
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


class VictimForm(forms.Form):
    full_name = forms.CharField(label=_("Nama lengkap korban"), max_length=limits.NAME)
    # Initials equal to the first option, so an untouched extra form counts as empty.
    category = forms.ChoiceField(label=_("Kategori"), choices=VictimCategory.choices,
                                 initial=VictimCategory.ADULT_WOMAN)
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=Sex.choices, initial=Sex.FEMALE)
    nik = forms.CharField(label=_("NIK (16 digit)"), required=False, max_length=limits.NIK_INPUT,
                          widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    date_of_birth = forms.DateField(label=_("Tanggal lahir"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    estimated_age = forms.IntegerField(label=_("Perkiraan usia (bila tanggal lahir tidak diketahui)"),
                                       required=False, min_value=0, max_value=120)
    disability = forms.ChoiceField(label=_("Disabilitas"), choices=DisabilityType.choices, required=False)
    phone = forms.CharField(label=_("Telepon"), required=False, max_length=limits.PHONE,
                            widget=forms.TextInput(attrs={"autocomplete": "off"}))
    address = forms.CharField(label=_("Alamat"), required=False, max_length=limits.ADDRESS,
                              widget=forms.TextInput(attrs={"autocomplete": "off"}))
    region = forms.ChoiceField(label=_("Kota/kabupaten domisili"), choices=DKI_REGION_CHOICES,
                               required=False)
    kecamatan = forms.ChoiceField(label=_("Kecamatan domisili"), required=False, widget=KecamatanSelect,
                                  help_text=_("Daftar mengikuti kota/kabupaten yang dipilih."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kecamatan"].choices = [("", "—")] + wilayah.kecamatan_choices()
        self.fields["kecamatan"].widget.attrs["data-city"] = self["region"].auto_id
        count_free_texts(self, "address")


class PerpetratorForm(forms.Form):
    relation = forms.ChoiceField(label=_("Hubungan terlapor dengan korban"),
                                 choices=[("", "—")] + list(PerpetratorRelation.choices))
    full_name = forms.CharField(label=_("Nama terlapor (bila diketahui)"), required=False,
                                max_length=limits.NAME)
    power_relation = forms.BooleanField(label=_("Ada relasi kuasa"), required=False)
    public_official = forms.BooleanField(label=_("Terlapor pejabat publik"), required=False)
    is_guardian = forms.BooleanField(label=_("Terlapor adalah orang tua/wali korban"), required=False)


VictimFormSet = forms.formset_factory(VictimForm, extra=2, max_num=limits.PEOPLE_PER_COMPLAINT,
                                      validate_max=True)
PerpetratorFormSet = forms.formset_factory(PerpetratorForm, extra=1, max_num=limits.PEOPLE_PER_COMPLAINT,
                                           validate_max=True)


class InitialResponseForm(forms.Form):
    method = forms.ChoiceField(label=_("Cara respons"), choices=ResponseMethod.choices)
    successful = forms.TypedChoiceField(
        label=_("Hasil kontak"), coerce=lambda v: v == "1",
        choices=[("1", _("Berhasil — korban/pelapor terlayani")), ("0", _("Gagal — tidak terhubung"))],
    )
    responded_at = forms.DateTimeField(label=_("Waktu respons"), required=False,
                                       widget=DateTimeLocalInput(),
                                       input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                       help_text=_("Kosongkan bila respons baru saja dilakukan. "
                                                   "Waktu lampau wajib disertai alasan."))
    responded_at_reason = forms.CharField(label=_("Alasan waktu respons lebih awal"), required=False,
                                          max_length=limits.SHORT_REASON, widget=counted(forms.TextInput()))
    result = forms.CharField(label=_("Catatan hasil"), required=False,
                             widget=counted(forms.Textarea(attrs={"rows": 2})), max_length=limits.NOTE)

    def clean_responded_at(self):
        value = self.cleaned_data.get("responded_at")
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Lampiran (PDF, JPEG atau PNG, maks. 10 MB)"),
                           widget=forms.ClearableFileInput(attrs={
                               "accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        size_limited(self.fields["file"].widget, limits.ATTACHMENT_MAX_BYTES)


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Alasan pembatalan"), max_length=limits.SHORT_REASON,
                             widget=counted(forms.TextInput()))


class QueueFilterForm(forms.Form):
    number = forms.CharField(label=_("Nomor kasus"), required=False, max_length=20)
    channel = forms.ChoiceField(label=_("Saluran"), choices=[("", _("Semua"))] + list(Channel.choices),
                                required=False)
    region = forms.ChoiceField(label=_("Wilayah"), choices=[("", _("Semua"))] + DKI_REGION_CHOICES[1:],
                               required=False)
    violence_type = forms.ChoiceField(label=_("Jenis kekerasan"),
                                      choices=[("", _("Semua"))] + list(ViolenceType.choices), required=False)
    risk = forms.ChoiceField(label=_("Risiko"), required=False, choices=[
        ("", _("Semua")), ("low", _("Rendah")), ("medium", _("Sedang")), ("high", _("Tinggi")),
        ("emergency", _("Darurat")), ("untriaged", _("Belum diverifikasi"))])
    assignee = forms.ChoiceField(label=_("Petugas"), required=False,
                                 choices=[("", _("Semua")), ("me", _("Saya"))])


OUTCOME_CHOICES = ComplaintOutcome.choices


# --- corrections (cases.intake.corrections) --------------------------------------------------------

class CorrectionReasonMixin(forms.Form):
    """Every correction form ends with its reason. Required by the service (the message stands
    under this field), not by the browser, so a page without it still says why it was refused."""

    reason = forms.CharField(label=_("Alasan koreksi"), required=False, max_length=limits.SHORT_REASON,
                             help_text=_("Wajib. Tercatat di riwayat koreksi, tidak tampil di linimasa."))
    #: Free texts of the form that show a counter against their limit, as on the registration form
    #: (the fields are shared with it, but its counters are set per instance, not on the class).
    counted_texts: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        count_free_texts(self, "reason", *(name for name in self.counted_texts if name in self.fields))


class ComplaintCorrectionForm(CorrectionReasonMixin):
    channel = ComplaintForm.base_fields["channel"]
    received_at = forms.DateTimeField(
        label=_("Waktu diterima"), widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text=_("Mengubahnya menghitung ulang batas respons 1×24 jam; pelanggaran yang sudah "
                    "tercatat tetap tercatat."))
    violence_types = ComplaintForm.base_fields["violence_types"]
    violence_forms = ComplaintForm.base_fields["violence_forms"]
    incident_date = ComplaintForm.base_fields["incident_date"]
    incident_place = ComplaintForm.base_fields["incident_place"]
    incident_region = ComplaintForm.base_fields["incident_region"]
    chronology = ComplaintForm.base_fields["chronology"]
    safe_to_contact = ComplaintForm.base_fields["safe_to_contact"]
    safe_contact = ComplaintForm.base_fields["safe_contact"]

    counted_texts = ("incident_place", "chronology", "safe_contact")
    field_order = ["channel", "received_at", "violence_types", "violence_forms", "incident_date",
                   "incident_place", "incident_region", "chronology", "safe_to_contact", "safe_contact",
                   "reason"]

    def clean_received_at(self):
        value = self.cleaned_data.get("received_at")
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


class VictimCorrectionForm(CorrectionReasonMixin, VictimForm):
    field_order = [*VictimForm.base_fields, "reason"]


class ReporterCorrectionForm(CorrectionReasonMixin):
    is_victim = forms.BooleanField(label=_("Pelapor adalah korban sendiri"), required=False)
    full_name = forms.CharField(label=_("Nama pelapor"), required=False, max_length=limits.NAME)
    phone = forms.CharField(label=_("Telepon pelapor"), required=False, max_length=limits.PHONE)
    address = forms.CharField(label=_("Alamat pelapor"), required=False, max_length=limits.ADDRESS)
    relation = forms.CharField(label=_("Hubungan pelapor dengan korban"), required=False,
                               max_length=limits.RELATION)

    counted_texts = ("address",)
    field_order = ["is_victim", "full_name", "phone", "address", "relation", "reason"]


def _relation_field(label) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False,
                             choices=[("", "—")] + list(PerpetratorRelation.choices))


class RelationsMixin:
    """One "relation to …" select per victim (or per perpetrator), named ``relation-<id>``."""

    def add_relations(self, others: list[tuple[int, str]]):
        for pk, label in others:
            self.fields[f"relation-{pk}"] = _relation_field(label)
        self.order_fields([*(f for f in self.fields if f != "reason"), "reason"])

    def relations(self) -> dict[int, str]:
        return {int(name.split("-", 1)[1]): value for name, value in self.cleaned_data.items()
                if name.startswith("relation-") and value}


class PerpetratorCorrectionForm(RelationsMixin, CorrectionReasonMixin):
    full_name = forms.CharField(label=_("Nama terlapor (bila diketahui)"), required=False,
                                max_length=limits.NAME)
    power_relation = forms.BooleanField(label=_("Ada relasi kuasa"), required=False)
    public_official = forms.BooleanField(label=_("Terlapor pejabat publik"), required=False)

    field_order = ["full_name", "power_relation", "public_official", "reason"]


class VictimAddForm(RelationsMixin, CorrectionReasonMixin, VictimForm):
    consent_by = forms.ChoiceField(label=_("Persetujuan berbagi data diberikan oleh"),
                                   choices=ConsentBy.choices,
                                   initial=ConsentBy.NONE)
    consent_form = forms.ChoiceField(label=_("Bentuk persetujuan"), choices=CONSENT_FORM_CHOICES,
                                     initial=ConsentForm.ORAL, required=False)

    field_order = [*VictimForm.base_fields, "consent_by", "consent_form", "reason"]


class PerpetratorAddForm(PerpetratorCorrectionForm):
    pass
