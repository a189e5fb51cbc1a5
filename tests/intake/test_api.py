"""The complaint API follows the same rules and validation as the pages."""

import pytest
from django.utils import timezone

from agencies.models import Role
from cases.models import Case, CaseEvent, Complaint, EventType
from tests.factories import member

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "channel": "hotline",
    "victims": [{"full_name": "Larasati Ayuningtyas", "category": "adult_woman", "nik": "3174054101900055",
                 "phone": "081377770000"},
                {"full_name": "Putri Ayuningtyas", "category": "family"}],
    "violence_types": ["kdrt"],
    "chronology": "Pelapor menelepon SAPA 129.",
    "consent_to_share": True, "consent_by": "victim",
    "perpetrators": [{"relation": "spouse", "power_relation": True}],
}


def test_register_list_retrieve_and_respond(client, uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    client.force_login(officer)
    resp = client.post("/api/complaints/", PAYLOAD, content_type="application/json")
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["case_number"].startswith("PPA-") and body["initials"] == "LA"
    assert "Larasati" not in resp.content.decode() and "3174054101900055" not in resp.content.decode()
    listed = client.get("/api/complaints/").json()["results"]
    assert [c["id"] for c in listed] == [body["id"]]
    detail = client.get(f"/api/cases/{body['case_id']}/complaints/{body['id']}/")
    assert detail.status_code == 200
    resp = client.post(f"/api/cases/{body['case_id']}/complaints/{body['id']}/responses/",
                       {"method": "phone", "successful": True}, content_type="application/json")
    assert resp.status_code == 201 and resp.json()["responded_at"]
    case = Case.objects.get(pk=body["case_id"])
    assert CaseEvent.objects.filter(case=case, event_type=EventType.INITIAL_RESPONSE).count() == 1
    assert client.get("/api/complaints/").json()["results"] == []


@pytest.mark.parametrize("change, field", [
    ({"victims": []}, "victims"),
    ({"received_at": (timezone.now() + timezone.timedelta(days=1)).isoformat()}, "received_at"),
    ({"victims": [{"full_name": "X Y", "category": "adult_woman", "nik": "99"}]}, "victims-0-nik"),
])
def test_bad_input_is_a_400_with_the_field_and_saves_nothing(client, uptd, change, field):
    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    resp = client.post("/api/complaints/", {**PAYLOAD, **change}, content_type="application/json")
    assert resp.status_code == 400 and field in resp.json()
    assert not Complaint.objects.exists()


def test_other_agency_gets_404_and_cannot_register_for_us(client, uptd, polres):
    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    body = client.post("/api/complaints/", PAYLOAD, content_type="application/json").json()
    client.force_login(member(polres, Role.INVESTIGATOR))
    url = f"/api/cases/{body['case_id']}/complaints/{body['id']}/"
    resp = client.get(url)
    assert resp.status_code == 404 and body["case_number"] not in resp.content.decode()
    resp = client.post(url + "responses/", {"method": "phone", "successful": True},
                       content_type="application/json")
    assert resp.status_code == 404
    resp = client.post("/api/complaints/", {**PAYLOAD, "receiving_agency": uptd.code},
                       content_type="application/json")
    assert resp.status_code == 403
    assert Complaint.objects.count() == 1


def test_queue_api_query_count_is_constant(client, uptd, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    for i in range(2):
        client.post("/api/complaints/", {**PAYLOAD, "victims": [
            {"full_name": f"Korban Api {i}", "category": "adult_woman"}]}, content_type="application/json")
    with CaptureQueriesContext(connection) as small:
        client.get("/api/complaints/")
    for i in range(28):
        client.post("/api/complaints/", {**PAYLOAD, "victims": [
            {"full_name": f"Korban Api Lagi {i}", "category": "adult_woman"}]},
            content_type="application/json")
    with CaptureQueriesContext(connection) as large:
        client.get("/api/complaints/")
    assert len(small.captured_queries) == len(large.captured_queries)


def test_a_caller_reading_english_gets_the_services_refusal_in_english(client, uptd, english_catalogue):
    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    bad_nik = {**PAYLOAD, "victims": [{"full_name": "X Y", "category": "adult_woman", "nik": "99"}]}
    resp = client.post("/api/complaints/", bad_nik, content_type="application/json",
                       HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 400
    assert resp.json()["victims-0-nik"] == ["The NIK must be 16 digits."]
    assert not Complaint.objects.exists()
