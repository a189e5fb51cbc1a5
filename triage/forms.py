from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from common import limits
from triage.models import ComplexityCondition, EmergencyCondition, RiskLevel
from triage.rules import COMPLEXITY_WORDING, EMERGENCY_WORDING
from triage.services import EMERGENCY_GRANT_HOURS, EMERGENCY_GRANT_MAX_HOURS, OVERRIDE_REASON_MIN

YES_NO = [("ya", _("Ya")), ("tidak", _("Tidak"))]


def _yes(value) -> bool:
    return value == "ya"


class TriageForm(forms.Form):
    emergency_conditions = forms.MultipleChoiceField(
        label=_("Kondisi darurat (SKB E.3) — korban:"), required=False,
        choices=[(c.value, EMERGENCY_WORDING[c]) for c in EmergencyCondition],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Satu kondisi saja sudah menjadikan kasus darurat: layanan segera (action first)."),
    )
    complexity_conditions = forms.MultipleChoiceField(
        label=_("Kondisi kompleksitas tinggi (SKB E.1.a.3) — kasus:"), required=False,
        choices=[(c.value, COMPLEXITY_WORDING[c]) for c in ComplexityCondition],
        widget=forms.CheckboxSelectMultiple,
    )
    complexity_change_reason = forms.CharField(
        label=_("Alasan bila kondisi (e), (f) atau (g) berbeda dari data registrasi"), required=False,
        max_length=limits.SHORT_REASON, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kondisi (e), (f) dan (g) diisi dari data registrasi (bentuk kekerasan, relasi kuasa, "
                    "pejabat publik); mengubahnya wajib disertai alasan."))
    # Explicit yes/no, not a checkbox: "not answered" must not read as "no" (criteria 2 and 4).
    needs_multiple_services = forms.TypedChoiceField(
        label=_("Memerlukan lebih dari satu jenis layanan, simultan atau berurutan (kriteria 2)?"),
        choices=YES_NO, coerce=_yes, widget=forms.RadioSelect,
        error_messages={"required": _("Jawab ya atau tidak.")})
    cross_region = forms.TypedChoiceField(
        label=_("Lintas wilayah dan/atau lintas kewenangan (kriteria 4)?"),
        choices=YES_NO, coerce=_yes, widget=forms.RadioSelect,
        error_messages={"required": _("Jawab ya atau tidak.")})
    notes = forms.CharField(
        label=_("Catatan verifikasi"), required=False, max_length=limits.NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Jangan menulis nama, NIK, telepon atau alamat korban di sini."))


class OverrideForm(forms.Form):
    risk_level = forms.ChoiceField(label=_("Tingkat risiko baru"), choices=RiskLevel.choices)
    reason = forms.CharField(
        label=_("Alasan perubahan"), min_length=OVERRIDE_REASON_MIN, max_length=limits.SHORT_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Wajib, minimal 10 karakter. Dicatat dalam riwayat dan linimasa kasus."),
        error_messages={"required": _("Alasan perubahan tingkat risiko wajib diisi."),
                        "min_length": _("Alasan terlalu singkat (minimal 10 karakter).")})


class AgencyCheckboxes(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        offered = ", ".join(s.name for s in obj.services.all())
        return f"{obj.name} — {offered}" if offered else obj.name


class EmergencyReferForm(forms.Form):
    agencies = AgencyCheckboxes(
        label=_("Lembaga tujuan rujukan darurat"), queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Pilih minimal satu lembaga tujuan rujukan.")})
    hours = forms.IntegerField(
        label=_("Masa akses layanan sementara (jam)"), min_value=1, max_value=EMERGENCY_GRANT_MAX_HOURS,
        initial=EMERGENCY_GRANT_HOURS,
        help_text=_("Akses berakhir otomatis; rapat Tim Percepatan menetapkan atau mencabutnya."))

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agencies"].queryset = agencies.prefetch_related("services")
