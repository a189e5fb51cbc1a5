"""Complaint pages: registration (with duplicate warning), the work queue, initial response, void."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

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
from cases.models import ConsentBy, ConsentForm, Sex, VictimCategory
from cases.policies import may_act_on_complaints
from common.errors import (
    ActionNotAllowed,
    ApplicationError,
    error_text,
    error_to_form,
    form_error_text,
    validation_messages,
)
from common.paging import page_of, query_without_page
from common.timefmt import datetime_label


def _victim_rows(victims) -> list[int]:
    """The victim forms that say something: named, or filled in at all (an untouched extra form is
    no victim). Invalid ones too, so the service's checks run on them in the same round."""
    return [i for i, vf in enumerate(victims.forms)
            if (getattr(vf, "cleaned_data", None) or {}).get("full_name") or vf.has_changed()]


def _to_input(form, victims, perpetrators) -> tuple[intake.ComplaintInput, list[int], list[int]]:
    """The service's input from the page's forms — from what parsed when some field did not, so that
    the service's own checks (a missing victim, the child-consent rule, the kecamatan of the city)
    are asked in the same round as the forms' (issue 12, point 5)."""
    cd = getattr(form, "cleaned_data", {})
    victim_inputs, victim_index = [], _victim_rows(victims)
    for i in victim_index:
        v = getattr(victims.forms[i], "cleaned_data", {})
        victim_inputs.append(intake.VictimInput(
            full_name=v.get("full_name", ""), category=v.get("category", VictimCategory.ADULT_WOMAN),
            sex=v.get("sex", Sex.FEMALE), nik=v.get("nik", ""),
            phone=v.get("phone", ""), address=v.get("address", ""), date_of_birth=v.get("date_of_birth"),
            estimated_age=v.get("estimated_age"), disability=v.get("disability", ""),
            region=v.get("region", ""), kecamatan=v.get("kecamatan", ""),
        ))
    perp_inputs, perp_index = [], []
    for i, pf in enumerate(perpetrators.forms):
        p = getattr(pf, "cleaned_data", {})
        if not p.get("relation"):
            continue
        perp_index.append(i)
        perp_inputs.append(intake.PerpetratorInput(
            relation=p["relation"], full_name=p.get("full_name", ""),
            power_relation=p.get("power_relation", False), public_official=p.get("public_official", False),
            is_guardian=p.get("is_guardian", False)))
    data = intake.ComplaintInput(
        channel=cd.get("channel", ""), victims=victim_inputs, violence_types=cd.get("violence_types", []),
        chronology=cd.get("chronology", ""), received_at=cd.get("received_at"),
        received_at_reason=cd.get("received_at_reason", ""), violence_forms=cd.get("violence_forms", []),
        incident_date=cd.get("incident_date"), incident_place=cd.get("incident_place", ""),
        incident_region=cd.get("incident_region", ""), stated_needs=cd.get("stated_needs", []),
        stated_needs_note=cd.get("stated_needs_note", ""),
        consent_to_share=cd.get("consent_to_share", False), consent_by=cd.get("consent_by", ConsentBy.NONE),
        consent_form=cd.get("consent_form") or ConsentForm.ORAL,
        safe_to_contact=cd.get("safe_to_contact", False), safe_contact=cd.get("safe_contact", ""),
        reporter=intake.ReporterInput(is_victim=cd.get("reporter_is_victim", False),
                                      full_name=cd.get("reporter_name", ""),
                                      phone=cd.get("reporter_phone", ""),
                                      relation=cd.get("reporter_relation", "")),
        perpetrators=perp_inputs,
    )
    return data, victim_index, perp_index


#: The service's keys for the reporter, and the page's fields.
REPORTER_FIELDS = {"reporter_full_name": "reporter_name", "reporter_phone": "reporter_phone",
                   "reporter_relation": "reporter_relation"}


