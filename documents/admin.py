from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from common.admin import ReadOnlyAdmin
from documents.models import AgencyLetterFormat, LetterCounter, LetterNumber


@admin.register(AgencyLetterFormat)
class AgencyLetterFormatAdmin(SimpleHistoryAdmin):
    """A setting the administrator maintains per agency; numbers already taken keep their text."""

    list_display = ("agency", "agency_code", "number_format", "sequence_digits")
    autocomplete_fields = ["agency"]
    search_fields = ("agency__name", "agency_code")


# Counters and the register change only through documents.services.letter_number_take.


@admin.register(LetterCounter)
class LetterCounterAdmin(ReadOnlyAdmin):
    list_display = ("agency", "kind", "year", "last_sequence", "updated_at")
    list_filter = ("kind", "year")


@admin.register(LetterNumber)
class LetterNumberAdmin(ReadOnlyAdmin):
    list_display = ("number", "agency", "kind", "letter_date", "taken_by", "taken_at")
    list_filter = ("kind", "year")
    search_fields = ("number",)
