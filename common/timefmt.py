"""One way to write a date and a moment on every page, message and PDF (issue 12 point 7):
``02 Des 2026`` and ``02 Des 2026 20.34 WIB`` — in Jakarta time, with Indonesian month names in the
Indonesian interface. The formats are ``common/formats/<lang>/formats.py``; the template filters
``tanggal`` and ``waktu`` (``common.templatetags.terpadu_time``) call these."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import formats, timezone, translation


def datetime_label(value: datetime | None, *, lang: str | None = None) -> str:
    """``02 Des 2026 20.34 WIB`` (empty for None). A naive value is taken as Jakarta time.
    ``lang="id"`` for a text that is stored (a notification title): it is written in Indonesian
    whoever's request writes it."""
    if value is None or value == "":
        return ""
    if lang is not None:
        with translation.override(lang):
            return datetime_label(value)
    if not isinstance(value, datetime):
        return date_label(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    else:
        value = timezone.make_aware(value)
    return formats.date_format(value, "DATETIME_FORMAT")


def date_label(value: date | None, *, lang: str | None = None) -> str:
    """``02 Des 2026`` (empty for None); a moment is written as its Jakarta day."""
    if value is None or value == "":
        return ""
    if lang is not None:
        with translation.override(lang):
            return date_label(value)
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return formats.date_format(value, "DATE_FORMAT")
