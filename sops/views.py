"""SOP pages of a case: its runs, one run's step tracker, starting a run, recording a step. Thin:
services write, selectors read; every case comes from ``case_get_for_user`` (through
``sop_run_get_for_user`` for a run) and answers 404 when it is not the user's. A user who may see
the page but not act gets 404 for the action, as the triage routes do (docs/access.md)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.models import AccessLevel, ComplaintOutcome
from cases.selectors import case_get_for_user
from common.audit import access_log_record
from common.errors import ApplicationError, error_to_form
from common.models import AccessAction
from sops import policies, selectors, services
from sops.forms import RunStartForm, RunStepForm


def _open_complaints(case):
    return [c for c in case.complaints.only("id", "public_id", "case_id", "channel", "received_at", "outcome",
                                            "receiving_agency_id").order_by("received_at", "id")
            if c.outcome != ComplaintOutcome.VOIDED]


def _render_runs(request, case, *, start_form=None, status=200):
    can_start = policies.can_work_on_case(request.user, case)
    return render(request, "sops/case_runs.html", {
        "case": case,
        "runs": selectors.sop_run_list(case=case),
        "can_start": can_start,
        "start_form": start_form or (RunStartForm(complaints=_open_complaints(case)) if can_start else None),
    }, status=status)


@login_required
@require_GET
def case_runs(request, pk: int):
    case = case_get_for_user(user=request.user, id=pk)
    access_log_record(request=request, user=request.user, action=AccessAction.VIEW, obj=case, case=case,
                      level=AccessLevel(case.access_level).name.lower())
    return _render_runs(request, case)


@login_required
@require_POST
def run_start(request, pk: int):
    case = case_get_for_user(user=request.user, id=pk)
    if not policies.can_work_on_case(request.user, case):
        raise Http404
    form = RunStartForm(request.POST, complaints=_open_complaints(case))
    if form.is_valid():
        try:
            run = services.sop_run_start(actor=request.user, case=case, sop=form.cleaned_data["sop"],
                                         complaint=form.cleaned_data["complaint"])
        except (ValidationError, ApplicationError) as exc:
            error_to_form(form, exc)
        else:
            messages.success(request, _("Pelaksanaan SOP dimulai."))
            return redirect("sops:run", pk=case.pk, run=run.pk)
    return _render_runs(request, case, start_form=form, status=400)


def _render_run(request, run, *, step_form=None, status=200):
    can_record = policies.can_record_step(request.user, run) and run.ended_at is None
    return render(request, "sops/run_detail.html", {
        "case": run.case,
        "run": run,
        "tracker": selectors.sop_tracker(run=run),
        "can_record": can_record,
        "step_form": step_form or (RunStepForm(run=run) if can_record else None),
    }, status=status)


@login_required
@require_GET
def run_detail(request, pk: int, run: int):
    run = selectors.sop_run_get_for_user(user=request.user, case_id=pk, run_id=run)
    access_log_record(request=request, user=request.user, action=AccessAction.VIEW, obj=run, case=run.case,
                      level=AccessLevel(run.case.access_level).name.lower())
    return _render_run(request, run)


@login_required
@require_POST
def run_step(request, pk: int, run: int):
    run = selectors.sop_run_get_for_user(user=request.user, case_id=pk, run_id=run)
    if not policies.can_record_step(request.user, run):
        raise Http404
    form = RunStepForm(request.POST, run=run)
    if form.is_valid():
        try:
            services.sop_step_record(actor=request.user, run=run, step=form.cleaned_data["step"],
                                     done_at=form.cleaned_data["done_at"],
                                     output_ref=form.cleaned_data["output_ref"])
        except (ValidationError, ApplicationError) as exc:
            error_to_form(form, exc)
        else:
            messages.success(request, _("Langkah SOP dicatat."))
            return redirect(reverse("sops:run", kwargs={"pk": run.case.pk, "run": run.pk}) + "#sop")
    return _render_run(request, run, step_form=form, status=400)
