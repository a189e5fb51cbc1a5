"""Meetings and attendance: the list, the weekly schedule, an extra meeting, one meeting's page, and
opening, attendance, closing, cancelling and rescheduling it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common import limits
from common.errors import ApplicationError, error_to_form, form_error_text
from common.paging import page_of, query_without_page
from common.timefmt import datetime_label
from meetings import forms, policies, selectors, services
from meetings.models import MeetingKind, MeetingStatus, ScreeningOutcome
from meetings.views.base import back_to, meeting_post, member_required, posted_reason, selection_target


@member_required
def meeting_list(request):
    page = page_of(selectors.meeting_list(user=request.user), request.GET.get("page"))
    meetings = list(page.object_list)
    for m in meetings:
        m.target = selection_target(m, count=m.signed_selected_count)
    return render(request, "meetings/list.html", {
        "meetings": meetings, "page": page, "page_query": query_without_page(request),
        "schedule": selectors.schedule_active(), "kpi": selectors.kpi_summary(),
        "can_edit": policies.can_edit(request.user), "now": timezone.now(),
        "pilot": selectors.weekly_selections(),
    })


@member_required
@require_http_methods(["GET", "POST"])
def schedule_edit(request):
    schedule = selectors.schedule_active()
    initial = {}
    if schedule:
        initial = {f: getattr(schedule, f) for f in ("weekday", "time", "place", "online_link",
                                                      "review_every_days", "action_reminder_days")}
    form = forms.ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not policies.can_edit(request.user):
            raise DjangoPermissionDenied
        if form.is_valid():
            try:
                services.schedule_update(actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                error_to_form(form, exc)
            else:
                messages.success(request, _("Jadwal rapat mingguan disimpan."))
                return redirect("meetings:list")
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/schedule.html", {
        "form": form, "schedule": schedule, "can_edit": policies.can_edit(request.user)}, status=status)


@member_required
@require_http_methods(["GET", "POST"])
def meeting_create(request):
    if not policies.can_edit(request.user):
        raise DjangoPermissionDenied
    schedule = selectors.schedule_active()
    form = forms.MeetingCreateForm(request.POST or None, initial={
        "place": schedule.place if schedule else "", "online_link": schedule.online_link if schedule else ""})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            error_to_form(form, exc)
        else:
            messages.success(request, _("Rapat sewaktu-waktu dijadwalkan."))
            return back_to(meeting)
    return render(request, "meetings/create.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def _detail_context(request, meeting, **extra):
    regular_pending = meeting.kind == MeetingKind.REGULAR and meeting.status == MeetingStatus.SCHEDULED
    ctx = {
        "meeting": meeting, "minutes": meeting.minutes, "target": selection_target(meeting),
        "attendance": selectors.meeting_attendance(meeting=meeting),
        "can_edit": policies.can_edit(request.user),
        "attendance_form": forms.AttendanceForm(initial={
            "attendees": [a.user_id for a in meeting.attendance.all()]}),
        "reschedule_form": forms.RescheduleForm(), "cancel_form": forms.ReasonForm(),
        "previous": selectors.previous_meeting(meeting=meeting),
        "summary": selectors.screening_summary(meeting=meeting),
        "outcomes": ScreeningOutcome,
        # R2: a regular meeting opens on its day (earlier only once rescheduled).
        "too_early": regular_pending and timezone.localdate() < timezone.localdate(meeting.starts_at),
        "late": regular_pending and timezone.localdate() > timezone.localdate(meeting.starts_at),
        # R4: closing asks, for each undecided item, defer or decide.
        "undecided": list(selectors.undecided_items(meeting=meeting))
        if meeting.status == MeetingStatus.OPEN else [],
        "week": selectors.weekly_selections().week_of(
            timezone.localdate(meeting.opened_at or meeting.starts_at)),
    }
    ctx.update(extra)
    return ctx


@member_required
def meeting_detail(request, meeting: int):
    m = selectors.meeting_get_for_user(user=request.user, id=meeting)
    return render(request, "meetings/detail.html", _detail_context(request, m))


def _posted_attendee_ids(request) -> list[int]:
    """The attendees ticked on the attendance form (none when the form is invalid: the service then
    refuses for want of a presiding officer)."""
    form = forms.AttendanceForm(request.POST)
    return [u.pk for u in form.cleaned_data["attendees"]] if form.is_valid() else []


@member_required
@require_POST
def meeting_open(request, meeting: int):
    def act(m):
        services.meeting_open(actor=request.user, meeting=m, attendee_ids=_posted_attendee_ids(request))
        return _("Rapat dibuka; kehadiran dan pimpinan rapat dicatat.")
    return back_to(meeting_post(request, meeting, act))


@member_required
@require_POST
def meeting_attendance(request, meeting: int):
    def act(m):
        services.attendance_update(actor=request.user, meeting=m, attendee_ids=_posted_attendee_ids(request))
        return _("Kehadiran diperbarui.")
    return back_to(meeting_post(request, meeting, act))


def _posted_deferrals(request) -> dict[int, str]:
    """The undecided items ticked "defer" on the closing form, with their reasons."""
    out = {}
    for key in request.POST:
        if key.startswith("defer_") and key[6:].isdigit():
            out[int(key[6:])] = request.POST.get(f"reason_{key[6:]}", "")[:limits.SHORT_REASON]
    return out


@member_required
@require_POST
def meeting_close(request, meeting: int):
    def act(m):
        closed = services.meeting_close(actor=request.user, meeting=m, deferrals=_posted_deferrals(request))
        carry = closed.carry_over
        if carry.target is not None and carry.items:
            messages.info(request, _("%(n)s agenda yang ditunda dibawa ke rapat %(when)s.") % {
                "n": carry.items, "when": datetime_label(carry.target.starts_at)})
        elif carry.waiting:
            messages.warning(request, str(services.NO_NEXT_MEETING))
        return _("Rapat ditutup. Periksa draf notula lalu ajukan untuk ditandatangani.")
    return back_to(meeting_post(request, meeting, act))


@member_required
@require_POST
def meeting_cancel(request, meeting: int):
    def act(m):
        services.meeting_cancel(actor=request.user, meeting=m,
                                reason=posted_reason(forms.ReasonForm(request.POST)))
        return _("Rapat dibatalkan.")
    return back_to(meeting_post(request, meeting, act))


@member_required
@require_POST
def meeting_reschedule(request, meeting: int):
    def act(m):
        form = forms.RescheduleForm(request.POST)
        if not form.is_valid():
            if "reason" in form.errors and not form.data.get("reason", "").strip():
                raise ApplicationError(services.REASON_REQUIRED)
            if set(form.errors) == {"starts_at"}:
                raise ApplicationError(services.START_IN_PAST)
            raise ApplicationError(form_error_text(form))
        services.meeting_reschedule(actor=request.user, meeting=m, **form.cleaned_data)
        return _("Rapat dijadwalkan ulang.")
    return back_to(meeting_post(request, meeting, act))
