from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.timefmt import datetime_label
from sops.catalogue import SOP_CHOICES, get_sop

STEP_NOT_IN_SOP = _("Langkah ini tidak ada dalam SOP yang dipilih.")
TIME_IN_FUTURE = _("Waktu pelaksanaan tidak boleh di masa depan.")


class StepFields(forms.Form):
    """The step, when it was done and its output: the same on every page that records a step."""

    step = forms.CharField(label=_("Langkah"), max_length=40)
    done_at = forms.DateTimeField(
        label=_("Waktu pelaksanaan"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Kosongkan bila baru saja dilakukan."))
    output_ref = forms.CharField(label=_("Dokumen keluaran (nomor/rujukan)"), required=False, max_length=200)

    def sop_code(self, data) -> str:
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        sop = get_sop(self.sop_code(data) or "")
        if sop is not None and data.get("step") and sop.step(data["step"]) is None:
            self.add_error("step", STEP_NOT_IN_SOP)
        done_at = data.get("done_at")
        if done_at and done_at > timezone.now() + timedelta(minutes=1):
            self.add_error("done_at", TIME_IN_FUTURE)
        return data


class SopStepForm(StepFields):
    """A step of a complaint's SOP, the SOP named in the form (the triage page)."""

    sop = forms.ChoiceField(label=_("SOP"), choices=SOP_CHOICES)

    field_order = ["sop", "step", "done_at", "output_ref"]

    def sop_code(self, data) -> str:
        return data.get("sop", "")


class RunStepForm(StepFields):
    """A step of one run (its SOP is the run's)."""

    def __init__(self, *args, run, **kwargs):
        super().__init__(*args, **kwargs)
        self.run = run

    def sop_code(self, data) -> str:
        return self.run.sop


class SopPickForm(forms.Form):
    sop = forms.ChoiceField(label=_("Tampilkan SOP"), choices=SOP_CHOICES, required=False)


class RunStartForm(forms.Form):
    sop = forms.ChoiceField(label=_("SOP"), choices=SOP_CHOICES)
    complaint = forms.TypedChoiceField(
        label=_("Untuk pengaduan"), required=False, coerce=str, empty_value="",
        help_text=_("Kosongkan bila pelaksanaan tidak berasal dari satu pengaduan."))

    def __init__(self, *args, complaints=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.complaints = {str(c.public_id): c for c in complaints}
        self.fields["complaint"].choices = [("", _("— tanpa pengaduan —"))] + [
            (key, f"{datetime_label(c.received_at)} · {c.get_channel_display()}")
            for key, c in self.complaints.items()]

    def clean_complaint(self):
        key = self.cleaned_data.get("complaint") or ""
        return self.complaints.get(key)
