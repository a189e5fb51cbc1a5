"""The front page: one section per role, pointing into every stage of the flow (cases, the Tim
Percepatan's meetings, the ministry's reports, the head's acting heads, the admin). It knows every
app, so it sits with the URLconf at the top of the layering (tests/test_architecture.py), not in
``agencies``, which every stage builds on."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from agencies import policies
from agencies.selectors import user_context
from cases.selectors import case_list
from meetings.selectors import minutes_awaiting_signature


@login_required
def home(request):
    ctx = user_context(request.user)
    if not ctx.is_active_member:
        return render(request, "agencies/no_membership.html", status=403)
    sections = []
    if policies.staff_agency_ids(request.user):
        sections.append("casework")
        recent_cases = list(case_list(user=request.user)[:10])
    else:
        recent_cases = []
    to_sign = []
    if ctx.is_team_member:
        sections.append("team")
        to_sign = list(minutes_awaiting_signature(user=request.user)[:20])
    if ctx.is_ministry_viewer:
        sections.append("ministry")
    if ctx.is_system_admin:
        sections.append("sysadmin")
    if policies.appointing_agency_ids(request.user):
        sections.append("head")
    return render(request, "agencies/home.html", {
        "sections": sections,
        "recent_cases": recent_cases,
        "to_sign": to_sign,
        "memberships": ctx.memberships,
        "acting_agencies": sorted({m.agency for m in ctx.memberships
                                   if m.agency_id in ctx.acting_head_agency_ids}, key=lambda a: a.name),
    })
