from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from common.admin import ReadOnlyAdmin
from documents.models import AgencyLetterFormat, LetterCounter, LetterNumber, SignedDocument


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


@admin.register(SignedDocument)
class SignedDocumentAdmin(ReadOnlyAdmin):
    """Append-only in the database: what the public verification page answers from. The PDF itself
    is not offered here (private storage; the signed-minutes pages serve it with access checks)."""

    list_display = ("code", "kind", "title", "signer_name", "signer_position", "signed_at")
    list_filter = ("kind",)
    search_fields = ("code",)
    fields = ("code", "kind", "title", "object_type", "object_id", "sha256", "content_hash", "signer_name",
              "signer_position", "signed_at", "subject_date")
