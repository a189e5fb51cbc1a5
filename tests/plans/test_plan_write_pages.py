"""The plan page's forms (issue 15 point 2): record a case conference, add and remove a service
item, move an item's status, approve the draft — each only for whom ``plans.policies`` allows,
refusals at their field, 404 for another agency, nothing half-saved."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role
from cases.models import CaseGrant, GrantSource
from plans import services as plans
from plans.models import CaseConference, ItemStatus, PlanVersion, ServiceItem
from tests.factories import AgencyFactory, member
from tests.plans.test_plan_services import add, fresh

pytestmark = pytest.mark.django_db


def url(case):
    return reverse("plans:plan", args=[case.pk])


def login(client, user, login_verified):
    login_verified(client, fresh(user))


@pytest.fixture
def outsider(db):
    return member(AgencyFactory(code="dinsos-uji", name="Dinsos Uji", kind="social_service"),
                  Role.SOCIAL_WORKER)


@pytest.fixture
def approved(conference, selected, catalogue, people, rsud):
    item = add(people["officer"], selected, catalogue["visum"], rsud)
    plans.plan_approve(actor=people["uptd_head"], version=item.version)
    return ServiceItem.objects.get(pk=item.pk)


# --- the case conference ------------------------------------------------------------------------

def test_the_coordinating_officer_records_a_conference(selected, people, uptd, rsud, client, login_verified):
    login(client, people["officer"], login_verified)
    html = client.get(url(selected)).content.decode()
    assert 'id="conference-form"' in html
    resp = client.post(url(selected), {
        "action": "conference", "held_on": timezone.localdate().isoformat(),
        "agency_0": uptd.pk, "position_0": "Kepala UPTD", "agency_1": rsud.pk, "position_1": "Dokter",
        "agreed": "Visum segera."})
    assert resp.status_code == 302
    conf = CaseConference.objects.get()
    assert conf.agreed == "Visum segera." and conf.attendees.count() == 2
    assert PlanVersion.objects.get().is_draft


def test_a_conference_in_the_future_is_refused_at_its_date(selected, people, uptd, client, login_verified):
    login(client, people["officer"], login_verified)
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    resp = client.post(url(selected), {"action": "conference", "held_on": tomorrow.isoformat(),
                                       "agency_0": uptd.pk, "position_0": "Kepala UPTD"})
    html = resp.content.decode()
    assert resp.status_code == 400
    field = html.split('for="id_held_on"')[1].split("</div>")[0]
    assert "tidak boleh di masa depan" in field
    assert not CaseConference.objects.exists()


def test_a_conference_without_attendees_is_refused_at_the_attendees(selected, people, client, login_verified):
    login(client, people["officer"], login_verified)
    resp = client.post(url(selected), {"action": "conference",
                                       "held_on": timezone.localdate().isoformat()})
    html = resp.content.decode()
    assert resp.status_code == 400
    assert "Catat peserta case conference" in html.split('id="attendees"')[1].split("</fieldset>")[0]
    assert not CaseConference.objects.exists()


def test_another_agency_gets_404_on_every_form(approved, selected, outsider, uptd, client):
    client.force_login(outsider)
    for data in ({"action": "conference", "held_on": timezone.localdate().isoformat(),
                  "agency_0": uptd.pk, "position_0": "X"},
                 {"action": "item_remove", "item": approved.pk},
                 {"action": "item_status", "item": approved.pk, "status": "in_progress"},
                 {"action": "approve", "version": approved.version_id}):
        resp = client.post(url(selected), data)
        assert resp.status_code == 404 and selected.number not in resp.content.decode()
    assert CaseConference.objects.count() == 1
    assert ServiceItem.objects.get(pk=approved.pk).status == ItemStatus.PLANNED


# --- service items ------------------------------------------------------------------------------

def test_the_officer_adds_a_service_item(conference, selected, catalogue, people, rsud, client,
                                         login_verified):
    login(client, people["officer"], login_verified)
    assert 'id="item-form"' in client.get(url(selected)).content.decode()
    resp = client.post(url(selected), {
        "action": "item_add", "service": catalogue["visum"].pk, "agency": rsud.pk, "role": "lead",
        "officer": people["nurse"].pk, "planned_start": timezone.localdate().isoformat()})
    assert resp.status_code == 302
    item = ServiceItem.objects.get()
    assert item.agency == rsud and item.officer_id == people["nurse"].pk


def test_an_agency_off_its_catalogue_shows_the_warning_at_the_reason(conference, selected, catalogue,
                                                                       people, polres, client,
                                                                       login_verified):
    login(client, people["officer"], login_verified)
    data = {"action": "item_add", "service": catalogue["visum"].pk, "agency": polres.pk, "role": "lead",
            "planned_start": timezone.localdate().isoformat()}
    resp = client.post(url(selected), data)
    html = resp.content.decode()
    assert resp.status_code == 400
    field = html.split('for="id_off_catalogue_reason"')[1].split("</div>")[0]
    assert "tidak menyediakan layanan" in field and "Visum et repertum" in field
    assert not ServiceItem.objects.exists()
    resp = client.post(url(selected), {**data, "off_catalogue_reason": "RSUD penuh, dokter polisi."})
    assert resp.status_code == 302
    assert ServiceItem.objects.get().off_catalogue_reason == "RSUD penuh, dokter polisi."


def test_an_item_without_a_date_or_frequency_is_refused_at_the_start(conference, selected, catalogue, people,
                                                                     rsud, client, login_verified):
    login(client, people["officer"], login_verified)
    resp = client.post(url(selected), {"action": "item_add", "service": catalogue["visum"].pk,
                                       "agency": rsud.pk, "role": "lead"})
    assert resp.status_code == 400
    assert "Isi rencana tanggal mulai" in resp.content.decode().split('for="id_planned_start"')[1].split(
        "</div>")[0]
    assert not ServiceItem.objects.exists()


def test_the_officer_removes_an_item_from_the_draft(conference, selected, catalogue, people, rsud, client,
                                                    login_verified):
    item = add(people["officer"], selected, catalogue["visum"], rsud)
    login(client, people["officer"], login_verified)
    assert 'value="item_remove"' in client.get(url(selected)).content.decode()
    resp = client.post(url(selected), {"action": "item_remove", "item": item.pk})
    assert resp.status_code == 302 and not ServiceItem.objects.exists()


def test_the_hospital_may_not_edit_the_plan(approved, selected, people, client, login_verified):
    login(client, people["nurse"], login_verified)
    html = client.get(url(selected)).content.decode()
    assert 'id="conference-form"' not in html and 'id="item-form"' not in html
    assert 'value="item_remove"' not in html
    resp = client.post(url(selected), {"action": "item_remove", "item": approved.pk})
    assert resp.status_code == 403 and "tidak berwenang" in resp.content.decode()
    assert ServiceItem.objects.filter(pk=approved.pk).exists() and PlanVersion.objects.count() == 1


# --- item status --------------------------------------------------------------------------------

def test_the_hospital_starts_and_delivers_its_own_item(approved, selected, people, client, login_verified):
    login(client, people["nurse"], login_verified)
    assert f'id="status-{approved.pk}"' in client.get(url(selected)).content.decode()
    assert client.post(url(selected), {"action": "item_status", "item": approved.pk,
                                       "status": "in_progress"}).status_code == 302
    assert client.post(url(selected), {"action": "item_status", "item": approved.pk,
                                       "status": "delivered"}).status_code == 302
    assert ServiceItem.objects.get(pk=approved.pk).status == ItemStatus.DELIVERED


def test_cancelling_without_a_reason_is_refused_at_the_reason(approved, selected, people, client,
                                                              login_verified):
    login(client, people["nurse"], login_verified)
    resp = client.post(url(selected), {"action": "item_status", "item": approved.pk, "status": "cancelled"})
    html = resp.content.decode()
    assert resp.status_code == 400
    assert "alasan" in html.split(f'id="status-{approved.pk}"')[1].split('for="id_reason"')[1].split(
        "</div>")[0].lower()
    assert ServiceItem.objects.get(pk=approved.pk).status == ItemStatus.PLANNED
    resp = client.post(url(selected), {"action": "item_status", "item": approved.pk, "status": "cancelled",
                                       "reason": "Korban menolak visum."})
    assert resp.status_code == 302
    assert ServiceItem.objects.get(pk=approved.pk).cancel_reason == "Korban menolak visum."


def test_an_agency_in_the_plan_may_not_move_anothers_item(approved, selected, catalogue, people, polres,
                                                          client, login_verified):
    add(people["officer"], selected, catalogue["penyidikan"], polres)
    plans.plan_approve(actor=people["uptd_head"], version=PlanVersion.objects.get(number=2))
    approved = ServiceItem.objects.get(version__number=2, agency=approved.agency)
    login(client, people["investigator"], login_verified)
    assert f'id="status-{approved.pk}"' not in client.get(url(selected)).content.decode()
    resp = client.post(url(selected), {"action": "item_status", "item": approved.pk, "status": "in_progress"})
    assert resp.status_code == 403
    assert ServiceItem.objects.get(pk=approved.pk).status == ItemStatus.PLANNED


# --- approval -----------------------------------------------------------------------------------

def test_the_coordinators_head_approves_and_agencies_get_access(conference, selected, catalogue, people, rsud,
                                                                 client, login_verified):
    item = add(people["officer"], selected, catalogue["visum"], rsud)
    login(client, people["uptd_head"], login_verified)
    html = client.get(url(selected)).content.decode()
    form = html.split('id="approve-form"')[1].split(">")[0]
    assert "akses layanan" in form
    resp = client.post(url(selected), {"action": "approve", "version": item.version_id})
    assert resp.status_code == 302
    assert not PlanVersion.objects.get().is_draft
    assert CaseGrant.objects.filter(content_object=selected, group=rsud.group, source=GrantSource.PLAN,
                                    revoked_at__isnull=True).exists()


def test_an_empty_draft_is_refused_above_the_page(conference, selected, people, client, login_verified):
    login(client, people["uptd_head"], login_verified)
    resp = client.post(url(selected), {"action": "approve", "version": PlanVersion.objects.get().pk})
    assert resp.status_code == 400 and "belum memuat layanan" in resp.content.decode()
    assert PlanVersion.objects.get().is_draft


def test_an_agency_head_in_the_plan_may_not_approve(conference, selected, catalogue, people, rsud, client,
                                                    login_verified):
    item = add(people["officer"], selected, catalogue["visum"], rsud)
    login(client, people["rsud_head"], login_verified)
    assert 'id="approve-form"' not in client.get(url(selected)).content.decode()
    resp = client.post(url(selected), {"action": "approve", "version": item.version_id})
    assert resp.status_code == 403 and "kepala lembaga koordinator" in resp.content.decode()
    assert PlanVersion.objects.get().is_draft
