"""Writes of the documents app."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from common.errors import ApplicationError
from documents.models import AgencyLetterFormat, LetterCounter, LetterKind, LetterNumber
from documents.numbering import render_letter_number

AGENCY_INACTIVE = _("Lembaga ini tidak aktif dan tidak dapat menerbitkan surat.")


def letter_number_take(*, agency: Agency, kind: LetterKind | str, on_date: date, actor) -> LetterNumber:
    """Take the next number of ``agency``'s letters of ``kind`` in ``on_date``'s year.

    Gap-free: the number is the counter row's value plus one, taken under that row's lock, and the
    counter update, like the register row, commits or rolls back with the caller's transaction. So
    call it inside the transaction that stores the letter: if that rolls back, the number is not
    used and the next letter gets it. The lock is held until that transaction ends, so letters of
    the same agency, kind and year are numbered one after the other — keep slow work (rendering,
    signing) out of that transaction. Who may issue the letter is the caller's policy check.

    Returns the register row: ``.number`` (formatted) and ``.sequence``.
    """
    kind = LetterKind(kind)
    if isinstance(on_date, datetime):
        on_date = timezone.localdate(on_date)
    if not agency.is_active:
        raise ApplicationError(str(AGENCY_INACTIVE))
    letter_format = AgencyLetterFormat.objects.filter(agency=agency).first()
    with transaction.atomic():
        counter = _counter_locked(agency=agency, kind=kind, year=on_date.year)
        counter.last_sequence += 1
        counter.save(update_fields=["last_sequence", "updated_at"])
        number = render_letter_number(
            letter_format.effective_format if letter_format else settings.LETTER_NUMBER_FORMAT,
            sequence=counter.last_sequence,
            digits=letter_format.effective_digits if letter_format else settings.LETTER_NUMBER_DIGITS,
            agency_code=letter_format.agency_code if letter_format else agency.code.upper(),
            kind_code=kind.value,
            on_date=on_date,
        )
        issued = LetterNumber(agency=agency, kind=kind, year=on_date.year, sequence=counter.last_sequence,
                              number=number, letter_date=on_date, taken_by=actor)
        # The foreign keys are the caller's objects and the unique constraint is the database's to
        # check: no extra query for them here.
        issued.full_clean(exclude=["agency", "taken_by"], validate_unique=False, validate_constraints=False)
        issued.save()
    return issued


def _counter_locked(*, agency: Agency, kind: str, year: int) -> LetterCounter:
    """The counter row, locked. Its first creation may race with another transaction's: the insert
    is ``ON CONFLICT DO NOTHING`` (it waits for the other's commit), then both lock the one row."""
    lookup = {"agency": agency, "kind": kind, "year": year}
    counter = LetterCounter.objects.select_for_update().filter(**lookup).first()
    if counter is None:
        LetterCounter.objects.bulk_create([LetterCounter(**lookup)], ignore_conflicts=True)
        counter = LetterCounter.objects.select_for_update().get(**lookup)
    return counter
