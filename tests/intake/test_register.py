"""Registering a complaint (SOP I/V registration; SKB E.1): a clear refusal leaves nothing saved."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role
from cases.intake import services as intake
from cases.intake.services import VictimInput, complaint_register
from cases.models import Case, CaseEvent, Complaint, EventType, SlaEvent, Victim
from common.errors import ActionNotAllowed
from tests.factories import member
from tests.intake.helpers import complaint_input

pytestmark = pytest.mark.django_db


def test_registration_opens_a_numbered_case_with_a_24h_clock(uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    complaint = complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input())
    case = complaint.case
    assert case.number.startswith(f"PPA-{timezone.localdate().year}-")
    assert complaint.response_due_at - complaint.received_at == timedelta(hours=24)
    assert case.initials == "WSA"
    assert complaint.assignee == officer
    events = set(CaseEvent.objects.filter(case=case).values_list("event_type", flat=True))
    assert {EventType.CASE_OPENED, EventType.COMPLAINT_REGISTERED} <= events
    assert not SlaEvent.objects.exists()


def test_victim_identity_is_encrypted_at_rest(uptd):
    complaint = complaint_register(actor=member(uptd, Role.ADMIN_OFFICER), receiving_agency=uptd,
                                   data=complaint_input())
    with connection.cursor() as cur:
        cur.execute("SELECT full_name, nik, phone FROM cases_victim WHERE complaint_id=%s", [complaint.pk])
        row = cur.fetchone()
        cur.execute("SELECT chronology FROM cases_complaint WHERE id=%s", [complaint.pk])
        chron = cur.fetchone()[0]
    assert all(v.startswith("v1:") for v in row)
    assert "Wulan" not in row[0] and "3174054101900099" not in row[1]
    assert "suami" not in chron
    assert Victim.objects.get(complaint=complaint).full_name == "Wulan Sekar Arum"


@pytest.mark.parametrize("overrides, field, message", [
    ({"received_at": timezone.now() + timedelta(hours=2)}, "received_at", intake.RECEIVED_IN_FUTURE),
    ({"received_at": timezone.now() - timedelta(hours=3)}, "received_at_reason",
     intake.RECEIVED_EARLIER_NEEDS_REASON),
    ({"victims": []}, "victims", intake.NO_VICTIM),
    ({"victims": [VictimInput(full_name="A B", category="adult_woman", nik="12345")]}, "victims-0-nik",
     intake.NIK_INVALID),
    ({"victims": [VictimInput(full_name="A B", category="adult_woman", region="9999")]},
     "victims-0-region", intake.REGION_UNKNOWN),
    ({"victims": [VictimInput(full_name="Anak C", category="child")], "consent_by": "none"},
     "consent_by", intake.CHILD_CONSENT_REQUIRED),
    ({"violence_types": []}, "violence_types", intake.VIOLENCE_TYPE_REQUIRED),
])
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(uptd, overrides, field, message):
    officer = member(uptd, Role.ADMIN_OFFICER)
    with pytest.raises(ValidationError) as exc:
        complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input(**overrides))
    assert message in exc.value.message_dict[field]
    assert not Case.objects.exists() and not Complaint.objects.exists() and not Victim.objects.exists()


def test_child_consent_may_come_from_the_child_when_the_guardian_is_accused(uptd):
    from cases.intake.services import PerpetratorInput

    data = complaint_input(victims=[VictimInput(full_name="Anak D", category="child", estimated_age=10)],
                           perpetrators=[PerpetratorInput(relation="parent", is_guardian=True)],
                           consent_by="victim")
    c = complaint_register(actor=member(uptd, Role.ADMIN_OFFICER), receiving_agency=uptd, data=data)
    assert c.victims.get().age_band_at_incident == "6-12"


def test_backdated_registration_needs_reason_is_audited_and_breached_at_once(uptd):
    head = member(uptd, Role.HEAD)
    officer = member(uptd, Role.ADMIN_OFFICER)
    c = complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input(
        received_at=timezone.now() - timedelta(hours=30), received_at_reason="Laporan hotline malam"))
    assert c.received_at_reason == "Laporan hotline malam"
    assert SlaEvent.objects.filter(complaint=c, kind="breach").count() == 1
    assert CaseEvent.objects.filter(case=c.case, event_type=EventType.RECEIVED_AT_BACKDATED).exists()
    assert head.notifications.filter(kind="sla_breach").count() == 1


def test_only_receiving_staff_may_register(uptd, polres):
    with pytest.raises(ActionNotAllowed):
        complaint_register(actor=member(polres, Role.INVESTIGATOR), receiving_agency=uptd,
                           data=complaint_input())
    assert not Complaint.objects.exists()


def test_concurrent_numbers_never_repeat(uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    numbers = {complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input(
        victims=[VictimInput(full_name=f"Korban {i} Uji", category="adult_woman")])).case.number
        for i in range(5)}
    assert len(numbers) == 5


def test_duplicate_victim_is_found_by_nik_phone_and_name(uptd, polres):
    officer = member(uptd, Role.ADMIN_OFFICER)
    c = complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input())
    assert list(intake.victims_matching(user=officer, nik="3174 0541 0190 0099")) == [c.case]
    assert list(intake.victims_matching(user=officer, phone="+6281234567000")) == [c.case]
    assert list(intake.victims_matching(user=officer, full_name="arum wulan")) == [c.case]
    assert not intake.victims_matching(user=officer, nik="3174054101900098").exists()
    # Another agency's staff are not told that the victim exists elsewhere.
    assert not intake.victims_matching(user=member(polres, Role.ADMIN_OFFICER),
                                       nik="3174054101900099").exists()


def test_later_complaint_joins_the_existing_case(uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    first = complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input())
    second = complaint_register(actor=officer, receiving_agency=uptd, join_case=first.case,
                                data=complaint_input(violence_types=["kbe"]))
    assert second.case == first.case and first.case.complaints.count() == 2
    assert sorted(Case.objects.get(pk=first.case.pk).violence_types) == ["kbe", "kdrt"]
    assert CaseEvent.objects.filter(case=first.case, event_type=EventType.COMPLAINT_JOINED).count() == 1


def test_initial_response_stops_the_clock_and_failed_attempts_are_flagged(uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    c = complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input())
    intake.initial_response_record(actor=officer, complaint=c, method="phone", successful=False)
    c.refresh_from_db()
    assert c.responded_at is None
    intake.initial_response_record(actor=officer, complaint=c, method="visit", successful=True,
                                   result="Korban ditemui di rumah aman")
    c.refresh_from_db()
    assert c.responded_at is not None
    types = list(CaseEvent.objects.filter(case=c.case).values_list("event_type", flat=True))
    assert EventType.CONTACT_ATTEMPT_FAILED in types and EventType.INITIAL_RESPONSE in types


def test_void_needs_a_reason_and_ends_the_complaint(uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    c = complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input())
    with pytest.raises(ValidationError):
        intake.complaint_void(actor=officer, complaint=c, reason=" ")
    intake.complaint_void(actor=officer, complaint=c, reason="Pengaduan ganda")
    c.refresh_from_db()
    assert c.outcome == "voided" and c.case.status == "voided"
    assert CaseEvent.objects.filter(case=c.case, event_type=EventType.COMPLAINT_VOIDED).exists()


# --- pages ---------------------------------------------------------------------------------------

def _post_data(**extra):
    data = {
        "channel": "walk_in", "violence_types": ["kdrt"], "chronology": "Kronologi singkat uji.",
        "consent_by": "victim", "consent_to_share": "on", "safe_to_contact": "on",
        "victims-TOTAL_FORMS": "2", "victims-INITIAL_FORMS": "0",
        "victims-0-full_name": "Ratna Dewi Kusuma", "victims-0-category": "adult_woman",
        "victims-0-sex": "f", "victims-0-nik": "3174054101900077",
        "victims-1-full_name": "", "victims-1-category": "adult_woman", "victims-1-sex": "f",
        "perpetrators-TOTAL_FORMS": "1", "perpetrators-INITIAL_FORMS": "0",
        "perpetrators-0-relation": "spouse",
    }
    data.update(extra)
    return data


def test_register_page_saves_and_redirects_to_the_case(client, uptd):
    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    resp = client.post(reverse("cases:register"), _post_data())
    assert resp.status_code == 302
    case = Case.objects.get()
    assert resp["Location"] == reverse("cases:detail", args=[case.pk])
    assert "3174054101900077" not in resp["Location"]


def test_register_page_shows_the_field_error_and_saves_nothing(client, uptd):
    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    resp = client.post(reverse("cases:register"), _post_data(**{"victims-0-nik": "123"}))
    assert resp.status_code == 400
    assert str(intake.NIK_INVALID) in resp.content.decode()
    assert not Case.objects.exists()


def test_register_page_warns_about_a_duplicate_and_can_join(client, uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    client.force_login(officer)
    client.post(reverse("cases:register"), _post_data())
    case = Case.objects.get()
    resp = client.post(reverse("cases:register"), _post_data())
    assert resp.status_code == 200 and case.number in resp.content.decode()
    assert Case.objects.count() == 1
    resp = client.post(reverse("cases:register"), _post_data(join_case=str(case.pk)))
    assert resp.status_code == 302 and case.complaints.count() == 2
    resp = client.post(reverse("cases:register"), _post_data(confirm_new="1"))
    assert resp.status_code == 302 and Case.objects.count() == 2


def test_queue_lists_open_complaints_overdue_first_with_constant_queries(client, uptd, polres,
                                                                          django_assert_max_num_queries):
    officer = member(uptd, Role.ADMIN_OFFICER)
    client.force_login(officer)
    late = complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input(
        received_at=timezone.now() - timedelta(hours=26), received_at_reason="hotline malam"))
    fresh = complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input(
        victims=[VictimInput(full_name="Korban Lain Sekali", category="adult_woman")]))
    other = complaint_register(actor=member(polres, Role.ADMIN_OFFICER), receiving_agency=polres,
                               data=complaint_input())
    page = client.get(reverse("cases:queue")).content.decode()
    assert page.index(late.case.number) < page.index(fresh.case.number)
    assert other.case.number not in page
    assert "Terlambat" in page

    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(conn) as small:
        client.get(reverse("cases:queue"))
    for i in range(28):
        complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input(
            victims=[VictimInput(full_name=f"Korban Antri {i}", category="adult_woman")]))
    with CaptureQueriesContext(conn) as large:
        client.get(reverse("cases:queue"))
    assert len(small.captured_queries) == len(large.captured_queries)


def test_queue_filters(client, uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    client.force_login(officer)
    a = complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input(channel="hotline"))
    b = complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input(
        channel="whatsapp", violence_types=["kbe"],
        victims=[VictimInput(full_name="Korban Daring", category="adult_woman")]))
    page = client.get(reverse("cases:queue"), {"channel": "hotline"}).content.decode()
    assert a.case.number in page and b.case.number not in page
    page = client.get(reverse("cases:queue"), {"violence_type": "kbe"}).content.decode()
    assert b.case.number in page and a.case.number not in page


def test_response_form_on_the_case_page_stops_the_clock(client, uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    c = complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input())
    client.force_login(officer)
    resp = client.post(reverse("cases:respond", args=[c.case_id, c.public_id]),
                       {"method": "phone", "successful": "1", "result": "terhubung"})
    assert resp.status_code == 302
    c.refresh_from_db()
    assert c.responded_at is not None


def test_other_agency_cannot_respond_or_void(client, uptd, polres):
    officer = member(uptd, Role.ADMIN_OFFICER)
    c = complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input())
    client.force_login(member(polres, Role.ADMIN_OFFICER))
    for name, data in (("cases:respond", {"method": "phone", "successful": "1"}),
                       ("cases:void", {"reason": "x"})):
        resp = client.post(reverse(name, args=[c.case_id, c.public_id]), data)
        assert resp.status_code == 404 and c.case.number not in resp.content.decode()
    c.refresh_from_db()
    assert c.responded_at is None and not c.outcome


def test_a_late_response_records_the_missed_breach_once(uptd):
    import time_machine

    officer = member(uptd, Role.ADMIN_OFFICER)
    c = complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input())
    with time_machine.travel(timezone.now() + timedelta(hours=30)):
        intake.initial_response_record(actor=officer, complaint=c, method="phone", successful=True)
    assert SlaEvent.objects.filter(complaint=c, kind="breach").count() == 1
    intake.initial_response_record(actor=officer, complaint=c, method="visit", successful=True)
    assert SlaEvent.objects.filter(complaint=c, kind="breach").count() == 1


def test_queue_shows_time_overdue_beyond_48_hours_in_days_and_hours(client, uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input(
        received_at=timezone.now() - timedelta(days=4, hours=2, minutes=10),
        received_at_reason="Laporan lewat surat"))
    complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input(
        received_at=timezone.now() - timedelta(hours=30, minutes=5), received_at_reason="Hotline malam"))
    client.force_login(officer)
    page = client.get(reverse("cases:queue")).content.decode()
    assert "Terlambat 3 hari 2 jam" in page  # due 24 h after receipt: 3 days 2 hours ago
    assert "Terlambat 6 j 05 m" in page      # within 48 h: hours and minutes as before
