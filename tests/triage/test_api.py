"""Triage API: the same services and access rules as the pages; domain errors map to HTTP."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import AccessLevel, CaseEvent, EventType
from tests.triage.conftest import SECRET_NAME, SECRET_NIK, triage_answers
from triage import services
from triage.models import TriageAssessment

pytestmark = pytest.mark.django_db
JSON = "application/json"


def api(case, op):
    return {"detail": f"/api/cases/{case.pk}/triage/", "record": f"/api/cases/{case.pk}/triage/record/",
            "override": f"/api/cases/{case.pk}/triage/override/",
            "refer": f"/api/cases/{case.pk}/emergency/refer/", "step": f"/api/cases/{case.pk}/sop-steps/"}[op]


# The fixture registers the perpetrator in a power relation: condition (f) as registered (R23).
BODY = {"emergency_conditions": [], "complexity_conditions": ["legal_obstacles", "power_relation"],
        "needs_multiple_services": True, "cross_region": False}


def test_record_then_get(client, uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    client.force_login(people["konselor"])
    resp = client.post(api(complaint.case, "record"), BODY, content_type=JSON)
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["risk_level"] == "medium" and body["eligible"] is True
    assert body["complaint"] == str(complaint.public_id)
    assert any(r["text"].startswith("Kriteria 3 terpenuhi") for r in body["explanation"])
    assert CaseEvent.objects.filter(case=complaint.case, event_type=EventType.TRIAGE_RECORDED).count() == 1

    got = client.get(api(complaint.case, "detail"))
    assert got.status_code == 200
    data = got.json()
    assert data["case_number"] == complaint.case.number and data["status"] == "triaged"
    assert data["assessment"]["criteria_met"] == ["scope", "c1", "c2", "c3"]
    text = got.content.decode()
    assert SECRET_NAME not in text and SECRET_NIK not in text


def test_get_before_triage_has_null_assessment(client, uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    client.force_login(people["officer"])
    data = client.get(api(complaint.case, "detail")).json()
    assert data["assessment"] is None and data["complaint"] == str(complaint.public_id)


def test_bad_input_is_400_and_saves_nothing(client, uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    client.force_login(people["officer"])
    resp = client.post(api(complaint.case, "record"), {**BODY, "emergency_conditions": ["bogus"]},
                       content_type=JSON)
    assert resp.status_code == 400 and "emergency_conditions" in resp.json()
    resp = client.post(api(complaint.case, "record"), {}, content_type=JSON)
    assert resp.status_code == 400 and "needs_multiple_services" in resp.json()
    assert not TriageAssessment.objects.exists()


def test_other_agency_gets_404_and_team_member_403(client, uptd, people, register):
    from agencies.models import Role
    from tests.factories import member

    complaint = register(uptd, actor=people["officer"])
    client.force_login(people["investigator"])
    for op in ("detail", "record", "override", "refer", "step"):
        resp = client.get(api(complaint.case, op)) if op == "detail" else client.post(
            api(complaint.case, op), BODY, content_type=JSON)
        assert resp.status_code == 404, op
        assert complaint.case.number not in resp.content.decode()
    client.force_login(member(uptd, Role.TP_ANGGOTA))
    assert client.get(api(complaint.case, "detail")).status_code == 200
    resp = client.post(api(complaint.case, "record"), BODY, content_type=JSON)
    assert resp.status_code == 403 and resp.json()["detail"] == services.NOT_RECEIVING_STAFF


def test_override_by_head_with_reason_and_refused_without(client, uptd, people, register, login_verified):
    complaint = register(uptd, actor=people["officer"])
    services.triage_record(actor=people["officer"], complaint=complaint, **triage_answers())
    client.force_login(people["officer"])
    resp = client.post(api(complaint.case, "override"), {"risk_level": "high", "reason": "x" * 20},
                       content_type=JSON)
    assert resp.status_code == 403 and resp.json()["detail"] == services.OVERRIDE_NOT_ALLOWED

    login_verified(client, people["head"])
    resp = client.post(api(complaint.case, "override"), {"risk_level": "high", "reason": "pendek"},
                       content_type=JSON)
    assert resp.status_code == 400 and services.OVERRIDE_REASON_REQUIRED in resp.json()["reason"]
    resp = client.post(api(complaint.case, "override"),
                       {"risk_level": "high", "reason": "Pelaku mengancam saksi di sekolah."},
                       content_type=JSON)
    assert resp.status_code == 200
    assert resp.json()["risk_level"] == "high" and resp.json()["risk_overridden"] is True
    assert CaseEvent.objects.filter(event_type=EventType.RISK_OVERRIDDEN).count() == 1


def test_emergency_refer_over_the_api(client, uptd, people, register, providers, login_verified):
    complaint = register(uptd, actor=people["officer"])
    client.force_login(people["officer"])
    resp = client.post(api(complaint.case, "record"), {**BODY, "emergency_conditions": ["severe_injury"]},
                       content_type=JSON)
    assert resp.status_code == 201 and resp.json()["risk_level"] == "emergency"

    login_verified(client, people["head"])
    resp = client.post(api(complaint.case, "refer"), {"agencies": ["tidak-ada"]}, content_type=JSON)
    assert resp.status_code == 400
    resp = client.post(api(complaint.case, "refer"), {"agencies": ["rs-prov", "dinsos"], "hours": 24},
                       content_type=JSON)
    assert resp.status_code == 201, resp.content
    grants = resp.json()
    assert {g["agency"] for g in grants} == {"rs-prov", "dinsos"}
    assert all(g["level"] == AccessLevel.SERVICE and g["source"] == "emergency_referral" for g in grants)

    client.force_login(providers["nurse"])
    assert client.get(api(complaint.case, "detail")).status_code == 200
    grant = complaint.case.grants.get(group=providers["hospital"].group)
    grant.expires_at = timezone.now() - timedelta(seconds=1)
    grant.save()
    assert client.get(api(complaint.case, "detail")).status_code == 404


def test_refer_non_emergency_is_400(client, uptd, people, register, providers, login_verified):
    complaint = register(uptd, actor=people["officer"])
    login_verified(client, people["head"])
    resp = client.post(api(complaint.case, "refer"), {"agencies": ["rs-prov"]}, content_type=JSON)
    assert resp.status_code == 400 and resp.json()["detail"] == services.REFER_NOT_EMERGENCY


def test_triage_routes_are_in_the_schema(client, uptd, people):
    client.force_login(people["officer"])
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    for p in ("/api/cases/{id}/triage/", "/api/cases/{id}/triage/record/", "/api/cases/{id}/triage/override/",
              "/api/cases/{id}/emergency/refer/", "/api/cases/{id}/sop-steps/"):
        assert p in paths
