"""Working days (docs/workdays.md): Monday–Friday, minus national holidays, minus the collective
leave and extra closed days the administrator enters.

Every expected date below is written out from the joint decree of 19 September 2025 (SKB Menteri
Agama, Menteri Ketenagakerjaan, Menteri PANRB No. 1497/2/5 Tahun 2025), not computed by the
``holidays`` package the calendar uses.
"""

import importlib
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencies.models import Role
from common.models import ClosedDay, ClosedDayKind
from common.workdays import (
    WorkCalendar,
    add_working_days,
    is_working_day,
    working_days_between,
    years_without_collective_leave,
)
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

seed_migration = importlib.import_module("common.migrations.0008_collective_leave_2026")

# Hari libur nasional 2026 (SKB, lampiran I) — 17 days.
NATIONAL_HOLIDAYS_2026 = {
    date(2026, 1, 1),    # Tahun Baru 2026 Masehi (Thu)
    date(2026, 1, 16),   # Isra Mikraj (Fri)
    date(2026, 2, 17),   # Tahun Baru Imlek 2577 (Tue)
    date(2026, 3, 19),   # Hari Suci Nyepi, Tahun Baru Saka 1948 (Thu)
    date(2026, 3, 21),   # Idul Fitri 1447 H (Sat)
    date(2026, 3, 22),   # Idul Fitri 1447 H (Sun)
    date(2026, 4, 3),    # Wafat Yesus Kristus (Fri)
    date(2026, 4, 5),    # Kebangkitan Yesus Kristus (Sun)
    date(2026, 5, 1),    # Hari Buruh Internasional (Fri)
    date(2026, 5, 14),   # Kenaikan Yesus Kristus (Thu)
    date(2026, 5, 27),   # Idul Adha 1447 H (Wed)
    date(2026, 5, 31),   # Waisak 2570 BE (Sun)
    date(2026, 6, 1),    # Hari Lahir Pancasila (Mon)
    date(2026, 6, 16),   # 1 Muharam 1448 H (Tue)
    date(2026, 8, 17),   # Proklamasi Kemerdekaan (Mon)
    date(2026, 8, 25),   # Maulid Nabi Muhammad SAW (Tue)
    date(2026, 12, 25),  # Kelahiran Yesus Kristus (Fri)
}
# Cuti bersama 2026 (SKB, lampiran II) — 8 days.
COLLECTIVE_LEAVE_2026 = {
    date(2026, 2, 16),   # Imlek (Mon)
    date(2026, 3, 18),   # Nyepi (Wed)
    date(2026, 3, 20),   # Idul Fitri (Fri)
    date(2026, 3, 23),   # Idul Fitri (Mon)
    date(2026, 3, 24),   # Idul Fitri (Tue)
    date(2026, 5, 15),   # Kenaikan Yesus Kristus (Fri)
    date(2026, 5, 28),   # Idul Adha (Thu)
    date(2026, 12, 24),  # Natal (Thu)
}


@pytest.fixture
def decree_2026(db):
    """The 2026 collective leave as the data migration enters it. Run again here because a
    transactional test (a flushed database) may have removed the migration's rows."""
    seed_migration.seed(apps, None)


def test_the_data_migration_enters_the_2026_decree_with_its_reference_and_history(db):
    ClosedDay.objects.all().delete()
    seed_migration.seed(apps, None)
    rows = list(ClosedDay.objects.order_by("date"))
    assert {r.date for r in rows} == COLLECTIVE_LEAVE_2026
    assert {r.kind for r in rows} == {ClosedDayKind.COLLECTIVE_LEAVE}
    assert all("1497/2/5 Tahun 2025" in r.decree and "19 September 2025" in r.decree for r in rows)
    assert all(r.history.get().history_type == "+" for r in rows)
    seed_migration.seed(apps, None)  # running twice adds nothing
    assert ClosedDay.objects.count() == 8


