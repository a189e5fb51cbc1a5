"""Admin for shared records. ReadOnlyAdmin is the base for every domain model shown in the admin:
changes go through the services (docs/conventions.md, habit 3)."""

from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from common.models import AccessLog, ClosedDay
from common.workdays import collective_leave_warning, years_without_collective_leave


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Case, CaseGrant and CaseEvent are deliberately not in the admin: system administrators hold no
# case-level access (docs/access.md). The access log is, because reviewing it is their job.


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "agency", "action", "object_type", "object_id", "ip_address")
    list_filter = ("action",)


@admin.register(ClosedDay)
class ClosedDayAdmin(SimpleHistoryAdmin):
    """Reference data the administrator maintains from each year's decree (docs/workdays.md)."""

    list_display = ("date", "kind", "name", "decree")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("name", "decree")

    def changelist_view(self, request, extra_context=None):
        for year in years_without_collective_leave():
            messages.warning(request, collective_leave_warning(year))
        return super().changelist_view(request, extra_context)
