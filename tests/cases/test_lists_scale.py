"""Issue 14, point 2: every list costs the same number of queries at 2 and at 50 rows, shows fifty
rows a page, searches by case number, and reads its visible set through indexes (EXPLAIN) — the
access restriction is the union of the sets a user may see, never a level computed on every case
(docs/architecture.md, "Lists")."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Role
from cases import services
from cases.models import AccessLevel, Case
from cases.policies import annotate_access_level, visible_case_ids
from cases.selectors import case_list
from tests.factories import AgencyFactory, member
from tests.meetings.helpers import make_meeting, make_team, register

CASE_LISTS = ["/kasus/", "/api/cases/", "/"]


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


def _grow(agency, head, rsud, open_case, n):
    """Cases received by ``agency`` up to ``n``, one in three granted to ``rsud``."""
    while agency.received_cases.count() < n:
        case = open_case(agency, actor=head)
        if case.pk % 3 == 0:
            services.case_grant_access(actor=head, case=case, agency=rsud, level=AccessLevel.SUMMARY)


@pytest.mark.parametrize("path", CASE_LISTS)
def test_case_lists_cost_the_same_queries_at_2_and_50_cases(path, uptd, rsud, open_case, client,
                                                            login_verified, django_assert_num_queries):
    head = member(uptd, Role.HEAD)
    login_verified(client, head)
    _grow(uptd, head, rsud, open_case, 2)
    small = _queries(client, path)
    _grow(uptd, head, rsud, open_case, 50)
    with django_assert_num_queries(small):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/kasus/", "/api/cases/"])
def test_granted_agency_lists_cost_the_same_queries_at_2_and_50_cases(path, uptd, rsud, open_case, client,
                                                                      login_verified,
                                                                      django_assert_num_queries):
    head = member(uptd, Role.HEAD)
    doctor = member(rsud, Role.PENDAMPING)
    login_verified(client, doctor)
    _grow(uptd, head, rsud, open_case, 6)
    small = _queries(client, path)
    _grow(uptd, head, rsud, open_case, 50)
    with django_assert_num_queries(small):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/kasus/antrian/", "/api/complaints/"])
def test_work_queue_costs_the_same_queries_at_2_and_50_complaints(path, uptd, client, login_verified,
                                                                   django_assert_num_queries):
    officer = member(uptd, Role.ADMIN_OFFICER)
    login_verified(client, officer)

    def grow(n):
        for i in range(n - Case.objects.count()):
            register(uptd, actor=officer, name=f"Korban Antrian {Case.objects.count()}",
                     nik=f"3174054101{Case.objects.count() + i:06d}")

    grow(2)
    small = _queries(client, path)
    grow(50)
    assert Case.objects.count() == 50
    with django_assert_num_queries(small):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["meetings:list", "/api/meetings/"])
def test_meeting_lists_cost_the_same_queries_at_2_and_50_meetings(path, uptd, client, login_verified,
                                                                  django_assert_num_queries):
    team = make_team(uptd)
    login_verified(client, team.sekretaris)
    url = reverse(path) if ":" in path else path
    for days in range(1, 3):
        make_meeting(team, days=days)
    small = _queries(client, url)
    for days in range(3, 51):
        make_meeting(team, days=days)
    with django_assert_num_queries(small):
        assert client.get(url).status_code == 200


def test_the_case_list_shows_fifty_a_page_and_the_next_page_holds_the_rest(uptd, open_case, client,
                                                                           login_verified):
    head = member(uptd, Role.HEAD)
    login_verified(client, head)
    cases = [open_case(uptd, actor=head) for _ in range(52)]
    first = client.get("/kasus/").content.decode()
    second = client.get("/kasus/?page=2").content.decode()
    newest, oldest = cases[-1].number, cases[0].number
    assert newest in first and oldest not in first and 'rel="next"' in first
    assert oldest in second and newest not in second
    assert "Halaman 2 dari 2" in second


def test_search_by_case_number_finds_the_case_whole_or_by_year_and_sequence(uptd, open_case, client,
                                                                          login_verified):
    head = member(uptd, Role.HEAD)
    login_verified(client, head)
    wanted, other = open_case(uptd, actor=head), open_case(uptd, actor=head)
    year, seq = wanted.number.split("-")[1], int(wanted.number.split("-")[2])
    for typed in (wanted.number.lower(), f"{year}-{seq}"):
        page = client.get("/kasus/", {"nomor": typed}).content.decode()
        assert wanted.number in page and other.number not in page, typed
    api = client.get("/api/cases/", {"number": wanted.number}).json()
    # Offsets stop where the list stops being exact; the answer says to narrow it.
    beyond = client.get("/api/cases/", {"offset": 1001})
    assert beyond.status_code == 400 and "persempit" in str(beyond.json())
    assert [c["number"] for c in api["results"]] == [wanted.number]
    # A filter value not on offer is ignored, never a server error.
    assert client.get("/kasus/", {"status": "bogus", "nomor": wanted.number}).status_code == 200


def test_another_agencys_user_sees_none_of_fifty_cases(uptd, open_case, client, login_verified):
    head = member(uptd, Role.HEAD)
    for _ in range(50):
        open_case(uptd, actor=head)
    stranger = member(AgencyFactory(), Role.HEAD)
    login_verified(client, stranger)
    assert client.get("/api/cases/").json()["count"] == 0
    assert "Tidak ada kasus yang dapat Anda lihat." in client.get("/kasus/").content.decode()


def test_the_visible_sets_are_exactly_the_cases_the_level_rule_rates(uptd, rsud, polres, open_case):
    """One owner of the rule: the union a list filters with equals ``annotate_access_level``'s
    answer, for every kind of user and level."""
    head = member(uptd, Role.HEAD)
    officer = member(uptd, Role.PENDAMPING)
    doctor = member(rsud, Role.HEALTH_WORKER)
    police = member(polres, Role.INVESTIGATOR)
    team = make_team(AgencyFactory()).anggota
    viewer = member(AgencyFactory(kind="ministry"), Role.MINISTRY_VIEWER)
    cases = [open_case(uptd, actor=head) for _ in range(6)]
    services.case_grant_access(actor=head, case=cases[0], agency=rsud, level=AccessLevel.SUMMARY)
    services.case_grant_access(actor=head, case=cases[1], agency=rsud, level=AccessLevel.FULL,
                               reason="Visum", legal_basis="protection_of_life")
    services.case_grant_access(actor=head, case=cases[2], agency=polres, level=AccessLevel.SERVICE)
    grant = services.case_grant_access(actor=head, case=cases[3], agency=polres, level=AccessLevel.FULL,
                                       reason="Penyidikan", legal_basis="investigation_request")
    services.case_revoke_source(actor=head, case=cases[3], agency=polres, source=grant.source,
                                reason="Tidak diperlukan lagi")
    services.case_officer_assign(actor=head, case=cases[4], assignee=officer)
    for user in (head, officer, doctor, police, team, viewer):
        for level in (AccessLevel.SUMMARY, AccessLevel.SERVICE, AccessLevel.FULL):
            rated = set(annotate_access_level(Case.objects.all(), user)
                        .filter(access_level__gte=int(level)).values_list("pk", flat=True))
            ids = visible_case_ids(user, min_level=level)
            union = set(Case.objects.values_list("pk", flat=True)) if ids is None else set(
                Case.objects.filter(pk__in=ids).values_list("pk", flat=True))
            assert union == rated, (user.username, level)
            assert {c.pk for c in case_list(user=user, min_level=level)[:100]} == rated


# --- EXPLAIN on a few thousand rows -----------------------------------------------------------------

def _load_cases(agency, n, *, tag):
    """Rows straight into the table (as the benchmark's loader does): an EXPLAIN needs volume, not
    the services' timeline."""
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO cases_case (number, receiving_agency_id, status, initials, violence_types,"
            " is_emergency, awaiting_formal_decision, opened_at, updated_at) "
            "SELECT 'PPA-' || %s || '-' || lpad(g::text, 6, '0'), %s, 'closed', 'AB', '{}', false, false,"
            " now() - (g || ' hours')::interval, now() FROM generate_series(1, %s) g",
            [tag, agency.pk, n])


#: A sequential scan of the cases table itself (not of cases_caseassignment or cases_casegrant).
_READS_WHOLE_TABLE = re.compile(r"Seq Scan on cases_case\b")


def _plan(cases) -> str:
    """The plan of a case list's first page: the query that chooses its rows."""
    qs = cases[:50] if hasattr(cases, "query") else cases.ids_query(slice(0, 50))
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cur.fetchall())


