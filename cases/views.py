"""Case pages: list, detail with timeline, identity reveal, access grants. Thin: services and
selectors do the work; every object comes from ``case_get_for_user``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from agencies import policies as agency_policies
from cases import selectors, services
from cases.forms import GrantForm, RevealForm, RevokeForm
from cases.models import AccessLevel, CaseGrant, GrantSource
from cases.policies import can_manage_grants, may_reveal_on_case
from common.audit import access_log_record
from common.errors import ApplicationError, PermissionDenied, form_error_text
from common.models import AccessAction


@login_required
def case_list(request):
    cases = list(selectors.case_list(user=request.user, status=request.GET.get("status") or None)[:200])
    return render(request, "cases/list.html", {"cases": cases})


def _detail_context(request, case, *, reveal_form=None, grant_form=None, victims=None):
    level = case.access_level
    allowed, reason_required, _how = may_reveal_on_case(request.user, case)
    manage = can_manage_grants(request.user, case)
    from cases.intake_forms import AttachmentForm, InitialResponseForm, VoidForm

    is_receiving_staff = agency_policies.is_receiving_staff(request.user, case.receiving_agency_id)
    return {
        "case": case,
        "level": AccessLevel(level),
        "complaints": selectors.case_complaints(case=case),
        "is_receiving_staff": is_receiving_staff,
        "response_form": InitialResponseForm(),
        "void_form": VoidForm(),
        "attachment_form": AttachmentForm(),
        "show_attachments": level >= AccessLevel.FULL,
        "now_ts": timezone.now(),
        "timeline": selectors.case_timeline(case=case),
        "can_reveal": allowed,
        "reveal_reason_required": reason_required,
        "reveal_form": reveal_form or RevealForm(),
        "victims": victims,
        "can_manage_grants": manage,
        "grants": selectors.case_grants(case=case) if manage else [],
        "grant_form": grant_form or (GrantForm(case=case) if manage else None),
        "revoke_form": RevokeForm(),
    }


@login_required
def case_detail(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, id=pk)
    access_log_record(request=request, user=request.user, action=AccessAction.VIEW, obj=case,
                      case=case, level=AccessLevel(case.access_level).name.lower())
    return render(request, "cases/detail.html", _detail_context(request, case))


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
    except PermissionDenied as exc:
        messages.error(request, exc.message)
        return redirect("cases:detail", pk=case.pk)
    except ApplicationError as exc:
        form.add_error("reason", exc.message)
        return render(request, "cases/detail.html",
                      _detail_context(request, case, reveal_form=form), status=400)
    return render(request, "cases/detail.html", _detail_context(request, case, victims=victims))


@login_required
@require_POST
def case_grant(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, id=pk)
    if not can_manage_grants(request.user, case):
        raise Http404
    form = GrantForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.case_grant_access(
                actor=request.user, case=case, agency=form.cleaned_data["agency"],
                level=form.cleaned_data["level"], expires_at=form.cleaned_data["expires_at"],
                source=GrantSource.MANUAL,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Akses diberikan.")
            return redirect("cases:detail", pk=case.pk)
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
                       else "Alasan pencabutan wajib diisi.")
        return redirect("cases:detail", pk=case.pk)
    try:
        services.case_revoke_access(actor=request.user, grant=grant, reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Akses dicabut.")
    return redirect("cases:detail", pk=case.pk)
