"""Domain errors raised by services. Messages are constants that pages, API and tests share."""

from django.core.exceptions import ValidationError


class ApplicationError(Exception):
    """A business rule refused the action. `message` is safe to show (never identity)."""

    def __init__(self, message: str, *, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class PermissionDenied(ApplicationError):
    pass


def validation_messages(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "message_dict"):
        return exc.message_dict
    return {"__all__": exc.messages}


def form_error_text(form) -> str:
    """A form's errors as one sentence for a message: each under its field's label, never its code."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        text = " ".join(errors)
        parts.append(f"{field.label}: {text}" if field is not None and field.label else text)
    return " ".join(parts)
