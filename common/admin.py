"""Admin for shared records. ``ReadOnlyAdmin`` is the one base for the admin of every append-only or
service-owned model: it lists and shows, never adds, changes or deletes — those rows change only
through their services (docs/conventions.md, habit 3)."""

from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from common.models import AccessLog, ClosedDay, DeadlineAlert
from common.workdays import collective_leave_warning, years_without_collective_leave


class ReadOnlyAdmin(admin.ModelAdmin):
    """No add, change or delete (the change page shows the row without a save button; a POST to it
    answers 403)."""

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


@admin.register(DeadlineAlert)
class DeadlineAlertAdmin(ReadOnlyAdmin):
    """Append-only: written once per deadline window by the sweeps (common.deadlines)."""

    list_display = ("at", "rule", "kind", "subject_id", "window")
    list_filter = ("rule", "kind")


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
