"""Forms of the agency pages: the head appoints an acting head (Plt.)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import CASE_WORK_ROLES, Agency, Membership, User
from common.widgets import CHOOSE

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StaffChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", CHOOSE)
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class ActingHeadForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Lembaga"), queryset=Agency.objects.none(), empty_label=CHOOSE)
    user = StaffChoiceField(label=_("Pelaksana tugas (Plt.) kepala"), queryset=User.objects.none())
    start = forms.DateField(label=_("Berlaku mulai"), widget=DATE)
    end = forms.DateField(label=_("Berlaku sampai"), widget=DATE)
    reference = forms.CharField(label=_("Nomor surat perintah penunjukan"), max_length=200)

    def __init__(self, *args, agency_ids=(), exclude_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.filter(pk__in=list(agency_ids)).order_by("name")
        self.fields["agency"].queryset = agencies
        if len(agency_ids) == 1:
            self.fields["agency"].initial = next(iter(agency_ids))
        staff = Membership.objects.active().filter(agency_id__in=list(agency_ids),
                                                   role__in=list(CASE_WORK_ROLES))
        users = (User.objects.filter(is_active=True, pk__in=staff.values("user_id"))
                 .order_by("full_name", "pk"))
        if exclude_user is not None:
            users = users.exclude(pk=exclude_user.pk)
        self.fields["user"].queryset = users