def test_every_day_of_2026_is_as_the_decree_says_in_one_query(decree_2026, django_assert_num_queries):
    calendar = WorkCalendar()
    closed = NATIONAL_HOLIDAYS_2026 | COLLECTIVE_LEAVE_2026
    with django_assert_num_queries(1):
        wrong = [d for d in (date(2026, 1, 1) + timedelta(days=i) for i in range(365))
                 if calendar.is_working_day(d) != (d.weekday() < 5 and d not in closed)]
    assert wrong == []
    # 261 weekdays, 13 of them national holidays, 8 collective leave.
    assert working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 240


def test_nyepi_and_idul_fitri_close_the_office_from_wednesday_18_to_tuesday_24_march(decree_2026):
    assert is_working_day(date(2026, 3, 17))
    for closed in (18, 19, 20, 21, 22, 23, 24):
        assert not is_working_day(date(2026, 3, closed)), closed
    assert is_working_day(date(2026, 3, 25))
    # The day after Tuesday 17 March is Wednesday 25 March.
    assert add_working_days(date(2026, 3, 17), 1) == date(2026, 3, 25)
    assert working_days_between(date(2026, 3, 17), date(2026, 3, 25)) == 1
    # A complaint received on Monday 16 March, answered within 3 working days: Thursday 26 March.
    assert add_working_days(date(2026, 3, 16), 3) == date(2026, 3, 26)
    # R14's window of 5 working days for two contact attempts, from Friday 13 March.
    assert add_working_days(date(2026, 3, 13), 5) == date(2026, 3, 27)
    assert working_days_between(date(2026, 3, 13), date(2026, 3, 27)) == 5


def test_a_due_date_on_a_closed_day_moves_to_the_next_working_day(decree_2026):
    assert add_working_days(date(2026, 3, 19), 0) == date(2026, 3, 25)   # Nyepi
    assert add_working_days(date(2026, 3, 21), 0) == date(2026, 3, 25)   # Idul Fitri, Saturday
    assert add_working_days(date(2026, 3, 25), 0) == date(2026, 3, 25)   # a working day stays
    # The start day never counts: Friday + 1 and Saturday + 1 are both Monday.
    assert add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)
    assert add_working_days(date(2026, 3, 7), 1) == date(2026, 3, 9)
    assert working_days_between(date(2026, 3, 7), date(2026, 3, 9)) == 1


def test_imlek_ascension_and_idul_adha_with_their_collective_leave(decree_2026):
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 18)   # Mon 16 leave, Tue 17 Imlek
    assert add_working_days(date(2026, 5, 13), 1) == date(2026, 5, 18)   # Thu 14 Ascension, Fri 15 leave
    assert add_working_days(date(2026, 5, 26), 1) == date(2026, 5, 29)   # Wed 27 Idul Adha, Thu 28 leave


def test_christmas_and_the_year_boundary(decree_2026):
    assert is_working_day(date(2026, 12, 23))
    assert not is_working_day(date(2026, 12, 24))   # collective leave
    assert not is_working_day(date(2026, 12, 25))   # Christmas
    assert add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 28)
    # 28–31 December, then 1 January 2027 (New Year, Friday) and the weekend: Monday 4 January.
    assert add_working_days(date(2026, 12, 24), 5) == date(2027, 1, 4)
    assert working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 5
    assert working_days_between(date(2027, 1, 4), date(2026, 12, 24)) == -5


def test_an_extra_closed_day_counts_across_the_year_boundary(decree_2026, django_assert_num_queries):
    # Friday 2 January 2026, between New Year's Day and the weekend, closed by a local circular.
    ClosedDay.objects.create(date=date(2026, 1, 2), kind=ClosedDayKind.EXTRA_CLOSED_DAY,
                             name="Kantor tutup", decree="SE Kepala Dinas No. 1/2026")
    assert not is_working_day(date(2026, 1, 2))
    with django_assert_num_queries(1):
        assert add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 5)
    with django_assert_num_queries(1):
        assert working_days_between(date(2025, 12, 30), date(2026, 1, 5)) == 2   # 31 Dec, 5 Jan


def test_weekends_need_no_query_and_a_negative_count_is_refused(decree_2026, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert not is_working_day(date(2026, 3, 28))
        assert not is_working_day(date(2026, 3, 19))   # national holiday: no query either
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 25), -1)


