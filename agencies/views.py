"""Acting heads (Plt.), the language selector, the health check and the 404 page. The front page
is ``config.views.home``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_POST

from agencies import policies, services
from agencies.forms import ActingHeadForm
from agencies.models import ActingHead, Language
from agencies.selectors import acting_heads_of
from common.errors import ApplicationError, error_to_form


def set_language(request):
    """Django's language selector; a signed-in user's choice is also kept on her profile, so the
    interface opens in it at her next sign-in (on any browser)."""
    response = i18n.set_language(request)
    language = request.POST.get("language") if request.method == "POST" else None
    if request.user.is_authenticated and language in Language.values:
        services.user_language_set(actor=request.user, language=language)
    return response


def healthz(request):
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"db": "ok", "beat_last": cache.get("terpadu:beat:last")})


def not_found(request, exception=None):
    # Same page whether the object is missing or not the user's; nothing about it is echoed.
    if request.path.startswith("/api/"):
        # An API client gets the API's 404 body (common.api), e.g. for /api/cases/-1/.
        from common.api import NOT_FOUND

        return JsonResponse({"detail": NOT_FOUND}, status=404)
    return render(request, "404.html", status=404)


# --- acting heads (Plt.) -------------------------------------------------------------------------

def _render_acting_heads(request, agency_ids, form, status=200):
    return render(request, "agencies/acting_heads.html", {
        "form": form, "rows": acting_heads_of(agency_ids=agency_ids),
    }, status=status)


@login_required
def acting_heads(request):
    """The head's page: the acting heads (Plt.) of the agencies they head, and appointing one.
    Heads only (an acting head appoints nobody); everyone else 403. The administrator appoints in
    the admin. Both go through ``agencies.services.acting_head_appoint``."""
    agency_ids = policies.appointing_agency_ids(request.user)
    if not agency_ids:
        raise PermissionDenied
    if request.method != "POST":
        return _render_acting_heads(request, agency_ids,
                                    ActingHeadForm(agency_ids=agency_ids, exclude_user=request.user))
    form = ActingHeadForm(request.POST, agency_ids=agency_ids, exclude_user=request.user)
    if form.is_valid():
        try:
            services.acting_head_appoint(actor=request.user, **form.cleaned_data)
        except (ValidationError, ApplicationError) as exc:
            error_to_form(form, exc)
        else:
            messages.success(request, _("Plt. kepala ditunjuk."))
            return redirect("acting-heads")
    return _render_acting_heads(request, agency_ids, form, status=400)


@login_required
@require_POST
def acting_head_end(request, acting: int):
    """End an acting head's delegation today; another agency's (or a missing one) is 404."""
    row = ActingHead.objects.filter(pk=acting,
                                    agency_id__in=policies.appointing_agency_ids(request.user)).first()
    if row is None:
        raise Http404
    try:
        services.acting_head_end(actor=request.user, acting_head=row)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Penunjukan Plt. kepala diakhiri mulai hari ini."))
    return redirect("acting-heads")
