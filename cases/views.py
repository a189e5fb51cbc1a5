"""Case pages: list, detail with timeline, identity reveal, access grants. Thin: services and
selectors do the work; every object comes from ``case_get_for_user``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import consent as consents
from cases import selectors, services
from cases.forms import (
    AssignForm,
    CaseListFilterForm,
    ConsentRecordForm,
    ConsentWithdrawForm,
    GrantForm,
    RevealForm,
    RevokeForm,
)
from cases.models import AccessLevel, CaseGrant, GrantSource
from cases.policies import (
    can_manage_consent,
    can_manage_grants,
    correctable_complaint_ids,
    may_act_on_complaints,
    may_assign_on_case,
    may_reveal_on_case,
)
from cases.registered import may_contact_victim, registered_sections
from common.audit import access_log_record
from common.errors import ActionNotAllowed, ApplicationError, error_text, error_to_form, form_error_text
from common.models import AccessAction
from common.paging import page_of, query_without_page


@login_required
def case_list(request):
    """Fifty cases a page, newest first, searchable by number (docs/architecture.md, "Lists")."""
    filters = CaseListFilterForm(request.GET or None)
    page = page_of(selectors.case_list(user=request.user, **filters.selector_filters()),
                   request.GET.get("page"))
    cleaned = getattr(filters, "cleaned_data", {})
    return render(request, "cases/list.html", {
        "page": page, "cases": page.object_list, "filters": filters,
        "active_filters": sum(1 for value in cleaned.values() if value),
        "page_query": query_without_page(request)})


def _detail_context(request, case, *, reveal_form=None, grant_form=None, victims=None,
                    consent_form=None, assign_form=None, assign_target=None, grant_plan=None):
    level = case.access_level
    allowed, reason_required, _how = may_reveal_on_case(request.user, case)
    manage = can_manage_grants(request.user, case)
    manage_consent = can_manage_consent(request.user, case)
    from cases.intake.forms import AttachmentForm, InitialResponseForm, VoidForm

    is_receiving_staff = may_act_on_complaints(request.user, case)
    can_assign = may_assign_on_case(request.user, case)
    case_consents = consents.case_consents(case=case)
    complaints = selectors.case_complaints(case=case)
    return {
        "case": case,
        "level": AccessLevel(level),
        "complaints": complaints,
        # "Koreksi data" links: the head, acting head, admin officers and the assignee.
        "correctable_ids": correctable_complaint_ids(request.user, case, complaints),
        "is_receiving_staff": is_receiving_staff,
        "response_form": InitialResponseForm(),
        "void_form": VoidForm(),
        "attachment_form": AttachmentForm(),
        "show_attachments": level >= AccessLevel.FULL,
        "now_ts": timezone.now(),
        "timeline": selectors.case_timeline_rows(case=case),
        "can_reveal": allowed,
        "reveal_reason_required": reason_required,
        "reveal_form": reveal_form or RevealForm(),
        "victims": victims,
        "can_manage_grants": manage,
        "grants": selectors.case_grants(case=case) if manage else [],
        # The grant form names every active agency (hundreds nationally): it is not rendered on
        # every view of the case but on demand (``case_grant`` GET: htmx fragment, or the page
        # with the form open without JavaScript); after a refused or unconfirmed POST it is here.
        "grant_form": grant_form,
        # The grant checked and not yet saved: the page repeats it and asks to confirm.
        "grant_plan": grant_plan,
        "revoke_form": RevokeForm(),
        # Consent basis at summary level; the giver's relation from service; names and notes only
        # with identity revealed (docs/access.md).
        "consents": case_consents,
        # What was registered, by level; the full section only after "Tampilkan identitas".
        "registered": registered_sections(case=case, level=level, revealed=victims is not None,
                                          consents=case_consents),
        "may_contact_victim": may_contact_victim(level=level, is_receiving_staff=is_receiving_staff),
        "show_consent_relation": level >= AccessLevel.SERVICE,
        "can_manage_consent": manage_consent,
        # Same for the consent form (its "named agencies" lists every agency): ``consent_record_view`` GET.
        "consent_form": consent_form,
        "consent_withdraw_form": ConsentWithdrawForm(),
        # Who works the case (templates/cases/_assignment.html): the open assignments to everyone
        # who sees the case; the forms to its head, acting head and admin officers.
        "assignments": selectors.case_open_assignments(case=case),
        "can_assign": can_assign,
        "assign_form": (assign_form if assign_form is not None and assign_target is None
                        else AssignForm(case=case) if can_assign else None),
        "assign_target": assign_target,
        "complaint_assign_form": assign_form if assign_target is not None else None,
    }


@login_required
def case_detail(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, id=pk)
    access_log_record(request=request, user=request.user, action=AccessAction.VIEW, obj=case,
                      case=case, level=AccessLevel(case.access_level).name.lower())
    opened = OPEN_FORMS.get(request.GET.get("buka", ""))
    forms_open = {}
    if opened == "grant" and can_manage_grants(request.user, case):
        forms_open["grant_form"] = GrantForm(case=case)
    elif opened == "consent" and can_manage_consent(request.user, case):
        forms_open["consent_form"] = ConsentRecordForm(case=case)
    return render(request, "cases/detail.html", _detail_context(request, case, **forms_open))


@login_required
@require_POST
def case_reveal(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, id=pk)
    form = RevealForm(request.POST)
    if not form.is_valid():
        # A reason too long for the access log is refused, never cut or dropped.
        return render(request, "cases/detail.html",
                      _detail_context(request, case, reveal_form=form), status=400)
    try:
        victims = services.identity_reveal(actor=request.user, case=case,
                                           reason=form.cleaned_data.get("reason", ""), request=request)
    except ActionNotAllowed as exc:
        messages.error(request, exc.message)
        return redirect("cases:detail", pk=case.pk)
    except ApplicationError as exc:
        error_to_form(form, exc)
        return render(request, "cases/detail.html",
                      _detail_context(request, case, reveal_form=form), status=400)
    return render(request, "cases/detail.html", _detail_context(request, case, victims=victims))


@login_required
@require_POST
def case_assign_view(request, pk: int):
    """Name (or change) the officer who works the case; 404 for whoever may not assign."""
    case = selectors.case_get_for_user(user=request.user, id=pk)
    if not may_assign_on_case(request.user, case):
        raise Http404
    form = AssignForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.case_officer_assign(actor=request.user, case=case,
                                         assignee=form.cleaned_data["assignee"])
        except (ValidationError, ApplicationError) as exc:
            error_to_form(form, exc)
        else:
            messages.success(request, _("Petugas kasus ditugaskan: %(name)s.") % {
                "name": form.cleaned_data["assignee"].display_name})
            return redirect(f"{case.get_absolute_url()}#assignment")
    return render(request, "cases/detail.html", _detail_context(request, case, assign_form=form),
                  status=400)


@login_required
@require_POST
def complaint_assign_view(request, pk: int, complaint):
    """Name (or change) the officer who works one complaint of the case; 404 for whoever may not."""
    from cases.intake.services import complaint_assign

    target = selectors.complaint_get_for_user(user=request.user, case_id=pk, complaint_id=complaint)
    case = target.case
    if not may_assign_on_case(request.user, case):
        raise Http404
    form = AssignForm(request.POST, case=case)
    if form.is_valid():
        try:
            complaint_assign(actor=request.user, complaint=target, assignee=form.cleaned_data["assignee"])
        except (ValidationError, ApplicationError) as exc:
            error_to_form(form, exc)
        else:
            messages.success(request, _("Petugas pengaduan ditugaskan: %(name)s.") % {
                "name": form.cleaned_data["assignee"].display_name})
            return redirect(f"{case.get_absolute_url()}#assignment")
    return render(request, "cases/detail.html",
                  _detail_context(request, case, assign_form=form, assign_target=target.public_id),
                  status=400)


# ``?buka=`` on the case page: the page with that form open (without JavaScript, and "Batal" in the
# grant confirmation). Otherwise the forms listing every agency are loaded when opened (htmx).
OPEN_FORMS = {"akses": "grant", "persetujuan": "consent"}


def _on_demand_form(request, case, template: str, form, which: str):
    """GET of a form's route: with htmx the form alone (the case page loads it when the user opens
    it); without JavaScript the case page with the form open."""
    if request.headers.get("HX-Request"):
        return render(request, template, {"case": case, "form": form})
    return redirect(f"{case.get_absolute_url()}?buka={which}#{'grants' if which == 'akses' else 'consents'}")


@login_required
@require_http_methods(["GET", "POST"])
def case_grant(request, pk: int):
    """The head's grant in two steps: the first POST checks it and shows what will be shared with
    whom, until when and on which basis (nothing saved); the confirmation (``confirmed``) saves it.
    GET gives the form (its agency list is not on every view of the case page)."""
    case = selectors.case_get_for_user(user=request.user, id=pk)
    if not can_manage_grants(request.user, case):
        raise Http404
    if request.method == "GET":
        form = GrantForm(case=case)
        return _on_demand_form(request, case, "cases/_grant_form.html", form, "akses")
    form = GrantForm(request.POST, case=case)
    if form.is_valid():
        cd = form.cleaned_data
        args = {"actor": request.user, "case": case, "agency": cd["agency"], "level": cd["level"],
                "expires_at": cd["expires_at"], "reason": cd["reason"], "legal_basis": cd["legal_basis"],
                "source": GrantSource.MANUAL}
        try:
            plan = services.case_grant_plan(**args)
            if not cd["confirmed"]:
                return render(request, "cases/detail.html",
                              _detail_context(request, case, grant_form=form, grant_plan=plan))
            services.case_grant_access(**{**args, "expires_at": plan.expires_at})
        except (ValidationError, ApplicationError) as exc:
            error_to_form(form, exc)
        else:
            messages.success(request, _("Akses diberikan. %(what)s") % {"what": plan.confirmation})
            return redirect(f"{case.get_absolute_url()}#grants")
    return render(request, "cases/detail.html", _detail_context(request, case, grant_form=form),
                  status=400)


@login_required
@require_POST
def case_revoke(request, pk: int, grant_id: int):
    case = selectors.case_get_for_user(user=request.user, id=pk)
    if not can_manage_grants(request.user, case):
        raise Http404
    grant = CaseGrant.objects.filter(pk=grant_id, content_object=case).first()
    if grant is None:
        raise Http404
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form) if request.POST.get("reason", "").strip()
                       else _("Alasan pencabutan wajib diisi."))
        return redirect("cases:detail", pk=case.pk)
    try:
        services.case_revoke_access(actor=request.user, grant=grant, reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Akses dicabut."))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def consent_record_view(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, id=pk)
    if not can_manage_consent(request.user, case):
        raise Http404
    if request.method == "GET":
        form = ConsentRecordForm(case=case)
        return _on_demand_form(request, case, "cases/_consent_form.html", form, "persetujuan")
    form = ConsentRecordForm(request.POST, case=case)
    if form.is_valid():
        cd = form.cleaned_data
        try:
            consents.consent_record(
                actor=request.user, victim=case.victims.get(pk=cd["victim"]), purpose=cd["purpose"],
                given_by=cd["given_by"], scope=cd["scope"], agencies=cd["agencies"], form=cd["form"],
                given_at=cd["given_at"], giver_relation=cd["giver_relation"], giver_name=cd["giver_name"])
        except (ValidationError, ApplicationError) as exc:
            error_to_form(form, exc)
        else:
            messages.success(request, _("Persetujuan dicatat."))
            return redirect(f"{case.get_absolute_url()}#consents")
    return render(request, "cases/detail.html", _detail_context(request, case, consent_form=form),
                  status=400)


@login_required
@require_POST
def consent_withdraw_view(request, pk: int, consent: int):
    case = selectors.case_get_for_user(user=request.user, id=pk)
    if not can_manage_consent(request.user, case):
        raise Http404
    record = consents.consent_get_for_case(case=case, id=consent)
    form = ConsentWithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, consents.WITHDRAWAL_NOTE_REQUIRED)
        return redirect(f"{case.get_absolute_url()}#consents")
    try:
        consents.consent_withdraw(actor=request.user, consent=record, note=form.cleaned_data["note"])
    except (ValidationError, ApplicationError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Persetujuan ditarik. Mulai sekarang persetujuan ini tidak berlaku."))
    return redirect(f"{case.get_absolute_url()}#consents")
