"""The admin index warns the administrator about years whose collective leave is missing."""

from django import template

from common.workdays import collective_leave_warning, years_without_collective_leave

register = template.Library()


@register.simple_tag(takes_context=True)
def collective_leave_warnings(context) -> list[str]:
    request = context.get("request")
    if request is None or not request.user.has_perm("common.add_closedday"):
        return []
    return [collective_leave_warning(year) for year in years_without_collective_leave()]
