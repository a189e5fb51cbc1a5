"""Forms of the plan page. They check shape only; ``plans.services`` decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Membership, Service, User
from common import limits
from plans.models import ItemRole, ItemStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ATTENDEE_ROWS = 6


class ConferenceForm(forms.Form):
    """A case conference: when, who attended (agency and position, one per row), what was agreed."""

    held_on = forms.DateField(label=_("Tanggal case conference"), widget=DATE)
    agreed = forms.CharField(label=_("Yang disepakati"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=limits.NOTE, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.filter(is_active=True).order_by("name")
        for n in range(ATTENDEE_ROWS):
            self.fields[f"agency_{n}"] = forms.ModelChoiceField(
                label=_("Lembaga peserta"), queryset=agencies, required=False)
            self.fields[f"position_{n}"] = forms.CharField(label=_("Jabatan"), max_length=limits.NAME,
                                                           required=False)
        self.fields["attendees"] = forms.CharField(required=False, widget=forms.HiddenInput)

    def attendee_rows(self):
        return [(self[f"agency_{n}"], self[f"position_{n}"]) for n in range(ATTENDEE_ROWS)]

    def attendees(self) -> list[tuple[Agency, str]]:
        """Each row that names an agency (a row with a position and no agency is refused)."""
        rows = []
        for n in range(ATTENDEE_ROWS):
            agency = self.cleaned_data.get(f"agency_{n}")
            position = self.cleaned_data.get(f"position_{n}", "")
            if agency is not None or position:
                rows.append((agency, position))
        return rows

    def clean(self):
        data = super().clean()
        for n in range(ATTENDEE_ROWS):
            if data.get(f"position_{n}") and data.get(f"agency_{n}") is None:
                self.add_error(f"agency_{n}", _("Pilih lembaga peserta ini."))
        return data


class ItemAddForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Layanan"), queryset=Service.objects.none())
    agency = forms.ModelChoiceField(label=_("Lembaga penanggung jawab"), queryset=Agency.objects.none())
    officer = forms.ModelChoiceField(label=_("Petugas (opsional)"), queryset=User.objects.none(),
                                     required=False)
    role = forms.ChoiceField(label=_("Peran"), choices=ItemRole.choices)
    planned_start = forms.DateField(label=_("Rencana mulai"), widget=DATE, required=False)
    planned_end = forms.DateField(label=_("Rencana selesai"), widget=DATE, required=False)
    frequency = forms.CharField(label=_("Frekuensi (bila tanpa tanggal)"), max_length=limits.NAME,
                                required=False)
    off_catalogue_reason = forms.CharField(
        label=_("Alasan bila lembaga tidak menyediakan layanan ini menurut katalog"),
        widget=forms.Textarea(attrs={"rows": 2}), max_length=limits.SHORT_REASON, required=False)

    def __init__(self, *args, agency_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(is_active=True).order_by("name")
        self.fields["agency"].queryset = Agency.objects.filter(pk__in=list(agency_ids)).order_by("name")
        staff = Membership.objects.active().filter(agency_id__in=list(agency_ids)).values("user_id")
        self.fields["officer"].queryset = User.objects.filter(pk__in=staff, is_active=True).order_by(
            "full_name", "username")
        self.fields["officer"].label_from_instance = lambda u: u.display_name


class ItemRemoveForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)


class ItemStatusForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status baru"), choices=[
        (ItemStatus.IN_PROGRESS, _("Mulai diberikan")), (ItemStatus.DELIVERED, _("Selesai diberikan")),
        (ItemStatus.CANCELLED, _("Batalkan"))])
    reason = forms.CharField(label=_("Alasan pembatalan"), max_length=limits.SHORT_REASON, required=False)


class ApproveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