def _apply_errors(errors: dict[str, list], form, victims, perpetrators, victim_index, perp_index, *,
                  skip_fields_in_error: bool = False):
    """Show the service's refusals on the page's fields. ``skip_fields_in_error``: not on a field
    that already shows its form's error (the service would repeat it: "required" twice)."""

    def add(target, field, msgs):
        field = field if field in target.fields else None
        if skip_fields_in_error and field is not None and target.has_error(field):
            return
        for m in msgs:
            target.add_error(field, m)

    for key, msgs in errors.items():
        if key == "victims" and victims.forms:
            # No victim named: said at the first victim's name, where the officer writes one.
            add(victims.forms[0], "full_name", msgs)
        elif key.startswith("victims-"):
            _, i, field = key.split("-", 2)
            add(victims.forms[victim_index[int(i)]], field, msgs)
        elif key.startswith("perpetrators-"):
            _, i, field = key.split("-", 2)
            add(perpetrators.forms[perp_index[int(i)]], field, msgs)
        else:
            add(form, REPORTER_FIELDS.get(key, key), msgs)


#: The registration page's fields in the order the page shows them (templates/cases/register.html);
#: the error summary lists errors in this order.
PAGE_ORDER = (
    ("form", ("channel", "received_at", "received_at_reason", "assignee")),
    ("victims", ()),
    ("form", ("violence_types", "violence_forms", "incident_date", "incident_place", "incident_region",
              "chronology")),
    ("perpetrators", ()),
    ("form", ("reporter_is_victim", "reporter_name", "reporter_phone", "reporter_relation", "stated_needs",
              "stated_needs_note", "consent_to_share", "consent_by", "consent_form", "safe_to_contact",
              "safe_contact")),
)


