"""Read-mostly admin: meeting records change only through the services (pages and API)."""

from django.contrib import admin

from common.admin import ReadOnlyAdmin
from meetings.models import (
    ActionItem,
    AgendaItem,
    Decision,
    FollowUp,
    Meeting,
    MeetingSchedule,
    Minutes,
    Screening,
)


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "starts_at", "status", "held_on_schedule")
    list_filter = ("kind", "status")


@admin.register(MeetingSchedule)
class MeetingScheduleAdmin(ReadOnlyAdmin):
    list_display = ("weekday", "time", "place", "is_active")


@admin.register(Minutes)
class MinutesAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "status", "signed_at")


@admin.register(Screening)
class ScreeningAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "case", "outcome", "decided_at")


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "case", "kind", "position", "status")


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "case", "kind", "recorded_at", "applied_at")


@admin.register(ActionItem)
class ActionItemAdmin(ReadOnlyAdmin):
    list_display = ("case", "responsible_agency", "due_date")


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ("action_item", "status", "at", "on_time")
