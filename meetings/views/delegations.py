"""Designated officials (SKB E.1.c, "Ketua atau pejabat yang ditunjuk"): the Ketua grants a signing
delegation here — with its decree number and dates — and revokes it; the other team members see who
may sign. Never typed in the admin (``agencies.services.delegation_grant``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agencies.models import SigningDelegation
from agencies.policies import may_designate_signing_official
from agencies.services import delegation_grant, delegation_revoke
from common.errors import ApplicationError, error_to_form
from meetings import forms
from meetings.views.base import member_required, refused


@member_required
@require_http_methods(["GET", "POST"])
def delegations(request):
    may_grant = may_designate_signing_official(request.user)
    form = forms.DelegationForm(request.POST or None)
    if request.method == "POST":
        if not may_grant:
            raise DjangoPermissionDenied
        if request.POST.get("revoke"):
            row = SigningDelegation.objects.filter(pk=_int(request.POST["revoke"])).first()
            if row is None:
                raise Http404
            try:
                delegation_revoke(actor=request.user, delegation=row)
            except ApplicationError as exc:
                refused(request, exc)
            else:
                messages.success(request, _("Penunjukan dicabut mulai sekarang. Notula yang sudah "
                                            "ditandatangani tetap sah."))
            return redirect("meetings:delegations")
        if form.is_valid():
            try:
                delegation_grant(actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                error_to_form(form, exc)
            else:
                messages.success(request, _("Pejabat yang ditunjuk dapat menandatangani notula selama "
                                            "masa penunjukan."))
                return redirect("meetings:delegations")
    rows = (SigningDelegation.objects.select_related("official", "granted_by")
            .order_by("-valid_until", "-id")[:100])
    return render(request, "meetings/delegations.html", {
        "form": form, "rows": rows, "may_grant": may_grant},
        status=400 if request.method == "POST" else 200)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