def error_summary(form, victims, perpetrators) -> list[dict]:
    """Every error of the page, in page order, each with the id of its field to link to (none for
    an error about the whole form): the summary at the top of a refused registration."""
    summary = [{"message": m, "label": "", "anchor": ""} for m in form.non_field_errors()]
    summary += [{"message": m, "label": "", "anchor": ""}
                for formset in (victims, perpetrators) for m in formset.non_form_errors()]

    def of(f, names, prefix=""):
        for name in names:
            for m in f.errors.get(name, ()):
                bf = f[name]
                summary.append({"message": m, "label": f"{prefix}{bf.label}", "anchor": bf.auto_id})

    placed = {n for kind, names in PAGE_ORDER if kind == "form" for n in names}
    for kind, names in PAGE_ORDER:
        if kind == "form":
            of(form, names)
        else:
            formset, word = (victims, _("Korban")) if kind == "victims" else (perpetrators, _("Terlapor"))
            for i, f in enumerate(formset.forms, start=1):
                of(f, [n for n in f.fields if n in f.errors], prefix=f"{word} {i} — ")
    of(form, [n for n in form.fields if n in form.errors and n not in placed])  # hidden fields
    return summary


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
        # All three parsed (no short-circuit), then the service asked even when one has errors.
        valid = all([form.is_valid(), victims.is_valid(), perpetrators.is_valid()])
        data, victim_index, perp_index = _to_input(form, victims, perpetrators)
        if not valid:
            _apply_errors(intake.complaint_validate(data), form, victims, perpetrators, victim_index,
                          perp_index, skip_fields_in_error=True)
        else:
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
                    _apply_errors(validation_messages(exc), form, victims, perpetrators, victim_index,
                                  perp_index)
                except ActionNotAllowed as exc:
                    form.add_error(None, exc.message)
                else:
                    msg = _("Pengaduan dicatat: %(number)s. Batas respons awal %(due)s.")
                    messages.success(request, msg % {
                        "number": complaint.case.number,
                        "due": datetime_label(complaint.response_due_at)})
                    return redirect("cases:detail", pk=complaint.case_id)
        status = 200 if duplicates else 400
    return render(request, "cases/register.html", {
        "form": form, "victims": victims, "perpetrators": perpetrators, "agency": agency,
        "agencies": agencies, "duplicates": duplicates,
        "error_summary": error_summary(form, victims, perpetrators) if request.method == "POST" else [],
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


# --- corrections -----------------------------------------------------------------------------------

def _correction_forms(c, victims, perpetrators, reporter, *, data=None, target=""):
    """The page's forms, each with its prefix (the ``target`` posted back); only the posted one is
    bound. Initial values are the record as it stands."""
    from cases.intake import forms as f

    def bound(prefix):
        return data if prefix == target else None

    victim_labels = [(v.pk, _("Hubungan dengan korban %(initials)s (%(category)s)") % {
        "initials": v.initials, "category": v.get_category_display()}) for v in victims]
    perpetrator_labels = [(p.pk, _("Hubungan terlapor %(n)s dengan korban baru ini") % {"n": i})
                          for i, p in enumerate(perpetrators, start=1)]
    forms = {"complaint": f.ComplaintCorrectionForm(bound("complaint"), prefix="complaint", initial={
        "channel": c.channel, "received_at": timezone.localtime(c.received_at),
        "violence_types": c.violence_types, "violence_forms": c.violence_forms,
        "incident_date": c.incident_date, "incident_place": c.incident_place,
        "incident_region": c.incident_region, "chronology": c.chronology,
        "safe_to_contact": c.safe_to_contact, "safe_contact": c.safe_contact})}
    for v in victims:
        prefix = f"victim-{v.pk}"
        forms[prefix] = f.VictimCorrectionForm(bound(prefix), prefix=prefix, initial={
            "full_name": v.full_name, "category": v.category, "sex": v.sex, "nik": v.nik,
            "date_of_birth": v.date_of_birth or None, "estimated_age": v.estimated_age,
            "disability": v.disability, "phone": v.phone, "address": v.address, "region": v.region,
            "kecamatan": v.kecamatan})
    forms["reporter"] = f.ReporterCorrectionForm(bound("reporter"), prefix="reporter", initial={
        "is_victim": reporter.is_victim, "full_name": reporter.full_name, "phone": reporter.phone,
        "address": reporter.address, "relation": reporter.relation} if reporter else None)
    for p in perpetrators:
        prefix = f"perpetrator-{p.pk}"
        form = f.PerpetratorCorrectionForm(bound(prefix), prefix=prefix, initial={
            "full_name": p.full_name, "power_relation": p.power_relation,
            "public_official": p.public_official,
            **{f"relation-{link.victim_id}": link.relation for link in p.links.all()}})
        form.add_relations(victim_labels)
        forms[prefix] = form
    add_victim = f.VictimAddForm(bound("add-victim"), prefix="add-victim")
    add_victim.add_relations(perpetrator_labels)
    forms["add-victim"] = add_victim
    add_perpetrator = f.PerpetratorAddForm(bound("add-perpetrator"), prefix="add-perpetrator")
    add_perpetrator.add_relations(victim_labels)
    forms["add-perpetrator"] = add_perpetrator
    return forms


def _correction_call(*, actor, complaint, target: str, form, victims, perpetrators):
    """Run the service the posted form stands for; what it saved, in words for the message."""
    from cases.intake import corrections

    cd = form.cleaned_data
    reason = cd.get("reason", "")
    if target == "complaint":
        changes = {k: cd[k] for k in ("channel", "violence_types", "violence_forms", "incident_date",
                                      "incident_place", "incident_region", "chronology", "safe_to_contact",
                                      "safe_contact")}
        shown = timezone.localtime(complaint.received_at).replace(second=0, microsecond=0)
        if cd.get("received_at") is not None and cd["received_at"] != shown:
            changes["received_at"] = cd["received_at"]
        return corrections.complaint_correct(actor=actor, complaint=complaint, changes=changes, reason=reason)
    if target.startswith("victim-"):
        victim = next(v for v in victims if f"victim-{v.pk}" == target)
        changes = {k: cd[k] for k in corrections.VICTIM_FIELDS}
        return corrections.victim_correct(actor=actor, victim=victim, changes=changes, reason=reason)
    if target == "reporter":
        changes = {k: cd[k] for k in corrections.REPORTER_FIELDS}
        return corrections.reporter_correct(actor=actor, complaint=complaint, changes=changes, reason=reason)
    if target.startswith("perpetrator-"):
        perpetrator = next(p for p in perpetrators if f"perpetrator-{p.pk}" == target)
        changes = {k: cd[k] for k in corrections.PERPETRATOR_FIELDS}
        return corrections.perpetrator_correct(actor=actor, perpetrator=perpetrator, changes=changes,
                                               relations=form.relations(), reason=reason)
    if target == "add-victim":
        data = intake.VictimInput(**{k: cd[k] for k in (
            "full_name", "category", "sex", "nik", "phone", "address", "date_of_birth", "estimated_age",
            "disability", "region", "kecamatan")})
        return corrections.victim_add(actor=actor, complaint=complaint, data=data, relations=form.relations(),
                                      reason=reason, consent_by=cd["consent_by"],
                                      consent_form=cd.get("consent_form") or ConsentForm.ORAL)
    data = intake.PerpetratorInput(full_name=cd["full_name"], power_relation=cd["power_relation"],
                                   public_official=cd["public_official"])
    return corrections.perpetrator_add(actor=actor, complaint=complaint, data=data,
                                       relations=form.relations(), reason=reason)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_correct_view(request, pk: int, complaint: str):
    """"Koreksi data": correct the complaint, a victim, the reporter or a perpetrator, or add a victim
    or a perpetrator — each form with its reason (cases.intake.corrections). The page shows the
    identity it corrects: for those who may correct (``may_correct``), each opening logged."""
    from cases.models import AccessLevel, Reporter
    from cases.policies import may_correct
    from common.audit import access_log_record
    from common.models import AccessAction

    c = selectors.complaint_get_for_user(user=request.user, case_id=pk, complaint_id=complaint)
    if not may_correct(request.user, c):
        raise PermissionDenied  # sees the case, may not correct it (docs/access.md)
    victims = list(c.victims.order_by("id"))
    perpetrators = list(c.perpetrators.prefetch_related("links").order_by("id"))
    reporter = Reporter.objects.filter(complaint=c).first()
    target = request.POST.get("target", "") if request.method == "POST" else ""
    forms = _correction_forms(c, victims, perpetrators, reporter,
                              data=request.POST if request.method == "POST" else None, target=target)
    status = 200
    if request.method == "POST":
        form = forms.get(target)
        if form is None:  # no section named: the page again, saying so
            messages.error(request, _("Pilih bagian yang dikoreksi lalu simpan dari bagian itu."))
        elif form.is_valid():
            try:
                _correction_call(actor=request.user, complaint=c, target=target, form=form, victims=victims,
                                 perpetrators=perpetrators)
            except (ValidationError, ApplicationError) as exc:
                error_to_form(form, exc)
            else:
                messages.success(request, _("Koreksi disimpan. Riwayatnya tercatat; linimasa menyebut "
                                            "data yang dikoreksi tanpa isinya."))
                return redirect(f"{reverse('cases:correct', args=[pk, c.public_id])}#{target}")
        status = 400
    access_log_record(request=request, user=request.user, action=AccessAction.REVEAL_IDENTITY, obj=c.case,
                      case=c.case, level=AccessLevel.FULL.name.lower(), reason="correction")
    return render(request, "cases/correct.html", {
        "case": c.case, "complaint": c, "forms": forms, "target": target,
        "add_victim_form": forms["add-victim"], "add_perpetrator_form": forms["add-perpetrator"],
        "victim_forms": [(v, forms[f"victim-{v.pk}"]) for v in victims],
        "perpetrator_forms": [(i, forms[f"perpetrator-{p.pk}"]) for i, p in enumerate(perpetrators, start=1)],
    }, status=status)
