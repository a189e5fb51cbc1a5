"""Complaint pages: registration (with duplicate warning), the work queue, initial response, void."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import selectors
from cases.intake import services as intake
from cases.intake.forms import (
    AttachmentForm,
    ComplaintForm,
    InitialResponseForm,
    PerpetratorFormSet,
    QueueFilterForm,
    VictimFormSet,
    VoidForm,
)
from cases.models import ConsentForm
from cases.policies import may_act_on_complaints
from common.errors import ActionNotAllowed, ApplicationError, error_text, form_error_text, validation_messages
from common.paging import page_of, query_without_page


def _to_input(form, victims, perpetrators) -> tuple[intake.ComplaintInput, list[int]]:
    cd = form.cleaned_data
    victim_inputs, victim_index = [], []
    for i, vf in enumerate(victims.forms):
        v = vf.cleaned_data
        if not v or not v.get("full_name"):
            continue
        victim_index.append(i)
        victim_inputs.append(intake.VictimInput(
            full_name=v["full_name"], category=v["category"], sex=v["sex"], nik=v.get("nik", ""),
            phone=v.get("phone", ""), address=v.get("address", ""), date_of_birth=v.get("date_of_birth"),
            estimated_age=v.get("estimated_age"), disability=v.get("disability", ""),
            region=v.get("region", ""), kecamatan=v.get("kecamatan", ""),
        ))
    perp_inputs = [
        intake.PerpetratorInput(relation=p["relation"], full_name=p.get("full_name", ""),
                                power_relation=p.get("power_relation", False),
                                public_official=p.get("public_official", False),
                                is_guardian=p.get("is_guardian", False))
        for p in (pf.cleaned_data for pf in perpetrators.forms) if p and p.get("relation")
    ]
    data = intake.ComplaintInput(
        channel=cd["channel"], victims=victim_inputs, violence_types=cd["violence_types"],
        chronology=cd["chronology"], received_at=cd.get("received_at"),
        received_at_reason=cd.get("received_at_reason", ""), violence_forms=cd.get("violence_forms", []),
        incident_date=cd.get("incident_date"), incident_place=cd.get("incident_place", ""),
        incident_region=cd.get("incident_region", ""), stated_needs=cd.get("stated_needs", []),
        stated_needs_note=cd.get("stated_needs_note", ""),
        consent_to_share=cd.get("consent_to_share", False), consent_by=cd["consent_by"],
        consent_form=cd.get("consent_form") or ConsentForm.ORAL,
        safe_to_contact=cd.get("safe_to_contact", False), safe_contact=cd.get("safe_contact", ""),
        reporter=intake.ReporterInput(is_victim=cd.get("reporter_is_victim", False),
                                      full_name=cd.get("reporter_name", ""),
                                      phone=cd.get("reporter_phone", ""),
                                      relation=cd.get("reporter_relation", "")),
        perpetrators=perp_inputs,
    )
    return data, victim_index


def _apply_errors(exc: ValidationError, form, victims, victim_index):
    for key, msgs in validation_messages(exc).items():
        if key.startswith("victims-"):
            _, i, field = key.split("-", 2)
            target = victims.forms[victim_index[int(i)]]
            for m in msgs:
                target.add_error(field if field in target.fields else None, m)
        else:
            for m in msgs:
                form.add_error(key if key in form.fields else None, m)


@login_required
def complaint_register_view(request):
    agencies = list(selectors.receiving_agencies_of(request.user))
    if not agencies:
        raise Http404
    wanted = request.POST.get("agency", request.GET.get("agency"))
    agency = next((a for a in agencies if str(a.pk) == wanted), agencies[0])
    form = ComplaintForm(request.POST or None, agency=agency)
    victims = VictimFormSet(request.POST or None, prefix="victims")
    perpetrators = PerpetratorFormSet(request.POST or None, prefix="perpetrators")
    duplicates = []
    status = 200
    if request.method == "POST":
        if form.is_valid() and victims.is_valid() and perpetrators.is_valid():
            data, victim_index = _to_input(form, victims, perpetrators)
            join_case = None
            if form.cleaned_data.get("join_case"):
                try:
                    join_case = selectors.case_get_for_user(user=request.user,
                                                            id=form.cleaned_data["join_case"])
                except Http404:
                    form.add_error(None, intake.JOIN_CASE_INVALID)
            if join_case is None and not form.cleaned_data.get("confirm_new") and not form.errors:
                seen = {}
                for v in data.victims:
                    for c in intake.victims_matching(user=request.user, nik=v.nik, phone=v.phone,
                                                     full_name=v.full_name):
                        seen[c.pk] = c
                duplicates = list(seen.values())
            if not form.errors and not duplicates:
                try:
                    complaint = intake.complaint_register(
                        actor=request.user, receiving_agency=agency, data=data,
                        assignee=form.cleaned_data.get("assignee"), join_case=join_case)
                except ValidationError as exc:
                    _apply_errors(exc, form, victims, victim_index)
                except ActionNotAllowed as exc:
                    form.add_error(None, exc.message)
                else:
                    msg = _("Pengaduan dicatat: %(number)s. Batas respons awal %(due)s WIB.")
                    messages.success(request, msg % {
                        "number": complaint.case.number,
                        "due": timezone.localtime(complaint.response_due_at).strftime("%d-%m-%Y %H:%M")})
                    return redirect("cases:detail", pk=complaint.case_id)
        status = 200 if duplicates else 400
    return render(request, "cases/register.html", {
        "form": form, "victims": victims, "perpetrators": perpetrators, "agency": agency,
        "agencies": agencies, "duplicates": duplicates,
    }, status=status)


def clock_label(seconds: int) -> str:
    """The time left (or overdue) as staff read it: hours and minutes up to 48 h, beyond that days
    and hours ("3 hari 5 jam"), as a count of hours in the hundreds is hard to read."""
    minutes = abs(seconds) // 60
    hours = minutes // 60
    if hours < 48:
        return f"{hours} j {minutes % 60:02d} m"
    return _("%(days)d hari %(hours)d jam") % {"days": hours // 24, "hours": hours % 24}


@login_required
def complaint_queue_view(request):
    filters = QueueFilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    page = page_of(selectors.complaint_queue(user=request.user, filters=cleaned), request.GET.get("page"))
    rows = list(page.object_list)
    now = timezone.now()
    for c in rows:
        c.seconds_left = int((c.response_due_at - now).total_seconds())
        c.hours_left = round(c.seconds_left / 3600, 1)
        c.clock_label = clock_label(c.seconds_left)
        c.is_emergency_flag = c.case.is_emergency or (
            getattr(c, "triage", None) is not None and c.triage.risk_level == "emergency")
    can_register = selectors.receiving_agencies_of(request.user).exists()
    return render(request, "cases/queue.html", {
        "rows": rows, "page": page, "page_query": query_without_page(request),
        "filters": filters, "can_register": can_register,
        "active_filters": sum(1 for value in cleaned.values() if value)})


@login_required
@require_POST
def initial_response_view(request, pk: int, complaint: str):
    c = selectors.complaint_get_for_user(user=request.user, case_id=pk, complaint_id=complaint)
    if not may_act_on_complaints(request.user, c.case):
        raise Http404  # sees the case, may not act on its complaints (docs/access.md)
    form = InitialResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Periksa isian respons awal: %(errors)s") % {
            "errors": form_error_text(form)})
        return redirect("cases:detail", pk=pk)
    try:
        intake.initial_response_record(
            actor=request.user, complaint=c, method=form.cleaned_data["method"],
            successful=form.cleaned_data["successful"], result=form.cleaned_data.get("result", ""),
            responded_at=form.cleaned_data.get("responded_at"),
            responded_at_reason=form.cleaned_data.get("responded_at_reason", ""))
    except (ValidationError, ApplicationError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Respons awal dicatat.") if form.cleaned_data["successful"]
                         else _("Upaya kontak yang gagal dicatat. Jam 24 jam tetap berjalan."))
    return redirect("cases:detail", pk=pk)


@login_required
@require_POST
def attachment_upload_view(request, pk: int, complaint: str):
    c = selectors.complaint_get_for_user(user=request.user, case_id=pk, complaint_id=complaint)
    if not may_act_on_complaints(request.user, c.case):
        raise Http404  # sees the case, may not act on its complaints (docs/access.md)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Pilih berkas yang akan dilampirkan."))
        return redirect("cases:detail", pk=pk)
    try:
        intake.attachment_add(actor=request.user, complaint=c, uploaded=form.cleaned_data["file"])
    except (ValidationError, ApplicationError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Lampiran disimpan."))
    return redirect("cases:detail", pk=pk)


@login_required
def attachment_download_view(request, pk: int, attachment: int):
    """Attachments may show identity: `full` access only, and every download is logged."""
    from django.http import FileResponse

    from cases.models import AccessLevel, Attachment
    from common.audit import access_log_record
    from common.models import AccessAction

    case = selectors.case_get_for_user(user=request.user, id=pk, level=AccessLevel.FULL)
    att = Attachment.objects.filter(pk=attachment, complaint__case=case).first()
    if att is None:
        raise Http404
    access_log_record(request=request, user=request.user, action=AccessAction.DOWNLOAD, obj=att,
                      case=case, level="full")
    ext = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[att.content_type]
    return FileResponse(att.file.open("rb"), as_attachment=True, content_type=att.content_type,
                        filename=f"lampiran-{case.number}-{att.pk}.{ext}")


@login_required
@require_POST
def complaint_void_view(request, pk: int, complaint: str):
    c = selectors.complaint_get_for_user(user=request.user, case_id=pk, complaint_id=complaint)
    if not may_act_on_complaints(request.user, c.case):
        raise Http404  # sees the case, may not act on its complaints (docs/access.md)
    form = VoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form) if request.POST.get("reason", "").strip()
                       else intake.VOID_REASON_REQUIRED)
        return redirect("cases:detail", pk=pk)
    try:
        intake.complaint_void(actor=request.user, complaint=c, reason=form.cleaned_data["reason"])
    except (ValidationError, ApplicationError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Pengaduan dibatalkan."))
    return redirect("cases:detail", pk=pk)
