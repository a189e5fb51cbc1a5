"""R10, R11 (SKB E.3.c, E.4.b): every agency records what it did for the case — on its plan item,
or, acting under a temporary emergency grant, on the case itself; a "terbatas" record is read by the
coordinating agency and the recording agency only, in the selector and on the plan page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role, Service
from cases import services as case_services
from cases.models import AccessLevel, CaseEvent, GrantSource
from common.errors import ActionNotAllowed, ApplicationError
from plans import events
from plans import services as plans
from plans.delivery import delivery_record, delivery_records_visible
from plans.models import Confidentiality, DeliveryRecord, PlanVersion
from plans.services import AttendeeInput, conference_record
from tests.factories import AgencyFactory, member
from tests.plans.test_plan_services import add, fresh

pytestmark = pytest.mark.django_db

MEDICAL_NOTE = "Luka memar di lengan kiri, rujukan ke poli jiwa"


def today():
    return timezone.localdate()


@pytest.fixture
def dinsos(db):
    return AgencyFactory(code="dinsos-uji", name="Dinas Sosial Uji", kind="social_service")


@pytest.fixture
def shelter_worker(dinsos):
    return member(dinsos, Role.SOCIAL_WORKER)


@pytest.fixture
def approved(selected, catalogue, people, uptd, rsud, dinsos):
    """An approved plan: RSUD gives the visum, Dinas Sosial the safe house; UPTD coordinates."""
    conference_record(actor=people["officer"], case=selected, held_on=today(),
                      attendees=[AttendeeInput(uptd, "Kepala UPTD"), AttendeeInput(rsud, "Dokter forensik"),
                                 AttendeeInput(dinsos, "Pekerja sosial")])
    rumah_aman = Service.objects.create(code="rumah-aman", name="Rumah aman", category="shelter")
    dinsos.services.add(rumah_aman)
    visum = add(people["officer"], selected, catalogue["visum"], rsud)
    add(people["officer"], selected, rumah_aman, dinsos)
    plans.plan_approve(actor=people["uptd_head"], version=PlanVersion.objects.get())
    return visum


@pytest.fixture
def medical_note(approved, selected, people):
    return delivery_record(actor=fresh(people["nurse"]), case=selected, item=approved, delivered_on=today(),
                           done="Visum et repertum dilakukan", notes=MEDICAL_NOTE,
                           confidentiality=Confidentiality.TERBATAS)


def test_the_hospital_records_its_visum_and_the_timeline_says_so_without_text(medical_note, rsud, people):
    assert medical_note.agency == rsud and medical_note.officer == people["nurse"]
    event = CaseEvent.objects.filter(event_type=events.DELIVERY_RECORDED).get()
    assert event.payload == {"record": medical_note.pk, "item": medical_note.item_id, "agency": rsud.code,
                             "delivered_on": today().isoformat(), "confidentiality": "terbatas",
                             "emergency": False}
    assert MEDICAL_NOTE not in str(event.payload)
    assert medical_note.history.count() == 1


def test_the_medical_note_is_hidden_from_the_shelter_and_read_by_the_coordinator(
        medical_note, selected, people, shelter_worker):
    shelter_sees = delivery_records_visible(fresh(shelter_worker), selected)
    assert list(shelter_sees) == []
    assert list(delivery_records_visible(fresh(people["officer"]), selected)) == [medical_note]
    assert list(delivery_records_visible(fresh(people["nurse"]), selected)) == [medical_note]


def test_an_open_record_is_read_by_every_agency_in_the_plan(approved, selected, people, shelter_worker):
    record = delivery_record(actor=fresh(people["nurse"]), case=selected, item=approved, delivered_on=today(),
                             done="Visum selesai, hasil diserahkan ke penyidik")
    assert list(delivery_records_visible(fresh(shelter_worker), selected)) == [record]


def test_an_agency_outside_the_case_reads_nothing(medical_note, selected, lbh, people):
    assert list(delivery_records_visible(fresh(people["lbh_staff"]), selected)) == []


def test_an_agency_with_summary_access_only_reads_no_delivery(approved, selected, people, lbh):
    delivery_record(actor=fresh(people["nurse"]), case=selected, item=approved, delivered_on=today(),
                    done="Visum selesai")
    case_services.case_grant_access(actor=None, case=selected, agency=lbh, level=AccessLevel.SUMMARY,
                                    source=GrantSource.MANUAL, check_actor=False)
    assert list(delivery_records_visible(fresh(people["lbh_staff"]), selected)) == []


def test_the_plan_page_lists_records_in_a_fixed_number_of_queries(
        approved, selected, people, client, login_verified, django_assert_max_num_queries):
    login_verified(client, fresh(people["officer"]))
    url = reverse("plans:plan", args=[selected.pk])
    delivery_record(actor=fresh(people["nurse"]), case=selected, item=approved, delivered_on=today(),
                    done="Visum selesai")
    client.get(url)
    with django_assert_max_num_queries(80) as ctx:
        client.get(url)
    before = len(ctx.captured_queries)
    for n in range(3):
        delivery_record(actor=fresh(people["nurse"]), case=selected, item=approved, delivered_on=today(),
                        done=f"Kontrol ke-{n + 2}", confidentiality=Confidentiality.TERBATAS)
    with django_assert_max_num_queries(before):
        html = client.get(url).content.decode()
    assert html.count("data-record=") == 4


def test_the_plan_page_hides_the_medical_note_from_the_shelter(medical_note, selected, shelter_worker, people,
                                                               client, login_verified):
    login_verified(client, fresh(shelter_worker))
    html = client.get(reverse("plans:plan", args=[selected.pk])).content.decode()
    assert 'id="deliveries"' in html
    assert MEDICAL_NOTE not in html and "Visum et repertum dilakukan" not in html
    client.logout()
    login_verified(client, fresh(people["officer"]))
    html = client.get(reverse("plans:plan", args=[selected.pk])).content.decode()
    assert MEDICAL_NOTE in html and "terbatas" in html.lower()


def test_an_emergency_grant_agency_records_without_a_plan_item(uptd, polres, open_case):
    case = open_case(uptd)
    head = member(uptd, Role.HEAD)
    case_services.case_grant_access(actor=head, case=case, agency=polres, level=AccessLevel.SERVICE,
                                    source=GrantSource.EMERGENCY_REFERRAL,
                                    source_ref=f"darurat:{case.number}",
                                    expires_at=timezone.now() + timedelta(hours=72), check_actor=False)
    investigator = member(polres, Role.INVESTIGATOR)
    record = delivery_record(actor=investigator, case=case, delivered_on=today(),
                             done="Pengamanan di lokasi dan laporan polisi diterima")
    assert record.item is None and record.agency == polres
    event = CaseEvent.objects.filter(case=case, event_type=events.DELIVERY_RECORDED).get()
    assert event.payload["emergency"] is True and event.payload["item"] is None
    assert list(delivery_records_visible(head, case)) == [record]


def test_an_agency_neither_in_the_plan_nor_under_an_emergency_grant_is_refused(uptd, polres, open_case):
    case = open_case(uptd)
    investigator = member(polres, Role.INVESTIGATOR)
    with pytest.raises(ActionNotAllowed):
        delivery_record(actor=investigator, case=case, delivered_on=today(), done="Pengamanan di lokasi")
    assert not DeliveryRecord.objects.exists()
    assert not CaseEvent.objects.filter(event_type=events.DELIVERY_RECORDED).exists()


def test_an_ended_emergency_grant_no_longer_records(uptd, polres, open_case):
    case = open_case(uptd)
    case_services.case_grant_access(actor=None, case=case, agency=polres, level=AccessLevel.SERVICE,
                                    source=GrantSource.EMERGENCY_REFERRAL, source_ref="darurat:x",
                                    expires_at=timezone.now() + timedelta(hours=1), check_actor=False)
    case_services.case_revoke_source(actor=None, case=case, source=GrantSource.EMERGENCY_REFERRAL,
                                     source_ref="darurat:x", agency=polres, check_actor=False,
                                     reason="Tidak ditetapkan")
    with pytest.raises(ActionNotAllowed):
        delivery_record(actor=member(polres, Role.INVESTIGATOR), case=case, delivered_on=today(),
                        done="Pengamanan di lokasi")
    assert not DeliveryRecord.objects.exists()


def test_the_shelter_may_not_record_on_the_hospitals_item(approved, selected, shelter_worker):
    with pytest.raises(ActionNotAllowed):
        delivery_record(actor=fresh(shelter_worker), case=selected, item=approved, delivered_on=today(),
                        done="Visum")
    assert not DeliveryRecord.objects.exists()


def test_the_coordinating_agency_records_on_an_item(approved, selected, people, uptd):
    record = delivery_record(actor=fresh(people["officer"]), case=selected, item=approved,
                             delivered_on=today(), done="Pendampingan ke rumah sakit")
    assert record.agency == uptd


@pytest.mark.parametrize(("kw", "field"), [
    ({"delivered_on": "tomorrow"}, "delivered_on"),
    ({"done": "   "}, "done"),
    ({"confidentiality": "rahasia"}, "confidentiality"),
])
def test_bad_input_is_refused_and_nothing_saved(approved, selected, people, kw, field):
    args = {"delivered_on": today(), "done": "Visum et repertum dilakukan", **kw}
    if args["delivered_on"] == "tomorrow":
        args["delivered_on"] = today() + timedelta(days=1)
    with pytest.raises(ApplicationError) as exc:
        delivery_record(actor=fresh(people["nurse"]), case=selected, item=approved, **args)
    assert exc.value.field == field
    assert not DeliveryRecord.objects.exists()
    assert not CaseEvent.objects.filter(event_type=events.DELIVERY_RECORDED).exists()


def test_the_victims_name_in_the_notes_is_refused(approved, selected, people):
    with pytest.raises(ApplicationError):
        delivery_record(actor=fresh(people["nurse"]), case=selected, item=approved, delivered_on=today(),
                        done="Visum dilakukan", notes="Ani Rahayu mengeluh pusing")
    assert not DeliveryRecord.objects.exists()
