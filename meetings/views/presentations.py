"""Presentations and assessment: an agenda item's page, the receiving institution's presentation and
the team's joint assessment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import ApplicationError
from meetings import forms, policies, services
from meetings.views.base import (
    agenda_item_get,
    editor_or_404,
    identity_to_form,
    item_context,
    member_required,
)


@member_required
def item_detail(request, meeting: int, item: int):
    it = agenda_item_get(request, meeting, item)
    it.meeting.minutes  # noqa: B018 — loaded once for the template
    return render(request, "meetings/item.html", item_context(request, it))


@member_required
@require_POST
def item_assessment(request, meeting: int, item: int):
    it = agenda_item_get(request, meeting, item)
    editor_or_404(request)
    form = forms.AssessmentForm(request.POST)
    if not form.is_valid() and any(name.endswith("_notes") for name in form.errors):
        # Notes too long: shown under the note, with what was typed (a missing rating is the
        # service's to explain).
        return render(request, "meetings/item.html", item_context(request, it, assessment_form=form),
                      status=400)
    data = form.cleaned_data
    dims = ("violence", "urgency", "psychosocial", "coordination")
    try:
        services.assessment_save(actor=request.user, item=it,
                                 ratings={p: data.get(f"{p}_rating") for p in dims},
                                 notes={p: data.get(f"{p}_notes", "") for p in dims})
    except ApplicationError as exc:
        identity_to_form(form, exc)
        return render(request, "meetings/item.html", item_context(request, it, assessment_form=form),
                      status=400)
    messages.success(request, _("Asesmen bersama disimpan."))
    return redirect("meetings:item", meeting=it.meeting_id, item=it.pk)


@login_required
@require_http_methods(["GET", "POST"])
def presentation(request, meeting: int, item: int):
    """The receiving institution writes its presentation; members read it."""
    it = agenda_item_get(request, meeting, item)
    can_present = policies.can_present(request.user, it)
    existing = getattr(it, "presentation", None) if hasattr(it, "presentation") else None
    initial = ({"chronology": existing.chronology, "current_condition": existing.current_condition,
                "obstacles": existing.obstacles, "common_words": existing.confirmed_common_words}
               if existing else {})
    form = forms.PresentationForm(request.POST or None, initial=initial)
    common_word = ""
    if request.method == "POST":
        if not can_present:
            raise Http404
        if form.is_valid():
            try:
                services.presentation_save(actor=request.user, item=it, **form.cleaned_data)
            except ApplicationError as exc:
                common_word = identity_to_form(form, exc)
            else:
                messages.success(request, _("Paparan kasus disimpan."))
                return redirect("meetings:presentation", meeting=it.meeting_id, item=it.pk)
    return render(request, "meetings/presentation.html", {
        "meeting": it.meeting, "item": it, "case": it.case, "form": form, "presentation": existing,
        "can_present": can_present and it.meeting.minutes.is_draft,
        "is_member": policies.is_member(request.user), "common_word": common_word,
    }, status=400 if request.method == "POST" else 200)


@member_required
@require_POST
def oral_presentation(request, meeting: int, item: int):
    """The secretary records an oral presentation at the opened meeting, with the presenter named."""
    it = agenda_item_get(request, meeting, item)
    editor_or_404(request)
    form = forms.OralPresentationForm(request.POST)
    common_word = ""
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.presentation_record_oral(actor=request.user, item=it, **data)
        except ApplicationError as exc:
            common_word = identity_to_form(form, exc)
        else:
            messages.success(request, _("Paparan lisan dicatat."))
            return redirect("meetings:item", meeting=it.meeting_id, item=it.pk)
    return render(request, "meetings/item.html",
                  item_context(request, it, oral_form=form, common_word=common_word), status=400)
