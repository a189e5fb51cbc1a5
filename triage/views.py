"""Triage pages: verification with its reasons, risk override, emergency panel, SOP tracker, and
the list of emergency cases. Thin: services write, selectors read; every case comes from
``case_get_for_user`` (through ``triage_complaint_get_for_user``) and answers 404 when it is not
the user's. A user who may see the page but not take an action gets 404 for that action, as the
grant routes do (docs/access.md)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.models import AccessLevel
from common.audit import access_log_record
from common.errors import ApplicationError, error_to_form
from common.models import AccessAction
from common.timefmt import datetime_label
from sops import policies as sop_policies
from sops import selectors as sop_selectors
from sops import services as sop_services
from sops.catalogue import CRISIS_SOP, CRISIS_STEPS, default_sop_for, get_sop
from sops.forms import SopPickForm, SopStepForm
from triage import policies, rules, selectors, services
from triage.forms import EmergencyReferForm, OverrideForm, TriageForm
from triage.rules import CRITERION_LABELS


def _detail_url(case, complaint=None, sop: str | None = None) -> str:
    url = reverse("triage:detail", args=[case.pk])
    params = []
    if complaint is not None:
        params.append(f"pengaduan={complaint.public_id}")
    if sop:
        params.append(f"sop={sop}")
    return url + ("?" + "&".join(params) if params else "")


def _initial_triage(complaint, assessment) -> dict:
    def yn(value: bool) -> str:
        return "ya" if value else "tidak"

    if assessment is not None:
        return {"emergency_conditions": assessment.emergency_conditions,
                "complexity_conditions": assessment.complexity_conditions,
                "complexity_change_reason": assessment.complexity_change_reason,
                "needs_multiple_services": yn(assessment.needs_multiple_services),
                "cross_region": yn(assessment.cross_region), "notes": assessment.notes}
    if complaint is None:
        return {}
    # A first triage starts from what the complaint says: conditions (e)–(g) as registered (R23),
    # and more than one stated need is criterion 2.
    initial = {"complexity_conditions": sorted(rules.registered_complexity(complaint))}
    if len(complaint.stated_needs) > 1:
        initial["needs_multiple_services"] = "ya"
    return initial


def _context(request, case, complaint, *, sop_code=None, triage_form=None, override_form=None,
             refer_form=None, step_form=None) -> dict:
    user = request.user
    assessment = selectors.triage_for_complaint(complaint=complaint) if complaint else None
    can_triage = bool(complaint) and policies.can_triage(user, complaint)
    can_override = bool(assessment) and policies.can_override_risk(user, complaint)
    can_refer = case.is_emergency and policies.can_refer_emergency(user, case)
    can_record = bool(complaint) and sop_policies.can_start_run(user, case=case, complaint=complaint)

    sop = get_sop(sop_code or "") if sop_code else None
    if sop is None and complaint is not None:
        sop = get_sop(default_sop_for(complaint, is_emergency=case.is_emergency))
    tracker = sop_selectors.complaint_sop_tracker(complaint=complaint, sop=sop) if complaint and sop else None
    crisis = None
    if complaint is not None and case.is_emergency:
        crisis_tracker = (tracker if sop and sop.code == CRISIS_SOP
                          else sop_selectors.complaint_sop_tracker(
                              complaint=complaint, sop=get_sop(CRISIS_SOP), show_pending=False))
        crisis_codes = {s.code for s in CRISIS_STEPS}
        crisis = [row for row in crisis_tracker.rows if row.step.code in crisis_codes]

    grants = (_with_state(selectors.emergency_grants(case=case))
              if (case.is_emergency or case.awaiting_formal_decision) else [])
    providers = (selectors.provider_agencies(needs=complaint.stated_needs if complaint else [],
                                             exclude_agency_id=case.receiving_agency_id)
                 if can_refer else None)
    return {
        "case": case,
        "level": AccessLevel(case.access_level),
        "complaint": complaint,
        "complaints": list(selectors.case_complaints_brief(case=case)) if complaint else [],
        "assessment": assessment,
        "criteria_labels": CRITERION_LABELS,
        "victims": selectors.victims_summary(complaint=complaint) if complaint else [],
        "needs": selectors.needs_with_names(needs=complaint.stated_needs) if complaint else [],
        "can_triage": can_triage,
        "can_override": can_override,
        "can_refer": can_refer,
        "can_record": can_record,
        "triage_form": triage_form or (TriageForm(initial=_initial_triage(complaint, assessment))
                                       if can_triage else None),
        "override_form": override_form or (OverrideForm() if can_override else None),
        "refer_form": refer_form or (EmergencyReferForm(agencies=providers) if can_refer else None),
        "step_form": step_form or (SopStepForm(initial={"sop": sop.code}) if can_record and sop else None),
        "sop": sop,
        "sop_pick": SopPickForm(initial={"sop": sop.code if sop else ""}),
        "tracker": tracker,
        "crisis": crisis,
        "emergency_grants": grants,
        "has_active_temporary": any(g.active and g.expires_at for g in grants),
    }


def _with_state(grants) -> list:
    now = timezone.now()
    grants = list(grants)
    for g in grants:
        g.active = g.is_active_at(now)
    return grants


def _render(request, case, complaint, status=200, **kwargs):
    return render(request, "triage/detail.html", _context(request, case, complaint, **kwargs),
                  status=status)


@login_required
@require_GET
def triage_detail(request, pk: int):
    case, complaint = selectors.triage_complaint_get_for_user(
        user=request.user, case_id=pk, complaint_id=request.GET.get("pengaduan"))
    access_log_record(request=request, user=request.user, action=AccessAction.VIEW,
                      obj=complaint or case, case=case, level=AccessLevel(case.access_level).name.lower())
    return _render(request, case, complaint, sop_code=request.GET.get("sop"))


@login_required
@require_POST
def triage_record(request, pk: int):
    case, complaint = selectors.triage_complaint_get_for_user(
        user=request.user, case_id=pk, complaint_id=request.POST.get("complaint"))
    if not policies.can_record_on_case(request.user, case):
        raise Http404
    form = TriageForm(request.POST)
    if form.is_valid():
        try:
            assessment = services.triage_record(
                actor=request.user, complaint=complaint, **form.cleaned_data)
        except (ValidationError, ApplicationError) as exc:
            error_to_form(form, exc)
        else:
            if assessment.is_emergency:
                messages.warning(request, _("Kasus darurat: layanan segera (action first). Kepala lembaga, "
                                            "Ketua Tim Percepatan dan lembaga penyedia layanan telah diberi "
                                            "tahu; kasus menunggu penetapan formal pada rapat terdekat."))
            else:
                messages.success(request, _("Hasil verifikasi disimpan."))
            return redirect(_detail_url(case, complaint))
    return _render(request, case, complaint, status=400, triage_form=form)


@login_required
@require_POST
def triage_override(request, pk: int):
    case, complaint = selectors.triage_complaint_get_for_user(
        user=request.user, case_id=pk, complaint_id=request.POST.get("complaint"))
    if not policies.can_override_on_case(request.user, case):
        raise Http404
    form = OverrideForm(request.POST)
    assessment = selectors.triage_for_complaint(complaint=complaint) if complaint else None
    if assessment is None:
        form.add_error(None, _("Belum ada hasil verifikasi untuk diubah."))
    elif form.is_valid():
        try:
            services.triage_override_risk(actor=request.user, assessment=assessment,
                                          risk_level=form.cleaned_data["risk_level"],
                                          reason=form.cleaned_data["reason"])
        except (ValidationError, ApplicationError) as exc:
            error_to_form(form, exc)
        else:
            messages.success(request, _("Tingkat risiko diubah dan dicatat."))
            return redirect(_detail_url(case, complaint))
    return _render(request, case, complaint, status=400, override_form=form)


@login_required
@require_POST
def emergency_refer(request, pk: int):
    case, complaint = selectors.triage_complaint_get_for_user(
        user=request.user, case_id=pk, complaint_id=request.POST.get("complaint"))
    if not policies.can_refer_emergency(request.user, case):
        raise Http404
    providers = selectors.provider_agencies(needs=complaint.stated_needs if complaint else [],
                                            exclude_agency_id=case.receiving_agency_id)
    form = EmergencyReferForm(request.POST, agencies=providers)
    if not case.is_emergency:
        form.add_error(None, services.REFER_NOT_EMERGENCY)
    elif form.is_valid():
        try:
            services.emergency_refer(actor=request.user, case=case,
                                     agencies=list(form.cleaned_data["agencies"]),
                                     hours=form.cleaned_data["hours"], complaint=complaint)
        except (ValidationError, ApplicationError) as exc:
            error_to_form(form, exc)
        else:
            messages.success(request, _("Rujukan darurat dikirim; akses layanan sementara diberikan."))
            return redirect(_detail_url(case, complaint))
    return _render(request, case, complaint, status=400, refer_form=form)


@login_required
@require_POST
def emergency_extend(request, pk: int):
    """The head's one-click extension of the temporary emergency grants (from the 24-hour warning)."""
    case, complaint = selectors.triage_complaint_get_for_user(
        user=request.user, case_id=pk, complaint_id=request.POST.get("complaint"))
    if not policies.can_refer_emergency(request.user, case):
        raise Http404
    try:
        grants = services.emergency_grants_extend(actor=request.user, case=case)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        until = datetime_label(max(g.expires_at for g in grants))
        messages.success(request, _("Akses sementara diperpanjang sampai %(until)s.") % {"until": until})
    return redirect(_detail_url(case, complaint) + "#emergency")


