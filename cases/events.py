"""The one writer of timeline rows (habit 6). Payloads are small and carry no identity."""

from __future__ import annotations

from cases.models import Case, CaseEvent, EventType

_FORBIDDEN_KEYS = {"name", "full_name", "nik", "phone", "address", "chronology"}


def case_event_record(*, case: Case, actor, event_type: EventType, agency=None,
                      payload: dict | None = None, at=None) -> CaseEvent:
    payload = payload or {}
    leaked = _FORBIDDEN_KEYS & set(payload)
    if leaked:
        # A programming error, not user input: fail loudly without echoing the values.
        raise ValueError(f"Timeline payload may not carry identity keys: {sorted(leaked)}")
    if agency is None and actor is not None:
        from agencies.selectors import user_context

        agency = user_context(actor).primary_agency
    event = CaseEvent(case=case, actor=actor, agency=agency, event_type=event_type, payload=payload)
    if at is not None:
        event.at = at
    event.save()
    return event
