"""Decisions and action items: the decision on an agenda item, its action items, the agencies'
follow-up of them, and a case's history across meetings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import AccessLevel
from cases.selectors import case_get_for_user
from common.errors import ApplicationError, form_error_text
from meetings import forms, policies, selectors, services
from meetings.models import ActionItem
from meetings.views.base import (
    agenda_item_get,
    editor_or_404,
    identity_to_form,
    item_context,
    member_required,
    refused,
)


@member_required
@require_POST
def item_decision(request, meeting: int, item: int):
    it = agenda_item_get(request, meeting, item)
    editor_or_404(request)
    form = forms.DecisionForm(request.POST, item=it)
    if form.is_valid():
        try:
            services.decision_record(actor=request.user, meeting=it.meeting, case=it.case,
                                     kind=form.cleaned_data["kind"], reason=form.cleaned_data["reason"],
                                     serving_agencies=form.cleaned_data["serving_agencies"],
                                     coordinator_agency=form.cleaned_data["coordinator_agency"],
                                     priority_pilot=form.cleaned_data["priority_pilot"],
                                     priority_reason=form.cleaned_data["priority_reason"],
                                     case_coordinator=form.cleaned_data["case_coordinator"])
        except ApplicationError as exc:
            identity_to_form(form, exc)
        else:
            messages.success(request, _("Keputusan dicatat. Berlaku setelah notula ditandatangani."))
            return redirect("meetings:item", meeting=it.meeting_id, item=it.pk)
    return render(request, "meetings/item.html", item_context(request, it, decision_form=form), status=400)


@member_required
@require_POST
def item_action(request, meeting: int, item: int):
    it = agenda_item_get(request, meeting, item)
    editor_or_404(request)
    if request.POST.get("remove"):
        ai = ActionItem.objects.filter(pk=request.POST.get("remove"), decision__agenda_item=it).first()
        if ai is None:
            raise Http404
        try:
            services.action_item_remove(actor=request.user, action_item=ai)
        except ApplicationError as exc:
            refused(request, exc)
        return redirect("meetings:item", meeting=it.meeting_id, item=it.pk)
    form = forms.ActionItemForm(request.POST)
    if form.is_valid():
        try:
            services.action_item_add_for_item(actor=request.user, item=it, **form.cleaned_data)
        except ApplicationError as exc:
            identity_to_form(form, exc)
        else:
            messages.success(request, _("Tindak lanjut ditambahkan."))
            return redirect("meetings:item", meeting=it.meeting_id, item=it.pk)
    else:
        form.add_error(None, services.ACTION_ITEM_INCOMPLETE)
    return render(request, "meetings/item.html", item_context(request, it, action_form=form), status=400)


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
        refused(request, exc)
    else:
        messages.success(request, _("Perkembangan tindak lanjut dicatat."))
    return redirect("meetings:agency")


@login_required
def case_history(request, pk: int):
    case = case_get_for_user(user=request.user, id=pk, level=AccessLevel.SUMMARY)
    history = selectors.case_meeting_history(case=case)
    return render(request, "meetings/case_history.html", {"case": case, **history,
                                                          "is_member": policies.is_member(request.user)})
