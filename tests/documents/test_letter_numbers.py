"""Letter numbers (docs/letter-numbers.md): one gap-free sequence per agency, letter kind and year,
taken under a row lock, in each agency's format."""

import threading
from datetime import date

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse

from agencies.models import Role
from common.errors import ApplicationError
from documents.models import AgencyLetterFormat, LetterCounter, LetterKind, LetterNumber
from documents.services import AGENCY_INACTIVE, letter_number_take
from tests.factories import AgencyFactory, UserFactory, member


@pytest.fixture
def officer(uptd):
    return member(uptd, Role.ADMIN_OFFICER)


def take(agency, actor, kind=LetterKind.REFERRAL, on_date=date(2026, 3, 10)):
    return letter_number_take(agency=agency, kind=kind, on_date=on_date, actor=actor)


@pytest.mark.django_db
def test_the_45th_referral_letter_of_december_in_the_agencys_format(uptd, officer):
    AgencyLetterFormat.objects.create(agency=uptd, agency_code="UPTD-PPA")
    LetterCounter.objects.create(agency=uptd, kind=LetterKind.REFERRAL, year=2026, last_sequence=44)
    issued = take(uptd, officer, on_date=date(2026, 12, 10))
    assert (issued.number, issued.sequence) == ("045/UPTD-PPA/RUJ/XII/2026", 45)
    assert issued.taken_by == officer and issued.letter_date == date(2026, 12, 10)


@pytest.mark.django_db
def test_without_a_format_of_its_own_the_agency_uses_the_default_and_its_code(uptd, officer):
    assert take(uptd, officer, LetterKind.SERVICE_AGREEMENT).number == "001/UPTD-UJI/NKL/III/2026"


@pytest.mark.django_db
def test_an_agency_may_write_its_numbers_its_own_way(uptd, officer):
    AgencyLetterFormat.objects.create(agency=uptd, agency_code="PPA", sequence_digits=4,
                                      number_format="{agency}.{kind}-{seq}/{year}")
    assert take(uptd, officer, LetterKind.OUTREACH_ORDER, date(2026, 7, 1)).number == "PPA.PJK-0001/2026"


@pytest.mark.django_db
def test_numbers_run_per_agency_and_per_kind(uptd, polres, officer):
    police = member(polres, Role.INVESTIGATOR)
    assert [take(uptd, officer).sequence for _ in range(3)] == [1, 2, 3]
    assert take(uptd, officer, LetterKind.REPORT).sequence == 1
    assert take(polres, police).sequence == 1
    assert take(uptd, officer).sequence == 4


@pytest.mark.django_db
def test_a_new_year_starts_again_at_one(uptd, officer):
    assert take(uptd, officer, on_date=date(2026, 12, 31)).sequence == 1
    assert take(uptd, officer, on_date=date(2026, 12, 31)).sequence == 2
    january = take(uptd, officer, on_date=date(2027, 1, 2))
    assert (january.sequence, january.number) == (1, "001/UPTD-UJI/RUJ/I/2027")
    # A letter dated in 2026 written after New Year continues 2026's sequence.
    assert take(uptd, officer, on_date=date(2026, 12, 31)).number == "003/UPTD-UJI/RUJ/XII/2026"


