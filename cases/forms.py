from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from cases.models import AccessLevel
from common import limits


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Alasan membuka identitas"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}), max_length=limits.REVEAL_REASON)


class GrantForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Lembaga"), queryset=Agency.objects.none())
    level = forms.TypedChoiceField(
        label=_("Tingkat akses"), coerce=int,
        choices=[(c.value, c.label) for c in (AccessLevel.SUMMARY, AccessLevel.SERVICE, AccessLevel.FULL)],
    )
    expires_at = forms.DateTimeField(label=_("Berakhir (kosongkan bila tetap)"), required=False,
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Agency.objects.filter(is_active=True).exclude(kind="ministry")
        if case is not None:
            qs = qs.exclude(pk=case.receiving_agency_id)
        self.fields["agency"].queryset = qs.order_by("name")


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Alasan pencabutan"), max_length=limits.SHORT_REASON)
