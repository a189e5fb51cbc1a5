"""Pages of the service plan, under the case (``/kasus/<pk>/rencana/``): read every version, and —
for whom ``plans.policies`` allows — record a case conference, add or remove a service item, move
an item's status, approve the draft. The services decide; the page shows their refusals at the
field."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from cases.models import AccessLevel
from cases.selectors import case_get_for_user
from common.audit import access_log_record
from common.errors import ActionNotAllowed, ApplicationError, error_text, error_to_form
from common.models import AccessAction
from plans import forms
from plans import services as plans
from plans.models import Plan, PlanVersion, ServiceItem
from plans.policies import may_move_item, plan_permissions
from plans.selectors import plan_page_for_user

DONE = {
    "conference": _("Case conference dicatat; rencana layanan versi draf dibuka."),
    "item_add": _("Layanan ditambahkan ke rencana."),
    "item_remove": _("Layanan dikeluarkan dari rencana."),
    "item_status": _("Status layanan diubah."),
    "approve": _("Rencana layanan disetujui; lembaga dalam rencana mendapat akses layanan ke kasus."),
}


def _context(request, case, **bound) -> dict:
    page = plan_page_for_user(user=request.user, case=case)
    plan = page.plan
    may = plan_permissions(request.user, case, plan)
    latest = page.versions[0] if page.versions else None
    approved = next((v for v in page.versions if not v.is_draft), None)
    movable: set[int] = set()
    if approved is not None:
        for item in approved.items.all():
            if may_move_item(request.user, case=case, item_agency_id=item.agency_id,
                             coordinator_agency_id=plan.coordinator_agency_id):
                movable.add(item.pk)
    agency_ids = plans.plan_agency_ids(plan) if plan is not None else set()
    return {
        "case": case, "page": page, "may_edit": may["edit"], "may_approve": may["approve"],
        "latest": latest, "approved": approved, "movable": movable,
        "draft": latest if latest is not None and latest.is_draft else None,
        "conference_form": bound.get("conference") or forms.ConferenceForm(),
        "item_form": bound.get("item_add") or forms.ItemAddForm(agency_ids=agency_ids),
        "status_form": bound.get("item_status"), "status_item": bound.get("status_item"),
        "other_error": bound.get("other_error"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def plan_page(request, pk: int):
    """Every version of the plan, newest first; the user's own agency's items highlighted; the
    forms the user may use."""
    case = case_get_for_user(user=request.user, id=pk)
    if request.method == "POST":
        return _post(request, case)
    access_log_record(request=request, user=request.user, action=AccessAction.VIEW, obj=case, case=case,
                      level=AccessLevel(case.access_level).name.lower())
    return render(request, "plans/plan.html", _context(request, case))


def _item(case, pk) -> ServiceItem:
    item = ServiceItem.objects.filter(pk=pk, version__plan__case=case).first()
    if item is None:
        raise Http404
    return item


def _post(request, case):
    action = request.POST.get("action", "")
    user = request.user
    bound: dict = {}
    try:
        if action in ("conference", "item_add", "item_remove", "approve"):
            may = plan_permissions(user, case, Plan.objects.filter(case=case).first())
            if action == "approve" and not may["approve"]:
                raise ActionNotAllowed(plans.APPROVE_NOT_ALLOWED)
            if action != "approve" and not may["edit"]:
                raise ActionNotAllowed(plans.EDIT_NOT_ALLOWED)
        if action == "conference":
            form = bound["conference"] = forms.ConferenceForm(request.POST)
            if form.is_valid():
                plans.conference_record(
                    actor=user, case=case, held_on=form.cleaned_data["held_on"],
                    attendees=[plans.AttendeeInput(a, p) for a, p in form.attendees()],
                    agreed=form.cleaned_data["agreed"])
            else:
                raise _Invalid
        elif action == "item_add":
            plan = plan_page_for_user(user=user, case=case).plan
            ids = plans.plan_agency_ids(plan) if plan is not None else set()
            form = bound["item_add"] = forms.ItemAddForm(request.POST, agency_ids=ids)
            if form.is_valid():
                plans.item_add(actor=user, case=case, **form.cleaned_data)
            else:
                raise _Invalid
        elif action == "item_remove":
            form = forms.ItemRemoveForm(request.POST)
            if not form.is_valid():
                raise Http404
            plans.item_remove(actor=user, item=_item(case, form.cleaned_data["item"]))
        elif action == "item_status":
            form = bound["item_status"] = forms.ItemStatusForm(request.POST)
            if not form.is_valid():
                bound["status_item"] = request.POST.get("item")
                raise _Invalid
            bound["status_item"] = form.cleaned_data["item"]
            plans.item_status_set(actor=user, item=_item(case, form.cleaned_data["item"]),
                                  to=form.cleaned_data["status"], reason=form.cleaned_data["reason"])
        elif action == "approve":
            form = forms.ApproveForm(request.POST)
            version = (PlanVersion.objects.filter(pk=form.cleaned_data["version"], plan__case=case).first()
                       if form.is_valid() else None)
            if version is None:
                raise Http404
            plans.plan_approve(actor=user, version=version)
        else:
            bound["other_error"] = _("Permintaan tidak dikenal.")
            raise _Invalid
    except _Invalid:
        return render(request, "plans/plan.html", _context(request, case, **bound), status=400)
    except ApplicationError as exc:
        form = bound.get(action)
        if form is not None:
            error_to_form(form, exc)
        else:
            bound["other_error"] = error_text(exc)
        status = 403 if isinstance(exc, ActionNotAllowed) else 400
        return render(request, "plans/plan.html", _context(request, case, **bound), status=status)
    messages.success(request, DONE[action])
    return redirect("plans:plan", pk=case.pk)


class _Invalid(Exception):
    """The form's shape is wrong: the page shows it again with the errors."""
