"""Screening and agenda: the complaints screened for a meeting, and the agenda built from them
(add, refresh, move, defer)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import ApplicationError
from meetings import forms, policies, selectors, services
from meetings.models import AgendaStatus, MeetingStatus, ScreeningOutcome
from meetings.views.base import (
    agenda_item_get,
    back_to,
    editor_or_404,
    meeting_post,
    member_required,
    posted_reason,
    refused,
    selection_target,
)


@member_required
@require_http_methods(["GET", "POST"])
def screening(request, meeting: int):
    m = selectors.meeting_get_for_user(user=request.user, id=meeting)
    if request.method == "POST":
        editor_or_404(request)
        prefix = "outcome-"
        outcomes = {k[len(prefix):]: v for k, v in request.POST.items() if k.startswith(prefix) and v}
        bulk = request.POST.get("bulk_outcome")
        if bulk:
            for key in request.POST.getlist("pick"):
                outcomes.setdefault(key, bulk)
        try:
            rows = services.screening_record(actor=request.user, meeting=m, outcomes=outcomes)
        except ApplicationError as exc:
            refused(request, exc)
        else:
            messages.success(request, _("%(count)s pengaduan disaring.") % {"count": len(rows)})
        return back_to(m, "screening")
    editable = m.status != MeetingStatus.CANCELLED and m.minutes.is_draft
    return render(request, "meetings/screening.html", {
        "meeting": m, "candidates": list(selectors.screening_candidates(meeting=m)) if editable else [],
        "screenings": selectors.meeting_screenings(meeting=m), "outcomes": ScreeningOutcome.choices,
        "can_edit": policies.can_edit(request.user) and editable,
        "previous": selectors.previous_meeting(meeting=m),
    })


@member_required
def agenda(request, meeting: int):
    m = selectors.meeting_get_for_user(user=request.user, id=meeting)
    can_edit = policies.can_edit(request.user) and m.minutes.is_draft and m.status != MeetingStatus.CANCELLED
    return render(request, "meetings/agenda.html", {
        "meeting": m, "items": selectors.agenda_items(meeting=m), "target": selection_target(m),
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
    return back_to(meeting_post(request, meeting, act), "agenda")


@member_required
@require_POST
def agenda_move(request, meeting: int, item: int):
    it = agenda_item_get(request, meeting, item)
    editor_or_404(request)
    try:
        services.agenda_move(actor=request.user, item=it, direction=request.POST.get("direction", "up"))
    except ApplicationError as exc:
        refused(request, exc)
    return back_to(it.meeting, "agenda")


@member_required
@require_POST
def agenda_defer(request, meeting: int, item: int):
    it = agenda_item_get(request, meeting, item)
    editor_or_404(request)
    try:
        services.agenda_defer(actor=request.user, item=it,
                              reason=posted_reason(forms.ReasonForm(request.POST)))
    except ApplicationError as exc:
        refused(request, exc)
    else:
        messages.success(request, _("Agenda ditunda ke rapat berikutnya."))
    return back_to(it.meeting, "agenda")
