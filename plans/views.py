"""Pages of the service plan, under the case (``/kasus/<pk>/rencana/``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cases.models import AccessLevel
from cases.selectors import case_get_for_user
from common.audit import access_log_record
from common.models import AccessAction
from plans.selectors import plan_page_for_user


@login_required
def plan_page(request, pk: int):
    """Every version of the plan, newest first; the user's own agency's items highlighted."""
    case = case_get_for_user(user=request.user, id=pk)
    access_log_record(request=request, user=request.user, action=AccessAction.VIEW, obj=case, case=case,
                      level=AccessLevel(case.access_level).name.lower())
    page = plan_page_for_user(user=request.user, case=case)
    return render(request, "plans/plan.html", {"case": case, "page": page})
