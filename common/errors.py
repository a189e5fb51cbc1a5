"""Domain errors raised by services, and the one way a page shows them.

Services refuse with ``ApplicationError`` (a business rule), ``ActionNotAllowed`` (the actor's role
may not do this) or Django's ``ValidationError`` (field errors found together). Their messages are
``gettext_lazy`` constants that pages, API and tests share; an ``ApplicationError`` keeps its message
as text in the language active when it was raised (the request's).

Where a refusal lands:
- a page with a form: ``error_to_form`` — under the field it is about, else above the form;
- a page that redirects after a POST: ``messages.error(request, error_text(exc))``;
- the API: ``common.api.exception_handler`` — 400 ``{field: [message]}`` when the refusal names a
  field, 400 ``{"detail": message}`` when it does not, 403 ``{"detail": message}`` for
  ``ActionNotAllowed``.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class ApplicationError(Exception):
    """A business rule refused the action. ``message`` is safe to show (never identity); ``field``
    names the input field (form or API) the refusal is about, None for the action as a whole."""

    def __init__(self, message, *, field: str | None = None, extra: dict | None = None):
        message = str(message)  # a lazy constant, rendered in the active language
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}


class ActionNotAllowed(ApplicationError):
    """The actor's role may not take this action (the API answers 403). Not Django's
    ``PermissionDenied``, which answers a bare 403 page without the service's message."""


def validation_messages(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "message_dict"):
        return exc.message_dict
    return {NON_FIELD_ERRORS: exc.messages}


def error_messages(exc: ApplicationError | ValidationError) -> dict[str | None, list[str]]:
    """The messages of a service's refusal by the field they are about (None: the action as a
    whole)."""
    if isinstance(exc, ApplicationError):
        return {exc.field: [exc.message]}
    return {(None if field == NON_FIELD_ERRORS else field): [str(m) for m in msgs]
            for field, msgs in validation_messages(exc).items()}


def error_to_form(form, exc: ApplicationError | ValidationError) -> None:
    """Show a service's refusal on ``form``: each message under its field when the form has that
    field, otherwise among the form's own errors."""
    for field, msgs in error_messages(exc).items():
        form.add_error(field if field in form.fields else None, msgs)


def error_text(exc: ApplicationError | ValidationError) -> str:
    """A service's refusal as one text, for a page that redirects after the POST."""
    return " ".join(m for msgs in error_messages(exc).values() for m in msgs)


def form_error_text(form) -> str:
    """A form's errors as one sentence for a message: each under its field's label, never its code."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        text = " ".join(errors)
        parts.append(f"{field.label}: {text}" if field is not None and field.label else text)
    return " ".join(parts)
