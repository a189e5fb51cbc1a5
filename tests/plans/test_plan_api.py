"""Service plan API (issue 15 point 7): the plan read, and each write through the same services and
access as the page — 404 to another agency, 403 to who may not, 400 with the field."""

from __future__ import annotations

import pytest
from django.utils import timezone

from agencies.models import Role
from cases.models import CaseGrant, GrantSource
from plans import services as plans
from plans.models import CaseConference, ItemStatus, PlanVersion, ServiceItem
from tests.factories import AgencyFactory, member
from tests.plans.test_plan_services import add, fresh

pytestmark = pytest.mark.django_db
JSON = "application/json"


def u(case, rest=""):
    return f"/api/cases/{case.pk}/plan/{rest}"


@pytest.fixture
def outsider(db):
    return member(AgencyFactory(code="dinsos-uji", name="Dinsos Uji", kind="social_service"),
                  Role.SOCIAL_WORKER)


@pytest.fixture
def approved(conference, selected, catalogue, people, rsud):
    item = add(people["officer"], selected, catalogue["visum"], rsud)
    plans.plan_approve(actor=people["uptd_head"], version=item.version)
    return ServiceItem.objects.get(pk=item.pk)


def test_get_the_plan_with_versions_and_items(approved, selected, people, client, login_verified, outsider):
    login_verified(client, fresh(people["nurse"]))
    body = client.get(u(selected)).json()
    assert body["versions"][0]["status"] == "approved"
    assert body["versions"][0]["items"][0]["service"] == "Visum et repertum"
    assert body["conferences"][0]["attendees"][1]["position"] == "Dokter forensik"
    client.force_login(outsider)
    resp = client.get(u(selected))
    assert resp.status_code == 404 and selected.number not in resp.content.decode()


def test_record_a_conference(selected, people, uptd, rsud, client, login_verified):
    login_verified(client, fresh(people["officer"]))
    today = timezone.localdate().isoformat()
    resp = client.post(u(selected, "conferences/"), {"held_on": today, "attendees": []}, content_type=JSON)
    assert resp.status_code == 400 and plans.ATTENDEES_REQUIRED in resp.json()["attendees"]
    assert not CaseConference.objects.exists()
    resp = client.post(u(selected, "conferences/"), {
        "held_on": today, "agreed": "Visum.",
        "attendees": [{"agency": uptd.pk, "position": "Kepala"}, {"agency": rsud.pk, "position": "Dokter"}]},
        content_type=JSON)
    assert resp.status_code == 201 and resp.json()["versions"][0]["status"] == "draft"
    assert CaseConference.objects.get().attendees.count() == 2


def test_conference_by_another_agency_is_404(selected, outsider, uptd, client):
    client.force_login(outsider)
    resp = client.post(u(selected, "conferences/"), {
        "held_on": timezone.localdate().isoformat(), "attendees": [{"agency": uptd.pk, "position": "X"}]},
        content_type=JSON)
    assert resp.status_code == 404 and not CaseConference.objects.exists()


def test_add_an_item_with_the_catalogue_warning_at_the_reason(conference, selected, catalogue, people,
                                                              polres, client, login_verified):
    login_verified(client, fresh(people["officer"]))
    data = {"service": catalogue["visum"].pk, "agency": polres.pk, "role": "lead",
            "planned_start": timezone.localdate().isoformat()}
    resp = client.post(u(selected, "items/"), data, content_type=JSON)
    assert resp.status_code == 400 and "tidak menyediakan layanan" in resp.json()["off_catalogue_reason"][0]
    assert not ServiceItem.objects.exists()
    resp = client.post(u(selected, "items/"), {**data, "off_catalogue_reason": "Alasan."}, content_type=JSON)
    assert resp.status_code == 201 and resp.json()["agency"] == polres.name


def test_the_hospital_may_not_add_or_remove(approved, selected, catalogue, people, rsud, client,
                                            login_verified):
    login_verified(client, fresh(people["nurse"]))
    resp = client.post(u(selected, "items/"), {"service": catalogue["visum"].pk, "agency": rsud.pk,
                                               "role": "lead", "frequency": "mingguan"}, content_type=JSON)
    assert resp.status_code == 403
    resp = client.post(u(selected, "items/remove/"), {"item": approved.pk}, content_type=JSON)
    assert resp.status_code == 403 and ServiceItem.objects.count() == 1


def test_remove_an_item(conference, selected, catalogue, people, rsud, client, login_verified):
    item = add(people["officer"], selected, catalogue["visum"], rsud)
    login_verified(client, fresh(people["officer"]))
    resp = client.post(u(selected, "items/remove/"), {"item": item.pk}, content_type=JSON)
    assert resp.status_code == 200 and not ServiceItem.objects.exists()


def test_item_status_moves_and_cancel_needs_a_reason(approved, selected, people, client, login_verified,
                                                     outsider):
    login_verified(client, fresh(people["nurse"]))
    resp = client.post(u(selected, "items/status/"), {"item": approved.pk, "status": "cancelled"},
                       content_type=JSON)
    assert resp.status_code == 400 and "reason" in resp.json()
    resp = client.post(u(selected, "items/status/"), {"item": approved.pk, "status": "in_progress"},
                       content_type=JSON)
    assert resp.status_code == 200 and resp.json()["status"] == ItemStatus.IN_PROGRESS
    client.force_login(outsider)
    resp = client.post(u(selected, "items/status/"), {"item": approved.pk, "status": "delivered"},
                       content_type=JSON)
    assert resp.status_code == 404
    assert ServiceItem.objects.get(pk=approved.pk).status == ItemStatus.IN_PROGRESS


def test_approve_by_the_coordinators_head_only(conference, selected, catalogue, people, rsud, client,
                                               login_verified):
    item = add(people["officer"], selected, catalogue["visum"], rsud)
    login_verified(client, fresh(people["rsud_head"]))
    resp = client.post(u(selected, "approve/"), {"version": item.version_id}, content_type=JSON)
    assert resp.status_code == 403 and PlanVersion.objects.get().is_draft
    login_verified(client, fresh(people["uptd_head"]))
    resp = client.post(u(selected, "approve/"), {"version": "x"}, content_type=JSON)
    assert resp.status_code == 400 and "version" in resp.json()
    resp = client.post(u(selected, "approve/"), {"version": item.version_id}, content_type=JSON)
    assert resp.status_code == 200 and resp.json()["versions"][0]["status"] == "approved"
    assert CaseGrant.objects.filter(content_object=selected, group=rsud.group, source=GrantSource.PLAN,
                                    revoked_at__isnull=True).exists()