@login_required
@require_POST
def sop_step(request, pk: int):
    """The triage page's step form: records on the complaint's current run of the SOP (sops)."""
    case, complaint = selectors.triage_complaint_get_for_user(
        user=request.user, case_id=pk, complaint_id=request.POST.get("complaint"))
    if not sop_policies.can_work_on_case(request.user, case):
        raise Http404
    form = SopStepForm(request.POST)
    sop_code = request.POST.get("sop")
    if complaint is None:
        form.add_error(None, services.NO_COMPLAINT)
    elif form.is_valid():
        try:
            sop_services.sop_complaint_step_record(
                actor=request.user, complaint=complaint, sop=form.cleaned_data["sop"],
                step=form.cleaned_data["step"], done_at=form.cleaned_data["done_at"],
                output_ref=form.cleaned_data["output_ref"])
        except (ValidationError, ApplicationError) as exc:
            error_to_form(form, exc)
        else:
            messages.success(request, _("Langkah SOP dicatat."))
            return redirect(_detail_url(case, complaint, form.cleaned_data["sop"]) + "#sop")
    return _render(request, case, complaint, status=400, step_form=form,
                   sop_code=sop_code if get_sop(sop_code or "") else None)


@login_required
@require_GET
def emergency_list(request):
    rows = list(selectors.emergency_case_list(user=request.user)[:200])
    return render(request, "triage/emergency_list.html", {"rows": rows})
