from django.conf import settings
from django.core.checks import Error, register

from documents.numbering import format_errors


@register()
def letter_number_format_check(app_configs, **kwargs):
    """The deployment's default letter-number format must be usable (docs/letter-numbers.md)."""
    return [Error(f"LETTER_NUMBER_FORMAT: {message}", id="documents.E001")
            for message in format_errors(settings.LETTER_NUMBER_FORMAT)]