def test_the_case_list_reads_its_indexes_not_the_whole_table(uptd, rsud):
    """A few thousand cases skewed like reality (a few big agencies, a small one): the Tim
    Percepatan's list walks ``case_opened_idx``; a small agency's head reads only its cases; a
    search reads the number's index. No plan reads the whole cases table."""
    small = AgencyFactory()
    _load_cases(uptd, 2500, tag=1900)  # the big one: more cases than a list ever reads of a set
    for tag, agency in enumerate([rsud, *[AgencyFactory() for _ in range(6)]], start=1):
        _load_cases(agency, 350, tag=1900 + tag)
    _load_cases(small, 20, tag=1990)
    with connection.cursor() as cur:
        for table in ("cases_case", "cases_caseassignment", "cases_casegrant"):
            cur.execute(f"ANALYZE {table}")
    assert Case.objects.count() == 4970
    team_member = make_team(rsud).anggota
    head = member(small, Role.HEAD)

    team_plan = _plan(case_list(user=team_member))
    assert "Index Scan using case_opened_idx on cases_case" in team_plan, team_plan
    assert not _READS_WHOLE_TABLE.search(team_plan), team_plan

    head_plan = _plan(case_list(user=head))
    assert not _READS_WHOLE_TABLE.search(head_plan), head_plan

    # A big agency's head: only its newest cases are read, in the order of its index.
    big_head = member(uptd, Role.HEAD)
    big_plan = _plan(case_list(user=big_head))
    assert "case_agency_opened_idx" in big_plan and not _READS_WHOLE_TABLE.search(big_plan), big_plan

    search_plan = _plan(case_list(user=team_member, number="PPA-1903-0001"))
    assert "case_number_prefix_idx" in search_plan, search_plan
    assert not _READS_WHOLE_TABLE.search(search_plan), search_plan
