"""The API refuses malformed input with 400 and the field errors instead of guessing: a page window,
a filter value or an id that does not parse, a JSON value of the wrong type. Paths outside the API's
routes answer the API's JSON 404, and a duplicate that a concurrent request created first is a 409,
never a server error."""

import pytest
from django.db import IntegrityError, transaction

from agencies.models import Role
from cases.models import InitialResponse
from common.api import CONFLICT, NOT_FOUND, exception_handler
from tests.factories import AgencyFactory, member
from tests.meetings.helpers import register
from triage.models import TriageAssessment

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def officer(client, uptd):
    user = member(uptd, Role.ADMIN_OFFICER)
    client.force_login(user)
    return user


@pytest.mark.parametrize("query, field", [
    ("offset=null", "offset"), ("offset=", "offset"), ("offset=-1", "offset"), ("offset=1.0", "offset"),
    ("limit=abc", "limit"), ("limit=0", "limit"), ("limit=201", "limit"), ("limit=", "limit"),
])
@pytest.mark.parametrize("path", ["/api/cases/", "/api/complaints/"])
def test_a_malformed_page_window_is_a_400_naming_the_parameter(client, officer, path, query, field):
    resp = client.get(f"{path}?{query}")
    assert resp.status_code == 400, resp.content
    assert list(resp.json()) == [field] and resp.json()[field]


def test_a_page_window_in_range_pages(client, officer, uptd):
    first, second = register(uptd, actor=officer), register(uptd, actor=officer, name="Ratna Dewi")
    page = client.get("/api/cases/?limit=1&offset=1").json()
    assert page["count"] == 2 and [c["id"] for c in page["results"]] == [first.case_id]
    assert [c["id"] for c in client.get("/api/cases/?limit=1").json()["results"]] == [second.case_id]


@pytest.mark.parametrize("url, field", [
    ("/api/complaints/?channel=fax", "channel"), ("/api/complaints/?risk=sangat-tinggi", "risk"),
    ("/api/complaints/?region=9999", "region"), ("/api/complaints/?violence_type=x", "violence_type"),
    ("/api/complaints/?assignee=someone", "assignee"), ("/api/cases/?status=open", "status"),
])
def test_an_unknown_filter_value_is_a_400_not_an_unfiltered_list(client, officer, uptd, url, field):
    register(uptd, actor=officer)
    resp = client.get(url)
    assert resp.status_code == 400 and field in resp.json()


def test_an_empty_filter_still_means_all(client, officer, uptd):
    register(uptd, actor=officer)
    assert client.get("/api/complaints/?channel=&risk=").json()["count"] == 1
    assert client.get("/api/complaints/?channel=walk_in&risk=untriaged").json()["count"] == 1
    assert client.get("/api/complaints/?channel=hotline").json()["count"] == 0


@pytest.mark.parametrize("value", ["bukan-uuid", ""])
def test_a_malformed_complaint_id_in_the_triage_query_is_a_400(client, officer, uptd, value):
    complaint = register(uptd, actor=officer)
    resp = client.get(f"/api/cases/{complaint.case_id}/triage/?complaint={value}")
    assert resp.status_code == 400 and "complaint" in resp.json()


def test_a_text_where_json_says_boolean_is_refused_and_nothing_is_recorded(client, officer, uptd):
    # "true" as text used to count as a successful first response and stop the 24-hour clock.
    complaint = register(uptd, actor=officer)
    url = f"/api/cases/{complaint.case_id}/complaints/{complaint.public_id}/responses/"
    resp = client.post(url, {"method": "phone", "successful": "true", "result": 12}, content_type=JSON)
    assert resp.status_code == 400
    assert set(resp.json()) == {"successful", "result"}
    assert not InitialResponse.objects.exists()
    resp = client.post(url, {"method": "phone", "successful": True, "result": "Diangkat"}, content_type=JSON)
    assert resp.status_code == 201 and InitialResponse.objects.count() == 1


def test_a_number_where_json_says_text_or_integer_is_refused(client, officer, uptd):
    complaint = register(uptd, actor=officer)
    resp = client.post(f"/api/cases/{complaint.case_id}/triage/record/",
                       {"emergency_conditions": [7], "complexity_conditions": [],
                        "needs_multiple_services": 0, "cross_region": False, "notes": 1.5},
                       content_type=JSON)
    assert resp.status_code == 400
    body = resp.json()
    assert body["emergency_conditions"] == {"0": ["Harus berupa teks."]}
    assert set(body) == {"emergency_conditions", "needs_multiple_services", "notes"}
    assert not TriageAssessment.objects.exists()


@pytest.mark.parametrize("body", [[], "teks", 5])
def test_a_body_that_is_not_an_object_is_a_400_not_a_server_error(client, officer, uptd, body):
    complaint = register(uptd, actor=officer)
    for op in ("triage/record", "triage/override", "emergency/refer", "sop-steps"):
        resp = client.post(f"/api/cases/{complaint.case_id}/{op}/", body, content_type=JSON)
        assert resp.status_code in (400, 403), (op, resp.content)
        assert "detail" in resp.json() or "non_field_errors" in resp.json()


def test_a_path_outside_the_api_routes_answers_the_api_404(client, officer):
    for url in ("/api/cases/-1/", "/api/tidak-ada/", "/api/cases/1/complaints/bukan-uuid/"):
        resp = client.get(url)
        assert resp.status_code == 404 and resp["Content-Type"] == JSON
        assert resp.json() == {"detail": NOT_FOUND}


def test_a_duplicate_that_slips_past_a_service_check_is_a_409(uptd):
    # Two requests racing past the same "already recorded?" check: the database's unique
    # constraint refuses the second insert, and the API says so instead of failing with a 500.
    with pytest.raises(IntegrityError) as duplicate, transaction.atomic():
        AgencyFactory(code=uptd.code)
    resp = exception_handler(duplicate.value, {})
    assert resp.status_code == 409 and resp.data == {"detail": str(CONFLICT)}


def test_other_integrity_errors_are_not_hidden_as_conflicts(uptd):
    with pytest.raises(IntegrityError) as broken, transaction.atomic():
        AgencyFactory(code="lain", name="Lembaga Lain", kind=None)
    assert exception_handler(broken.value, {}) is None


@pytest.mark.parametrize("value", [5, "", "bukan-uuid"])
def test_a_malformed_complaint_id_in_a_triage_body_is_a_400(client, officer, uptd, value):
    complaint = register(uptd, actor=officer)
    resp = client.post(f"/api/cases/{complaint.case_id}/sop-steps/",
                       {"complaint": value, "sop": "V", "step": "1"}, content_type=JSON)
    assert resp.status_code == 400 and list(resp.json()) == ["complaint"]
