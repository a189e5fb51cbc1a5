"""How much a person may send: the longest free texts and the largest request bodies.

One number per kind of text, used by the model field (``LimitedTextField`` / ``EncryptedTextField``
with ``max_length``, enforced by ``full_clean``), the page form and the API serializer alike, so the
three can never disagree. Encrypted fields count the plaintext. ``tests/common/test_limits.py``
checks that every text column of the domain models has a limit.

The request-body limits themselves are settings (``DATA_UPLOAD_MAX_MEMORY_SIZE``, from the
environment); ``common.middleware.RequestSizeLimitMiddleware`` answers a larger body with 413.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

#: A complaint's chronology (kronologi): the longest text anyone types into Terpadu.
CHRONOLOGY = 10_000
#: The secretary's minutes notes (catatan notula).
MINUTES_NOTES = 10_000
#: The chronology of a case presentation at the meeting (paparan, SKB E.1.b.2.a).
PRESENTATION_CHRONOLOGY = 5_000
#: Notes and descriptions: triage notes, the needs note, an initial response's result, a
#: presentation's condition and obstacles, joint-assessment notes, action items, follow-up evidence,
#: the service catalogue's descriptions.
NOTE = 2_000
#: The reason given for a meeting decision.
DECISION_REASON = 1_000
#: The reason written to open a victim's identity (break-the-glass), kept in the access log.
REVEAL_REASON = 500
#: One-line reasons: back-dated receipt, void, reschedule, cancel, defer, risk override, revocation.
SHORT_REASON = 300
#: An address, the place of the incident, how to reach the victim safely.
ADDRESS = 300
PLACE = 300
SAFE_CONTACT = 300
#: A person's name (victim, reporter, alleged perpetrator).
NAME = 200
#: A telephone number as typed.
PHONE = 30
#: An NIK as typed: 16 digits with the spaces, dots or dashes people put between them.
NIK_INPUT = 24
#: How the reporter is related to the victim, as typed.
RELATION = 60
#: A date of birth stored as ISO text (YYYY-MM-DD) in an encrypted column.
ISO_DATE = 10
#: An uploaded file's original name (Django cuts longer names to 255 characters).
FILE_NAME = 255

#: Victims, and alleged perpetrators, registered with one complaint.
PEOPLE_PER_COMPLAINT = 10

#: One attachment (PDF, JPEG or PNG).
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def length_errors(model, values: dict[str, str], *, prefix: str = "") -> dict[str, list[str]]:
    """Field errors, keyed ``prefix + name``, for the values that break the validators of
    ``model``'s field of that name — the same message ``full_clean`` gives. For services that check
    all their input before writing anything."""
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        try:
            model._meta.get_field(name).run_validators(value)
        except ValidationError as exc:
            errors[prefix + name] = exc.messages
    return errors


def check_lengths(instance, *names: str) -> None:
    """Raise ``ValidationError({field: [...]})`` when one of ``names`` on ``instance`` is too long
    (for a service that changes a few fields and does not run the whole ``full_clean``)."""
    errors = length_errors(type(instance), {n: getattr(instance, n) for n in names})
    if errors:
        raise ValidationError(errors)
