"""Rendering a letter number from a format (pure functions, no database).

A format is plain text with placeholders in braces: ``{seq}`` the zero-padded sequence, ``{agency}``
the agency's code, ``{kind}`` the letter kind's code, ``{month}`` the letter's month in Roman numerals,
``{year}`` its four-digit year. ``{seq}``, ``{kind}`` and ``{year}`` are required, because the sequence
restarts per kind and per year: without them two letters would get the same number.
"""

from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext as _

PLACEHOLDERS = ("seq", "agency", "kind", "month", "year")
REQUIRED = ("seq", "kind", "year")
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_FIELD = re.compile(r"\{([^{}]*)\}")


def _braced(names) -> str:
    return ", ".join("{" + n + "}" for n in names)


def format_errors(fmt: str) -> list[str]:
    """What is wrong with ``fmt``, as messages for the administrator (empty when it is usable)."""
    errors = []
    names = _FIELD.findall(fmt)
    unknown = sorted({n for n in names if n not in PLACEHOLDERS})
    if unknown:
        errors.append(_("Penanda tidak dikenal: %(names)s. Yang dikenal: %(known)s.") % {
            "names": _braced(unknown), "known": _braced(PLACEHOLDERS)})
    missing = [n for n in REQUIRED if n not in names]
    if missing:
        errors.append(_("Format harus memuat %(names)s.") % {"names": _braced(missing)})
    rest = _FIELD.sub("", fmt)
    if "{" in rest or "}" in rest:
        errors.append(_("Kurung kurawal hanya untuk penanda, misalnya {seq}."))
    return errors


def render_letter_number(fmt: str, *, sequence: int, digits: int, agency_code: str, kind_code: str,
                         on_date: date) -> str:
    values = {
        "seq": str(sequence).zfill(digits),
        "agency": agency_code,
        "kind": kind_code,
        "month": ROMAN_MONTHS[on_date.month - 1],
        "year": str(on_date.year),
    }
    return _FIELD.sub(lambda m: values[m.group(1)], fmt)
