"""Public verification of signed documents (no login, rate-limited, no identity)."""

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django_ratelimit.decorators import ratelimit

from common import documents

MAX_UPLOAD = 15 * 1024 * 1024


class VerifyForm(forms.Form):
    kode = forms.CharField(label=_("Kode dokumen"), required=False, max_length=20,
                           widget=forms.TextInput(attrs={"placeholder": "TPD-XXXX-XXXX",
                                                         "autocapitalize": "characters"}))
    berkas = forms.FileField(label=_("Atau unggah PDF"), required=False)

    def clean_berkas(self):
        f = self.cleaned_data.get("berkas")
        if f is not None and f.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Berkas terlalu besar (maks. 15 MB)."))
        return f

    def clean(self):
        data = super().clean()
        if not data.get("kode") and not data.get("berkas"):
            raise forms.ValidationError(_("Masukkan kode dokumen atau unggah PDF."))
        return data


def _rate(group, request):
    return settings.VERIFY_RATE_LIMIT


@ratelimit(key="ip", rate=_rate, method=["GET", "POST"], block=False)
def verify(request):
    if getattr(request, "limited", False):
        return render(request, "common/verify.html", {"form": VerifyForm(), "limited": True}, status=429)
    verdict = None
    bound = request.method == "POST" or "kode" in request.GET
    form = VerifyForm(request.POST or (request.GET if bound else None), request.FILES or None) \
        if bound else VerifyForm()
    if bound and form.is_valid():
        if form.cleaned_data.get("berkas"):
            verdict = documents.verify_upload(form.cleaned_data["berkas"].read())
        else:
            verdict = documents.verify_code(form.cleaned_data["kode"])
    status = 200 if (not bound or form.is_valid()) else 400
    return render(request, "common/verify.html", {"form": form, "verdict": verdict}, status=status)
