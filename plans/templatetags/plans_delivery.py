"""The plan page's read-only part on delivery: the records the user may read
(``plans.delivery.delivery_records_visible``) and the latest version's recovery indicators."""

from __future__ import annotations

from django import template

from plans.delivery import delivery_records_visible
from plans.models import RecoveryIndicator

register = template.Library()


@register.inclusion_tag("plans/_delivery_list.html", takes_context=True)
def plan_delivery(context, case, plan):
    user = context["request"].user
    indicators = []
    if plan is not None:
        latest = plan.versions.order_by("-number").values_list("pk", flat=True).first()
        indicators = list(RecoveryIndicator.objects.filter(version_id=latest).order_by("id"))
    return {"records": list(delivery_records_visible(user, case)), "indicators": indicators}
