"""Forms of the meeting pages. They check shape only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import TEAM_ROLES, Agency, Role, User
from agencies.selectors import users_with_role
from common import limits
from common.widgets import CHOOSE
from meetings.models import ASSESSMENT_DIMENSIONS, DecisionKind, FollowUpStatus, Rating, Weekday
from meetings.services import ALLOWED_KINDS

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ScheduleForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("Hari"), choices=Weekday.choices, coerce=int)
    time = forms.TimeField(label=_("Pukul"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    place = forms.CharField(label=_("Tempat"), max_length=200, required=False)
    online_link = forms.URLField(label=_("Tautan rapat daring"), required=False, assume_scheme="https")
    review_every_days = forms.IntegerField(label=_("Tinjauan perkembangan kasus terpilih setiap (hari)"),
                                           min_value=7, max_value=180, initial=28)
    action_reminder_days = forms.IntegerField(label=_("Pengingat tindak lanjut (hari sebelum batas)"),
                                              min_value=1, max_value=14, initial=2)


class MeetingCreateForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Waktu rapat"), widget=DT, input_formats=["%Y-%m-%dT%H:%M"])
    place = forms.CharField(label=_("Tempat"), max_length=200, required=False)
    online_link = forms.URLField(label=_("Tautan rapat daring"), required=False, assume_scheme="https")
    title = forms.CharField(label=_("Judul (opsional)"), max_length=200, required=False)


class RescheduleForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Waktu baru"), widget=DT, input_formats=["%Y-%m-%dT%H:%M"])
    place = forms.CharField(label=_("Tempat (bila berubah)"), max_length=200, required=False)
    reason = forms.CharField(label=_("Alasan penjadwalan ulang"), max_length=limits.SHORT_REASON)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Alasan"), max_length=limits.SHORT_REASON)


class AttendanceForm(forms.Form):
    attendees = forms.ModelMultipleChoiceField(label=_("Anggota yang hadir"), queryset=None,
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = users_with_role(roles=TEAM_ROLES).order_by("full_name", "pk")
        self.fields["attendees"].label_from_instance = (
            lambda u: f"{u.display_name} — {u.position_title}" if u.position_title else u.display_name)


class AgendaAddForm(forms.Form):
    case = forms.ModelChoiceField(label=_("Kasus"), queryset=None, empty_label=CHOOSE)

    def __init__(self, *args, cases=None, **kwargs):
        super().__init__(*args, **kwargs)
        from cases.models import Case

        self.fields["case"].queryset = Case.objects.filter(pk__in=[c.pk for c in cases or []])
        self.fields["case"].label_from_instance = lambda c: f"{c.number} ({c.initials or '—'})"


class WordsField(forms.Field):
    """The words a presenter confirmed are common words (hidden inputs and the confirmation
    checkbox share the name); at most 20, each a short text. The service keeps single words only."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        return [str(v)[:60] for v in value][:20]


class PresentationForm(forms.Form):
    chronology = forms.CharField(label=_("Kronologi singkat"), widget=forms.Textarea(attrs={"rows": 5}),
                                 max_length=limits.PRESENTATION_CHRONOLOGY,
                                 help_text=_("Tanpa nama atau NIK: gunakan nomor kasus dan inisial."))
    current_condition = forms.CharField(label=_("Kondisi terkini korban"), max_length=limits.NOTE,
                                        widget=forms.Textarea(attrs={"rows": 3}))
    obstacles = forms.CharField(label=_("Hambatan penanganan"), max_length=limits.NOTE,
                                widget=forms.Textarea(attrs={"rows": 3}))
    common_words = WordsField(required=False)


class OralPresentationForm(PresentationForm):
    """An oral presentation recorded at the meeting by the secretary, with the presenter named."""

    presenter = forms.CharField(label=_("Penyaji paparan lisan"), max_length=200,
                                help_text=_("Nama dan lembaga yang menyampaikan paparan di rapat."))

    field_order = ["presenter", "chronology", "current_condition", "obstacles"]


class AssessmentForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for prefix, label in ASSESSMENT_DIMENSIONS:
            self.fields[f"{prefix}_rating"] = forms.TypedChoiceField(
                label=label, choices=[("", "—")] + list(Rating.choices), coerce=int)
            self.fields[f"{prefix}_notes"] = forms.CharField(
                label=_("Catatan"), required=False, max_length=limits.NOTE,
                widget=forms.Textarea(attrs={"rows": 2}))

    def pairs(self):
        return [(self[f"{p}_rating"], self[f"{p}_notes"]) for p, _label in ASSESSMENT_DIMENSIONS]


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Keputusan"), choices=DecisionKind.choices)
    reason = forms.CharField(label=_("Alasan/pertimbangan"), required=False,
                             max_length=limits.DECISION_REASON, widget=forms.Textarea(attrs={"rows": 2}))
    serving_agencies = forms.ModelMultipleChoiceField(
        label=_("Lembaga pelaksana layanan"), required=False, widget=forms.CheckboxSelectMultiple,
        queryset=Agency.objects.filter(is_active=True).exclude(kind="ministry").order_by("name"))
    coordinator_agency = forms.ModelChoiceField(
        label=_("Lembaga koordinator"), required=False, empty_label=CHOOSE,
        queryset=Agency.objects.filter(is_active=True).order_by("name"))
    priority_pilot = forms.BooleanField(
        label=_("Kriteria 5: rapat menetapkan kasus ini sebagai kasus prioritas percontohan"), required=False,
        help_text=_("Wajib untuk menetapkan kasus yang menurut verifikasi tidak memenuhi kriteria atau "
                    "belum diverifikasi."))
    priority_reason = forms.CharField(label=_("Alasan penetapan kriteria 5"), required=False,
                                      max_length=limits.DECISION_REASON,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    case_coordinator = forms.ModelChoiceField(
        label=_("Koordinator kasus"), required=False, queryset=User.objects.none(),
        empty_label=_("Ketua Tim Percepatan"),
        help_text=_("Penetapan menunjuk Ketua Tim Percepatan (atau pejabat yang ditunjuknya) sebagai "
                    "koordinator kasus sampai terminasi."))

    def __init__(self, *args, item=None, **kwargs):
        from meetings.services.coordination import coordinator_candidates

        super().__init__(*args, **kwargs)
        # The Ketua is the default (the empty choice); the list offers the officials she designated,
        # each said as such, so that nobody is offered twice under two names.
        chairs = users_with_role(roles=[Role.TP_KETUA]).values("pk")
        self.fields["case_coordinator"].queryset = coordinator_candidates().exclude(pk__in=chairs)
        self.fields["case_coordinator"].label_from_instance = lambda u: _(
            "%(name)s (pejabat yang ditunjuk Ketua)") % {"name": u.display_name}
        if item is not None:
            allowed = ALLOWED_KINDS.get(item.options_kind, set())
            self.fields["kind"].choices = [c for c in DecisionKind.choices if c[0] in allowed]


class ActionItemForm(forms.Form):
    description = forms.CharField(label=_("Tindak lanjut"), max_length=limits.NOTE,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    responsible_agency = forms.ModelChoiceField(label=_("Lembaga penanggung jawab"), empty_label=CHOOSE,
                                                queryset=Agency.objects.filter(is_active=True).order_by("name"))
    due_date = forms.DateField(label=_("Batas waktu"), widget=DATE, input_formats=["%Y-%m-%d"])


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[(FollowUpStatus.OPEN, _("Berjalan")),
                                                           (FollowUpStatus.DONE, _("Selesai"))])
    evidence = forms.CharField(label=_("Bukti/keterangan"), required=False, max_length=limits.NOTE,
                               widget=forms.Textarea(attrs={"rows": 2}))


class MinutesNotesForm(forms.Form):
    notes = forms.CharField(label=_("Catatan notula"), required=False, max_length=limits.MINUTES_NOTES,
                            widget=forms.Textarea(attrs={"rows": 6}),
                            help_text=_("Masuk notula yang dibaca semua pihak: sebut kasus dengan nomornya "
                                        "saja — tanpa nama, inisial, atau usia korban."))


class DelegationForm(forms.Form):
    """The Ketua designates an official to sign in her stead (SKB E.1.c), by decree, for a period."""

    official = forms.ModelChoiceField(label=_("Pejabat yang ditunjuk"), queryset=User.objects.none(),
                                      empty_label=CHOOSE)
    decree_number = forms.CharField(label=_("Nomor surat keputusan"), max_length=100)
    valid_from = forms.DateField(label=_("Berlaku mulai"), widget=DATE, input_formats=["%Y-%m-%d"])
    valid_until = forms.DateField(label=_("Berlaku sampai"), widget=DATE, input_formats=["%Y-%m-%d"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["official"].queryset = users_with_role(roles=TEAM_ROLES).order_by("full_name", "pk")
        self.fields["official"].label_from_instance = lambda u: u.display_name