def test_a_moment_counts_on_its_jakarta_day(decree_2026):
    # 24 March 18:00 UTC is 25 March 01:00 in Jakarta: a working day, although 24 March is leave.
    assert is_working_day(datetime(2026, 3, 24, 18, 0, tzinfo=UTC))
    assert not is_working_day(datetime(2026, 3, 24, 16, 0, tzinfo=UTC))


def test_the_administrator_cannot_enter_a_weekend_or_a_national_holiday():
    def entry(day):
        return ClosedDay(date=day, kind=ClosedDayKind.EXTRA_CLOSED_DAY, name="Tutup", decree="SE No. 1")

    with pytest.raises(ValidationError) as weekend:
        entry(date(2027, 1, 2)).full_clean()   # Saturday
    assert "date" in weekend.value.message_dict
    with pytest.raises(ValidationError) as holiday:
        entry(date(2026, 12, 25)).full_clean()
    assert "Hari Raya Natal" in holiday.value.message_dict["date"][0]


# --- the warning the administrator sees -----------------------------------------------------------

def test_a_year_without_collective_leave_is_reported(decree_2026):
    assert years_without_collective_leave(today=date(2026, 5, 4)) == []        # 2026 entered
    assert years_without_collective_leave(today=date(2026, 10, 1)) == [2027]   # from October: next year
    assert years_without_collective_leave(today=date(2027, 2, 1)) == [2027]
    # An extra closed day is no collective leave: the year is still missing.
    ClosedDay.objects.create(date=date(2027, 1, 4), kind=ClosedDayKind.EXTRA_CLOSED_DAY,
                             name="Kantor tutup", decree="SE No. 1/2027")
    assert years_without_collective_leave(today=date(2027, 2, 1)) == [2027]


@pytest.fixture
def administrator(uptd):
    return member(uptd, Role.SYSTEM_ADMIN, user=UserFactory(is_staff=True, is_superuser=True))


def test_the_admin_index_warns_until_next_years_decree_is_entered(decree_2026, administrator, client,
                                                                   login_verified):
    with time_machine.travel("2026-11-02 09:00 +0700", tick=False):
        login_verified(client, administrator)
        page = client.get(reverse("admin:index")).content.decode()
        assert "Cuti bersama tahun 2027 belum dimasukkan" in page
        assert "tahun 2026 belum" not in page
        assert reverse("admin:common_closedday_changelist") in page

        # The administrator enters a date of the 2027 decree through the admin.
        response = client.post(reverse("admin:common_closedday_add"), {
            "date": "2027-02-05", "kind": ClosedDayKind.COLLECTIVE_LEAVE,
            "name": "Cuti bersama Tahun Baru Imlek", "decree": "SKB Tiga Menteri tentang libur 2027"})
        assert response.status_code == 302
        entered = ClosedDay.objects.get(date=date(2027, 2, 5))
        assert entered.history.get().history_user == administrator
        assert "belum dimasukkan" not in client.get(reverse("admin:index")).content.decode()


def test_the_closed_day_list_warns_and_the_form_refuses_a_national_holiday(decree_2026, administrator, client,
                                                                           login_verified):
    with time_machine.travel("2027-01-05 09:00 +0700", tick=False):
        login_verified(client, administrator)
        listing = client.get(reverse("admin:common_closedday_changelist"), follow=True).content.decode()
        assert "Cuti bersama tahun 2027 belum dimasukkan" in listing
        response = client.post(reverse("admin:common_closedday_add"), {
            "date": "2027-03-08", "kind": ClosedDayKind.COLLECTIVE_LEAVE,
            "name": "Nyepi", "decree": "SKB 2027"})
        assert response.status_code == 200
        assert "sudah hari libur nasional" in response.content.decode()
        assert not ClosedDay.objects.filter(date=date(2027, 3, 8)).exists()


def test_staff_without_rights_on_the_calendar_see_no_warning(decree_2026, uptd, client, login_verified):
    staff = member(uptd, Role.SYSTEM_ADMIN, user=UserFactory(is_staff=True, is_superuser=False))
    with time_machine.travel("2027-01-05 09:00 +0700", tick=False):
        login_verified(client, staff)
        response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "belum dimasukkan" not in response.content.decode()