@pytest.mark.django_db
def test_a_letter_that_is_not_saved_gives_its_number_back(uptd, officer):
    assert take(uptd, officer).sequence == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert take(uptd, officer).sequence == 2
        raise RuntimeError("saving the letter failed")
    assert take(uptd, officer).sequence == 2
    assert list(LetterNumber.objects.filter(agency=uptd).values_list("sequence", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_taking_a_number_costs_a_fixed_number_of_queries(uptd, officer, django_assert_num_queries):
    AgencyLetterFormat.objects.create(agency=uptd, agency_code="UPTD-PPA")
    take(uptd, officer)
    # format, savepoint, counter locked, counter updated, register row, release savepoint
    with django_assert_num_queries(6):
        assert take(uptd, officer).sequence == 2


@pytest.mark.django_db
def test_an_inactive_agency_issues_no_letter(officer):
    closed = AgencyFactory(is_active=False)
    with pytest.raises(ApplicationError) as refused:
        take(closed, officer)
    assert refused.value.message == str(AGENCY_INACTIVE)
    assert not LetterCounter.objects.filter(agency=closed).exists()


@pytest.mark.django_db
def test_a_format_that_could_repeat_a_number_is_refused(uptd):
    def clean(fmt, digits=None):
        AgencyLetterFormat(agency=uptd, agency_code="UPTD-PPA", number_format=fmt,
                           sequence_digits=digits).full_clean()

    for bad in ("{seq}/{agency}/{year}", "{seq}/{kind}", "{agency}/{kind}/{year}", "{seq}/{kind}/{tahun}",
                "{seq}/{kind}/{year}}"):
        with pytest.raises(ValidationError) as error:
            clean(bad)
        assert "number_format" in error.value.message_dict, bad
    with pytest.raises(ValidationError):
        clean("", digits=9)
    clean("{kind}{seq}{year}")   # the minimum is accepted


def test_a_default_format_that_could_repeat_a_number_stops_the_deployment(settings):
    settings.LETTER_NUMBER_FORMAT = "{seq}/{agency}/{month}"
    errors = [e for e in run_checks() if e.id == "documents.E001"]
    assert errors and "{kind}, {year}" in errors[0].msg


@pytest.mark.django_db(transaction=True)
def test_twenty_letters_taken_at_the_same_moment_get_1_to_20():
    """Twenty threads, each with its own database connection, take a number of one agency, kind and
    year at once — the first of them also creating the counter row. Each holds its transaction
    open a moment after taking, as a letter being saved would."""
    agency = AgencyFactory(code="uptd-serentak", name="UPTD Serentak")
    actor = member(agency, Role.ADMIN_OFFICER)
    start = threading.Barrier(20)
    taken, failures = [], []

    def letter_created_by_one_officer():
        try:
            start.wait()
            with transaction.atomic():
                issued = letter_number_take(agency=agency, kind=LetterKind.REFERRAL,
                                            on_date=date(2026, 3, 10), actor=actor)
                connection.cursor().execute("SELECT pg_sleep(0.01)")
            taken.append(issued.sequence)
        except Exception as exc:  # reported below, with the test's assertion
            failures.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=letter_created_by_one_officer) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert failures == []
    assert sorted(taken) == list(range(1, 21))
    register = LetterNumber.objects.filter(agency=agency)
    assert sorted(register.values_list("number", flat=True)) == [
        f"{n:03d}/UPTD-SERENTAK/RUJ/III/2026" for n in range(1, 21)]
    assert LetterCounter.objects.get(agency=agency).last_sequence == 20


@pytest.mark.django_db
def test_the_administrator_sets_an_agencys_format_in_the_admin(uptd, officer, client, login_verified):
    admin_user = member(uptd, Role.SYSTEM_ADMIN, user=UserFactory(is_staff=True, is_superuser=True))
    login_verified(client, admin_user)
    add = reverse("admin:documents_agencyletterformat_add")
    refused = client.post(add, {"agency": uptd.pk, "agency_code": "UPTD-PPA",
                                "number_format": "{seq}/{agency}"})
    assert refused.status_code == 200 and "Format harus memuat {kind}, {year}." in refused.content.decode()
    assert client.post(add, {"agency": uptd.pk, "agency_code": "UPTD-PPA",
                             "number_format": "{seq}/{agency}/{kind}/{year}"}).status_code == 302
    assert uptd.letter_format.history.get().history_user == admin_user
    issued = take(uptd, officer)
    assert issued.number == "001/UPTD-PPA/RUJ/2026"
    register = client.get(reverse("admin:documents_letternumber_changelist")).content.decode()
    assert "001/UPTD-PPA/RUJ/2026" in register
