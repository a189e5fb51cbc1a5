"""Read-only admin for case records: changes go through the services (habit 3)."""

from django.contrib import admin

from cases.models import Case, CaseEvent, CaseGrant
from common.models import AccessLog


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("number", "receiving_agency", "status", "opened_at")
    list_filter = ("status", "receiving_agency")
    search_fields = ("number",)


@admin.register(CaseGrant)
class CaseGrantAdmin(ReadOnlyAdmin):
    list_display = ("content_object", "group", "level", "source", "expires_at", "revoked_at")


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("case", "event_type", "actor", "agency", "at")
    list_filter = ("event_type",)


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "agency", "action", "object_type", "object_id", "ip_address")
    list_filter = ("action",)
