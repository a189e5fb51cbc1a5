"""Working days: the one calendar every deadline in Terpadu counts with (docs/workdays.md).

A working day is Monday to Friday, minus Indonesia's national holidays (the ``holidays`` package,
country "ID", public category), minus the days in ``common.ClosedDay`` — collective leave (cuti
bersama) that the administrator enters from each year's joint decree, and extra closed days.
Nothing here guesses a date: a year whose collective leave has not been entered counts as Monday to
Friday minus national holidays, and the admin shows a warning (``years_without_collective_leave``).

Counting rules
--------------
* ``add_working_days(d, n)`` with ``n >= 1`` is the n-th working day *after* ``d``; ``d`` itself never
  counts, whether it is a working day or not (the day a complaint arrives is day 0, as in
  "3 hari kerja sejak diterima"). So Friday + 1 and Saturday + 1 are both Monday.
* ``add_working_days(d, 0)`` is ``d`` when ``d`` is a working day, otherwise the next working day
  (a due date on a closed day moves to the next working day).
* ``working_days_between(a, b)`` counts the working days ``x`` with ``a < x <= b`` (``a`` excluded,
  ``b`` included), so ``working_days_between(d, add_working_days(d, n)) == n`` for every ``n >= 1``.
  When ``b < a`` it is ``-working_days_between(b, a)``.

Each call reads the closed-day table once, for the whole years it needs; a ``WorkCalendar`` kept
for a batch (a sweep) reads each year once for all its calls. National holidays are computed in
process and cached per year.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.models import ClosedDay, ClosedDayKind

COUNTRY = "ID"
_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=64)
def _national_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(COUNTRY, years=year, categories=(holidays.PUBLIC,)))


@lru_cache(maxsize=64)
def _national_holiday_names(year: int, language: str) -> holidays.HolidayBase:
    return holidays.country_holidays(COUNTRY, years=year, categories=(holidays.PUBLIC,), language=language)


def national_holiday_name(d: date) -> str | None:
    """The national holiday's name on ``d`` (in the page's language), or None."""
    if d not in _national_holidays(d.year):
        return None
    language = "en_US" if (translation.get_language() or "").startswith("en") else "id"
    return _national_holiday_names(d.year, language).get(d)


def _as_date(d: date) -> date:
    # A datetime counts on its local (Asia/Jakarta) calendar day.
    if isinstance(d, datetime):
        return timezone.localdate(d) if timezone.is_aware(d) else d.date()
    return d


class WorkCalendar:
    """Working days with the closed-day table loaded per whole year, once per instance.

    Use one instance for many computations in one request or sweep; the module functions below
    each use a fresh one (one query per call)."""

    def __init__(self) -> None:
        self._closed: set[date] = set()
        self._loaded_years: set[int] = set()

    def _load_years(self, years: Iterable[int]) -> None:
        missing = sorted(set(years) - self._loaded_years)
        if not missing:
            return
        first, last = missing[0], missing[-1]
        rows = ClosedDay.objects.filter(date__gte=date(first, 1, 1), date__lte=date(last, 12, 31))
        self._closed.update(rows.values_list("date", flat=True))
        self._loaded_years.update(range(first, last + 1))

    def is_working_day(self, d: date) -> bool:
        d = _as_date(d)
        if d.weekday() >= 5 or d in _national_holidays(d.year):
            return False
        self._load_years([d.year])
        return d not in self._closed

    def add_working_days(self, d: date, n: int) -> date:
        if n < 0:
            raise ValueError("n must be 0 or more")
        d = _as_date(d)
        # Load, in one query, every year a generous guess of the span touches (n working days plus
        # the longest run of closed days, Lebaran); a longer walk loads the next year on the way.
        self._load_years(range(d.year, (d + timedelta(days=2 * n + 21)).year + 1))
        if n == 0:
            while not self.is_working_day(d):
                d += _ONE_DAY
            return d
        while n:
            d += _ONE_DAY
            if self.is_working_day(d):
                n -= 1
        return d

    def working_days_between(self, a: date, b: date) -> int:
        a, b = _as_date(a), _as_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        self._load_years(range(a.year, b.year + 1))
        count, d = 0, a
        while d < b:
            d += _ONE_DAY
            count += self.is_working_day(d)
        return count


def is_working_day(d: date) -> bool:
    """True when ``d`` is Monday–Friday, no national holiday and no collective leave or closed day."""
    return WorkCalendar().is_working_day(d)


def add_working_days(d: date, n: int) -> date:
    """The n-th working day after ``d`` (``d`` itself never counts); for ``n == 0``, ``d`` or the next
    working day when ``d`` is closed. ``n`` must not be negative."""
    return WorkCalendar().add_working_days(d, n)


def working_days_between(a: date, b: date) -> int:
    """The number of working days after ``a`` up to and including ``b`` (negative when ``b < a``)."""
    return WorkCalendar().working_days_between(a, b)


def years_without_collective_leave(today: date | None = None) -> list[int]:
    """The years the administrator must still enter collective leave for: the current year, and
    the next year from the month set in ``WORKDAYS_NEXT_YEAR_WARNING_MONTH`` (the decree for a year
    usually appears in the September before it)."""
    today = today or timezone.localdate()
    years = [today.year]
    if today.month >= settings.WORKDAYS_NEXT_YEAR_WARNING_MONTH:
        years.append(today.year + 1)
    entered = set(ClosedDay.objects.filter(kind=ClosedDayKind.COLLECTIVE_LEAVE, date__year__in=years)
                  .values_list("date__year", flat=True).distinct())
    return [y for y in years if y not in entered]


def collective_leave_warning(year: int) -> str:
    return _("Cuti bersama tahun %(year)s belum dimasukkan. Masukkan tanggalnya dari keputusan bersama "
             "tiga menteri; sampai itu, hari kerja tahun %(year)s hanya dikurangi hari libur nasional.") % {
        "year": year}
