"""Meeting pages. Thin: selectors fetch (and 404), services decide (and refuse with a message).

Non-members get 404 on anything that names a meeting and 403 on pages without one; a member who
may see but not edit gets 404 on an editing POST (the house rule, see docs/access.md)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.models import AccessLevel
from cases.selectors import case_get_for_user
from common.errors import ApplicationError, error_to_form, form_error_text
from meetings import forms, policies, selectors, services
from meetings.models import (
    WEEKLY_SELECTION_TARGET,
    ActionItem,
    AgendaStatus,
    MeetingStatus,
    ScreeningOutcome,
)


def member_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not policies.is_member(request.user):
            if "meeting" in kwargs:
                raise Http404
            raise DjangoPermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _editor_or_404(request):
    if not policies.can_edit(request.user):
        raise Http404


def _target(meeting) -> dict:
    count = getattr(meeting, "selected_count", 0)
    return {"count": count, "target": WEEKLY_SELECTION_TARGET, "met": count >= WEEKLY_SELECTION_TARGET}


def _back(meeting, name="detail"):
    return redirect(f"meetings:{name}", meeting=meeting.pk)


def _refused(request, exc: ApplicationError):
    messages.error(request, exc.message)


def _posted_reason(form) -> str:
    """The reason of a bound reason form. A reason that is too long is refused with the form's own
    message (it names the limit); an empty one is left to the service, which refuses it."""
    if form.is_valid():
        return form.cleaned_data["reason"]
    if form.data.get("reason", "").strip():
        raise ApplicationError(form_error_text(form))
    return ""


# --- list, schedule, create ------------------------------------------------------------------------

@member_required
def meeting_list(request):
    meetings = list(selectors.meeting_list(user=request.user)[:100])
    for m in meetings:
        m.target = _target(m)
    return render(request, "meetings/list.html", {
        "meetings": meetings, "schedule": selectors.schedule_active(), "kpi": selectors.kpi_summary(),
        "can_edit": policies.can_edit(request.user), "now": timezone.now(),
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
            return _back(meeting)
    return render(request, "meetings/create.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


# --- one meeting -----------------------------------------------------------------------------------

def _detail_context(request, meeting, **extra):
    ctx = {
        "meeting": meeting, "minutes": meeting.minutes, "target": _target(meeting),
        "attendance": selectors.meeting_attendance(meeting=meeting),
        "can_edit": policies.can_edit(request.user),
        "attendance_form": forms.AttendanceForm(initial={
            "attendees": [a.user_id for a in meeting.attendance.all()]}),
        "reschedule_form": forms.RescheduleForm(), "cancel_form": forms.ReasonForm(),
        "previous": selectors.previous_meeting(meeting=meeting),
        "summary": selectors.screening_summary(meeting=meeting),
        "outcomes": ScreeningOutcome,
    }
    ctx.update(extra)
    return ctx


@member_required
def meeting_detail(request, meeting: int):
    m = selectors.meeting_get_for_user(user=request.user, id=meeting)
    return render(request, "meetings/detail.html", _detail_context(request, m))


def _meeting_post(request, meeting, action):
    """Shared shape of the small editing POSTs: fetch, check editor, call, message, back."""
    m = selectors.meeting_get_for_user(user=request.user, id=meeting)
    _editor_or_404(request)
    try:
        text = action(m)
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        if text:
            messages.success(request, text)
    return m


@member_required
@require_POST
def meeting_open(request, meeting: int):
    def act(m):
        form = forms.AttendanceForm(request.POST)
        ids = [u.pk for u in form.cleaned_data["attendees"]] if form.is_valid() else []
        services.meeting_open(actor=request.user, meeting=m, attendee_ids=ids)
        return _("Rapat dibuka; kehadiran dan pimpinan rapat dicatat.")
    return _back(_meeting_post(request, meeting, act))


@member_required
@require_POST
def meeting_attendance(request, meeting: int):
    def act(m):
        form = forms.AttendanceForm(request.POST)
        ids = [u.pk for u in form.cleaned_data["attendees"]] if form.is_valid() else []
        services.attendance_update(actor=request.user, meeting=m, attendee_ids=ids)
        return _("Kehadiran diperbarui.")
    return _back(_meeting_post(request, meeting, act))


@member_required
@require_POST
def meeting_close(request, meeting: int):
    def act(m):
        services.meeting_close(actor=request.user, meeting=m)
        return _("Rapat ditutup. Periksa draf notula lalu ajukan untuk ditandatangani.")
    return _back(_meeting_post(request, meeting, act))


@member_required
@require_POST
def meeting_cancel(request, meeting: int):
    def act(m):
        services.meeting_cancel(actor=request.user, meeting=m,
                                reason=_posted_reason(forms.ReasonForm(request.POST)))
        return _("Rapat dibatalkan.")
    return _back(_meeting_post(request, meeting, act))


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
    return _back(_meeting_post(request, meeting, act))


# --- screening -------------------------------------------------------------------------------------

@member_required
@require_http_methods(["GET", "POST"])
def screening(request, meeting: int):
    m = selectors.meeting_get_for_user(user=request.user, id=meeting)
    if request.method == "POST":
        _editor_or_404(request)
        prefix = "outcome-"
        outcomes = {k[len(prefix):]: v for k, v in request.POST.items() if k.startswith(prefix) and v}
        bulk = request.POST.get("bulk_outcome")
        if bulk:
            for key in request.POST.getlist("pick"):
                outcomes.setdefault(key, bulk)
        try:
            rows = services.screening_record(actor=request.user, meeting=m, outcomes=outcomes)
        except ApplicationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("%(count)s pengaduan disaring.") % {"count": len(rows)})
        return _back(m, "screening")
    editable = m.status != MeetingStatus.CANCELLED and m.minutes.is_draft
    return render(request, "meetings/screening.html", {
        "meeting": m, "candidates": list(selectors.screening_candidates(meeting=m)) if editable else [],
        "screenings": selectors.meeting_screenings(meeting=m), "outcomes": ScreeningOutcome.choices,
        "can_edit": policies.can_edit(request.user) and editable,
        "previous": selectors.previous_meeting(meeting=m),
    })


# --- agenda ----------------------------------------------------------------------------------------

@member_required
def agenda(request, meeting: int):
    m = selectors.meeting_get_for_user(user=request.user, id=meeting)
    can_edit = policies.can_edit(request.user) and m.minutes.is_draft and m.status != MeetingStatus.CANCELLED
    return render(request, "meetings/agenda.html", {
        "meeting": m, "items": selectors.agenda_items(meeting=m), "target": _target(m),
        "can_edit": can_edit, "add_form": forms.AgendaAddForm(cases=selectors.addable_cases(meeting=m))
        if can_edit else None, "defer_form": forms.ReasonForm(), "pending": AgendaStatus.PENDING,
    })


@member_required
@require_POST
def agenda_add(request, meeting: int):
    def act(m):
        if request.POST.get("refresh"):
            added = services.agenda_refresh(actor=request.user, meeting=m)
            return _("Agenda diperbarui (%(count)s butir baru).") % {"count": len(added)}
        form = forms.AgendaAddForm(request.POST, cases=selectors.addable_cases(meeting=m))
        if not form.is_valid():
            raise ApplicationError(services.AGENDA_DUPLICATE)
        services.agenda_add(actor=request.user, meeting=m, case=form.cleaned_data["case"])
        return _("Kasus ditambahkan ke agenda.")
    return _back(_meeting_post(request, meeting, act), "agenda")


def _item(request, meeting, item):
    return selectors.agenda_item_get_for_user(user=request.user, meeting_id=meeting, item_id=item)


@member_required
@require_POST
def agenda_move(request, meeting: int, item: int):
    it = _item(request, meeting, item)
    _editor_or_404(request)
    try:
        services.agenda_move(actor=request.user, item=it, direction=request.POST.get("direction", "up"))
    except ApplicationError as exc:
        _refused(request, exc)
    return _back(it.meeting, "agenda")


@member_required
@require_POST
def agenda_defer(request, meeting: int, item: int):
    it = _item(request, meeting, item)
    _editor_or_404(request)
    try:
        services.agenda_defer(actor=request.user, item=it,
                              reason=_posted_reason(forms.ReasonForm(request.POST)))
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Agenda ditunda ke rapat berikutnya."))
    return _back(it.meeting, "agenda")


# --- discussion of one item ------------------------------------------------------------------------

def _item_context(request, it, **extra):
    decision = getattr(it, "decision", None) if hasattr(it, "decision") else None
    assessment = getattr(it, "assessment", None) if hasattr(it, "assessment") else None
    a_initial = {}
    if assessment:
        for f in ("violence", "urgency", "psychosocial", "coordination"):
            a_initial[f"{f}_rating"] = getattr(assessment, f"{f}_rating")
            a_initial[f"{f}_notes"] = getattr(assessment, f"{f}_notes")
    d_initial = {}
    if decision:
        d_initial = {"kind": decision.kind, "reason": decision.reason,
                     "serving_agencies": list(decision.serving_agencies.all()),
                     "coordinator_agency": decision.coordinator_agency}
    m = it.meeting
    can_edit = (policies.can_edit(request.user) and m.minutes.is_draft and m.opened_at is not None)
    ctx = {
        "meeting": m, "item": it, "case": it.case, "decision": decision, "assessment": assessment,
        "presentation": getattr(it, "presentation", None) if hasattr(it, "presentation") else None,
        "can_edit": can_edit, "can_present": policies.can_present(request.user, it),
        "assessment_form": forms.AssessmentForm(initial=a_initial),
        "decision_form": forms.DecisionForm(initial=d_initial, item=it),
        "action_form": forms.ActionItemForm(),
        "action_items": list(decision.action_items.all()) if decision else [],
    }
    ctx.update(extra)
    return ctx


@member_required
def item_detail(request, meeting: int, item: int):
    it = _item(request, meeting, item)
    it.meeting.minutes  # noqa: B018 — loaded once for the template
    return render(request, "meetings/item.html", _item_context(request, it))


@member_required
@require_POST
def item_assessment(request, meeting: int, item: int):
    it = _item(request, meeting, item)
    _editor_or_404(request)
    form = forms.AssessmentForm(request.POST)
    if not form.is_valid() and any(name.endswith("_notes") for name in form.errors):
        # Notes too long: shown under the note, with what was typed (a missing rating is the
        # service's to explain).
        return render(request, "meetings/item.html", _item_context(request, it, assessment_form=form),
                      status=400)
    data = form.cleaned_data
    dims = ("violence", "urgency", "psychosocial", "coordination")
    try:
        services.assessment_save(actor=request.user, item=it,
                                 ratings={p: data.get(f"{p}_rating") for p in dims},
                                 notes={p: data.get(f"{p}_notes", "") for p in dims})
    except ApplicationError as exc:
        error_to_form(form, exc)
        return render(request, "meetings/item.html", _item_context(request, it, assessment_form=form),
                      status=400)
    messages.success(request, _("Asesmen bersama disimpan."))
    return redirect("meetings:item", meeting=it.meeting_id, item=it.pk)


@member_required
@require_POST
def item_decision(request, meeting: int, item: int):
    it = _item(request, meeting, item)
    _editor_or_404(request)
    form = forms.DecisionForm(request.POST, item=it)
    if form.is_valid():
        try:
            services.decision_record(actor=request.user, meeting=it.meeting, case=it.case,
                                     kind=form.cleaned_data["kind"], reason=form.cleaned_data["reason"],
                                     serving_agencies=form.cleaned_data["serving_agencies"],
                                     coordinator_agency=form.cleaned_data["coordinator_agency"])
        except ApplicationError as exc:
            error_to_form(form, exc)
        else:
            messages.success(request, _("Keputusan dicatat. Berlaku setelah notula ditandatangani."))
            return redirect("meetings:item", meeting=it.meeting_id, item=it.pk)
    return render(request, "meetings/item.html", _item_context(request, it, decision_form=form), status=400)


@member_required
@require_POST
def item_action(request, meeting: int, item: int):
    it = _item(request, meeting, item)
    _editor_or_404(request)
    if request.POST.get("remove"):
        ai = ActionItem.objects.filter(pk=request.POST.get("remove"), decision__agenda_item=it).first()
        if ai is None:
            raise Http404
        try:
            services.action_item_remove(actor=request.user, action_item=ai)
        except ApplicationError as exc:
            _refused(request, exc)
        return redirect("meetings:item", meeting=it.meeting_id, item=it.pk)
    form = forms.ActionItemForm(request.POST)
    if form.is_valid():
        try:
            services.action_item_add_for_item(actor=request.user, item=it, **form.cleaned_data)
        except ApplicationError as exc:
            error_to_form(form, exc)
        else:
            messages.success(request, _("Tindak lanjut ditambahkan."))
            return redirect("meetings:item", meeting=it.meeting_id, item=it.pk)
    else:
        form.add_error(None, services.ACTION_ITEM_INCOMPLETE)
    return render(request, "meetings/item.html", _item_context(request, it, action_form=form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def presentation(request, meeting: int, item: int):
    """The receiving institution writes its presentation; members read it."""
    it = _item(request, meeting, item)
    can_present = policies.can_present(request.user, it)
    existing = getattr(it, "presentation", None) if hasattr(it, "presentation") else None
    initial = ({"chronology": existing.chronology, "current_condition": existing.current_condition,
                "obstacles": existing.obstacles} if existing else {})
    form = forms.PresentationForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not can_present:
            raise Http404
        if form.is_valid():
            try:
                services.presentation_save(actor=request.user, item=it, **form.cleaned_data)
            except ApplicationError as exc:
                error_to_form(form, exc)
            else:
                messages.success(request, _("Paparan kasus disimpan."))
                return redirect("meetings:presentation", meeting=it.meeting_id, item=it.pk)
    return render(request, "meetings/presentation.html", {
        "meeting": it.meeting, "item": it, "case": it.case, "form": form, "presentation": existing,
        "can_present": can_present and it.meeting.minutes.is_draft,
        "is_member": policies.is_member(request.user),
    }, status=400 if request.method == "POST" else 200)


# --- minutes ---------------------------------------------------------------------------------------

@member_required
@require_http_methods(["GET", "POST"])
def minutes(request, meeting: int):
    m = selectors.meeting_get_for_user(user=request.user, id=meeting)
    form = forms.MinutesNotesForm(request.POST or None, initial={"notes": m.minutes.notes})
    if request.method == "POST":
        _editor_or_404(request)
        try:
            if request.POST.get("action") == "ready":
                services.minutes_mark_ready(actor=request.user, meeting=m)
                messages.success(request, _("Notula diajukan untuk ditandatangani."))
            elif request.POST.get("action") == "draft":
                services.minutes_return_to_draft(actor=request.user, meeting=m)
                messages.success(request, _("Notula dikembalikan ke draf."))
            elif form.is_valid():
                services.minutes_update_notes(actor=request.user, meeting=m,
                                              notes=form.cleaned_data.get("notes", ""))
                messages.success(request, _("Catatan notula disimpan."))
            else:
                # Too long: the page again, with the text as typed and the limit under the field.
                return _minutes_page(request, m, form, status=400)
        except ApplicationError as exc:
            _refused(request, exc)
        return _back(m, "minutes")
    return _minutes_page(request, m, form)


def _minutes_page(request, m, form, *, status=200):
    from meetings.signing import minutes_context, signer_position

    ctx = minutes_context(m)
    ctx.update({
        "form": form, "can_edit": policies.can_edit(request.user),
        "can_sign": m.minutes.status == "ready"
        and signer_position(actor=request.user, meeting=m) is not None,
    })
    return render(request, "meetings/minutes.html", ctx, status=status)


# --- agencies and cases ----------------------------------------------------------------------------

@login_required
def agency_overview(request):
    """For agency staff: presentations asked of them and their action items with follow-up."""
    from agencies.policies import staff_agency_ids

    if not staff_agency_ids(request.user):
        raise DjangoPermissionDenied
    return render(request, "meetings/agency.html", {
        "requested": selectors.presentations_requested(user=request.user),
        "action_items": selectors.action_items_for_agencies(user=request.user),
        "follow_form": forms.FollowUpForm(),
    })


@login_required
@require_POST
def follow_up(request, action: int):
    ai = selectors.action_item_get_for_user(user=request.user, id=action)
    form = forms.FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, services.FOLLOW_UP_STATUS_INVALID if "status" in form.errors
                       else form_error_text(form))
        return render(request, "meetings/agency.html", {
            "requested": selectors.presentations_requested(user=request.user),
            "action_items": selectors.action_items_for_agencies(user=request.user),
            "follow_form": form, "failed": ai.pk}, status=400)
    try:
        services.follow_up_add(actor=request.user, action_item=ai, **form.cleaned_data)
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Perkembangan tindak lanjut dicatat."))
    return redirect("meetings:agency")


@login_required
def case_history(request, pk: int):
    case = case_get_for_user(user=request.user, id=pk, level=AccessLevel.SUMMARY)
    history = selectors.case_meeting_history(case=case)
    return render(request, "meetings/case_history.html", {"case": case, **history,
                                                          "is_member": policies.is_member(request.user)})

