"""Home pages by role, health check and the 404 page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from agencies.models import CASE_WORK_ROLES
from agencies.selectors import user_context


@login_required
def home(request):
    ctx = user_context(request.user)
    if not ctx.is_active_member:
        return render(request, "agencies/no_membership.html", status=403)
    sections = []
    if ctx.roles & CASE_WORK_ROLES:
        from cases.selectors import case_list

        sections.append("casework")
        recent_cases = list(case_list(user=request.user)[:10])
    else:
        recent_cases = []
    if ctx.is_team_member:
        sections.append("team")
    if ctx.is_ministry_viewer:
        sections.append("ministry")
    if ctx.is_system_admin:
        sections.append("sysadmin")
    return render(request, "agencies/home.html", {
        "sections": sections,
        "recent_cases": recent_cases,
        "memberships": ctx.memberships,
    })


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
