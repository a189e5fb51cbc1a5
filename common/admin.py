"""Admin for shared records. ReadOnlyAdmin is the base for every domain model shown in the admin:
changes go through the services (habit 3)."""

from django.contrib import admin

from common.models import AccessLog


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
