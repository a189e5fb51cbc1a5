"""Consent records (cases/consent.py, docs/access.md "Consent"): recorded per victim and purpose,
withdrawn on the record — which stops what it covered from then on and is on the timeline — shown
by access level, and guarded by the database."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role
from cases import consent as consents
from cases.consent import case_covered, consent_covers, consent_record, consent_withdraw, victim_covered
from cases.intake.services import PerpetratorInput, VictimInput, complaint_register
from cases.models import AccessLevel, Case, CaseEvent, Consent, ConsentPurpose, EventType, Victim
from cases.services import case_grant_access
from common.append_only import trail_rewrite
from common.errors import ActionNotAllowed, ApplicationError
from tests.factories import AgencyFactory, member
from tests.intake.helpers import complaint_input

pytestmark = pytest.mark.django_db

SHARE, REFER, CONTACT = ConsentPurpose.SHARE, ConsentPurpose.REFER, ConsentPurpose.CONTACT


def register(agency, officer=None, **overrides):
    officer = officer or member(agency, Role.ADMIN_OFFICER)
    return complaint_register(actor=officer, receiving_agency=agency, data=complaint_input(**overrides))


# --- recording and what it covers ------------------------------------------------------------------

def test_a_referral_consent_covers_the_named_agency_only(uptd, rsud, polres):
    complaint = register(uptd, consent_to_share=False)
    victim = complaint.victims.get()
    head = member(uptd, Role.HEAD)
    assert not consent_covers(victim=victim, purpose=REFER, agency=rsud)
    consent = consent_record(actor=head, victim=victim, purpose=REFER, given_by="victim",
                             scope="named_agencies", agencies=[rsud], form="written")
    assert consent.agency_ids == [rsud.pk] and consent.recorded_by == head
    assert consent_covers(victim=victim, purpose=REFER, agency=rsud)
    assert consent_covers(case=complaint.case, purpose=REFER, agency=rsud)
    assert not consent_covers(victim=victim, purpose=REFER, agency=polres)
    assert not consent_covers(victim=victim, purpose=SHARE, agency=rsud)
    # Without an agency the question is "every agency": a named consent does not answer it.
    assert not consent_covers(victim=victim, purpose=REFER)
    event = CaseEvent.objects.get(case=complaint.case, event_type=EventType.CONSENT_RECORDED)
    assert event.payload == {
        "consent": consent.pk, "victim": victim.pk, "purpose": "refer", "given_by": "victim",
        "scope": "named_agencies", "agencies": [rsud.code], "form": "written",
        "given_at": consent.given_at.isoformat()}


def test_a_case_is_covered_only_when_every_victim_is(uptd, rsud):
    complaint = register(uptd, consent_to_share=False, victims=[
        VictimInput(full_name="Ibu Melati", category="adult_woman"),
        VictimInput(full_name="Adik Melati", category="family")])
    first, second = complaint.victims.order_by("id")
    officer = complaint.registered_by
    consent_record(actor=officer, victim=first, purpose=SHARE, given_by="victim")
    assert consent_covers(victim=first, purpose=SHARE, agency=rsud)
    assert not consent_covers(case=complaint.case, purpose=SHARE, agency=rsud)
    consent_record(actor=officer, victim=second, purpose=SHARE, given_by="victim")
    assert consent_covers(case=complaint.case, purpose=SHARE, agency=rsud)


def test_the_sql_forms_filter_lists_in_constant_queries(uptd, rsud, django_assert_num_queries):
    covered = register(uptd).case  # registration's share consent, whole programme
    uncovered = register(uptd, consent_to_share=False,
                         victims=[VictimInput(full_name="Korban Tanpa Izin", category="adult_woman")]).case
    assert list(Case.objects.filter(case_covered(purpose=SHARE, agency=rsud))) == [covered]
    assert list(Case.objects.exclude(case_covered(purpose=SHARE, agency=rsud))) == [uncovered]
    with django_assert_num_queries(1):
        victims = list(Victim.objects.annotate(ok=victim_covered(purpose=SHARE, agency=rsud))
                       .values_list("case_id", "ok").order_by("case_id"))
    assert victims == [(covered.pk, True), (uncovered.pk, False)]


def test_a_child_consents_through_a_parent_unless_a_guardian_is_accused(uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    child = register(uptd, officer, victims=[VictimInput(full_name="Anak Mawar", category="child")],
                     consent_by="parent", perpetrators=[PerpetratorInput(relation="teacher")]).victims.get()
    with pytest.raises(ValidationError) as exc:
        consent_record(actor=officer, victim=child, purpose=CONTACT, given_by="victim")
    assert consents.CHILD_CONSENT_REQUIRED in exc.value.message_dict["given_by"]
    consent_record(actor=officer, victim=child, purpose=CONTACT, given_by="guardian",
                   giver_relation="nenek", giver_name="Nenek Kartini")
    accused = register(uptd, officer, victims=[VictimInput(full_name="Anak Melur", category="child")],
                       consent_by="guardian",
                       perpetrators=[PerpetratorInput(relation="parent", is_guardian=True)]).victims.get()
    own = consent_record(actor=officer, victim=accused, purpose=CONTACT, given_by="victim",
                         giver_name="diabaikan")
    assert own.given_by == "victim" and own.giver_name == ""  # the victim is no third party


@pytest.mark.parametrize("kwargs, field, message", [
    ({"scope": "named_agencies"}, "agencies", consents.CONSENT_AGENCIES_REQUIRED),
    ({"given_at": timezone.now() + timedelta(hours=1)}, "given_at", consents.CONSENT_IN_FUTURE),
    ({"given_by": "tetangga"}, "given_by", consents.CONSENT_GIVER_UNKNOWN),
    ({"purpose": "publish"}, "purpose", consents.CONSENT_PURPOSE_UNKNOWN),
])
def test_bad_consent_is_refused_on_its_field_and_nothing_is_saved(uptd, kwargs, field, message):
    complaint = register(uptd, consent_to_share=False)
    args = {"purpose": SHARE, "given_by": "victim", **kwargs}
    with pytest.raises(ValidationError) as exc:
        consent_record(actor=complaint.registered_by, victim=complaint.victims.get(), **args)
    assert message in exc.value.message_dict[field]
    assert not Consent.objects.exists()
    assert not CaseEvent.objects.filter(event_type=EventType.CONSENT_RECORDED).exists()


def test_only_the_receiving_agencys_full_access_staff_record_and_withdraw(uptd, rsud):
    complaint = register(uptd)
    case, victim = complaint.case, complaint.victims.get()
    case_grant_access(actor=member(uptd, Role.HEAD), case=case, agency=rsud, level=AccessLevel.FULL,
                      reason="Visum dan perawatan lanjutan di rumah sakit.")
    for outsider in (member(uptd, Role.KONSELOR), member(rsud, Role.HEAD)):
        with pytest.raises(ActionNotAllowed):
            consent_record(actor=outsider, victim=victim, purpose=CONTACT, given_by="victim")
        with pytest.raises(ActionNotAllowed):
            consent_withdraw(actor=outsider, consent=victim.consents.get(), note="Tidak berwenang.")
    assert victim.consents.count() == 1 and victim.consents.get().withdrawn_at is None


# --- withdrawal -------------------------------------------------------------------------------------

def test_withdrawal_stops_what_the_consent_covered_from_then_on_and_is_on_the_timeline(uptd, rsud):
    with time_machine.travel("2026-03-02 09:00 +0700", tick=False):
        complaint = register(uptd)
    victim, officer = complaint.victims.get(), complaint.registered_by
    consent = victim.consents.get()
    before = timezone.datetime.fromisoformat("2026-03-05T10:00:00+07:00")
    with time_machine.travel("2026-03-09 14:00 +0700", tick=False):
        withdrawn = consent_withdraw(actor=officer, consent=consent,
                                     note="Ibu Wulan menelepon: tidak lagi setuju datanya dibagikan.")
        assert not consent_covers(victim=victim, purpose=SHARE, agency=rsud)
        assert not consent_covers(case=complaint.case, purpose=SHARE, agency=rsud)
    # Before the withdrawal it covered, and still answers so for that time.
    assert consent_covers(victim=victim, purpose=SHARE, agency=rsud, at=before)
    assert consent_covers(case=complaint.case, purpose=SHARE, agency=rsud, at=before)
    assert not consent_covers(victim=victim, purpose=SHARE, agency=rsud,
                              at=before + timedelta(days=30))
    consent.refresh_from_db()
    assert consent.withdrawn_at == withdrawn.withdrawn_at and consent.withdrawn_by == officer
    assert consent.withdrawal_note.startswith("Ibu Wulan")
    event = CaseEvent.objects.get(case=complaint.case, event_type=EventType.CONSENT_WITHDRAWN)
    assert event.actor == officer
    assert event.payload == {"consent": consent.pk, "victim": victim.pk, "purpose": "share",
                             "withdrawn_at": consent.withdrawn_at.isoformat()}
    assert [h.history_type for h in consent.history.order_by("history_id")] == ["+", "~"]
    with pytest.raises(ApplicationError, match=str(consents.CONSENT_ALREADY_WITHDRAWN)):
        consent_withdraw(actor=officer, consent=consent, note="Sekali lagi.")
    # A new consent is a new record; the withdrawn one stays.
    consent_record(actor=officer, victim=victim, purpose=SHARE, given_by="victim")
    assert consent_covers(victim=victim, purpose=SHARE, agency=rsud)
    assert victim.consents.count() == 2


def test_a_withdrawal_needs_a_note(uptd):
    complaint = register(uptd)
    consent = complaint.victims.get().consents.get()
    with pytest.raises(ValidationError) as exc:
        consent_withdraw(actor=complaint.registered_by, consent=consent, note=" ")
    assert consents.WITHDRAWAL_NOTE_REQUIRED in exc.value.message_dict["note"]
    assert not Consent.objects.filter(withdrawn_at__isnull=False).exists()


def test_the_database_keeps_consents_and_allows_only_one_withdrawal(uptd):
    complaint = register(uptd)
    consent = complaint.victims.get().consents.get()
    table = Consent._meta.db_table
    for sql in (f"DELETE FROM {table} WHERE id = %s",  # noqa: S608
                f"UPDATE {table} SET purpose = 'refer' WHERE id = %s"):  # noqa: S608
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [consent.pk])
    consent_withdraw(actor=complaint.registered_by, consent=consent, note="Ditarik lewat telepon.")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"UPDATE {table} SET withdrawn_at = now() + interval '1 day' WHERE id = %s",  # noqa: S608
                    [consent.pk])
    # Key rotation and erasure rewrite the encrypted columns through the one door.
    with trail_rewrite(), connection.cursor() as cur:
        cur.execute(f"UPDATE {table} SET withdrawal_note = '' WHERE id = %s", [consent.pk])  # noqa: S608
    consent.refresh_from_db()
    assert consent.withdrawal_note == "" and consent.withdrawn_at is not None


# --- the case page ----------------------------------------------------------------------------------

def _consent_with_names(uptd, rsud):
    complaint = register(uptd, consent_to_share=False,
                         victims=[VictimInput(full_name="Anak Seruni", category="child")],
                         consent_by="parent", perpetrators=[PerpetratorInput(relation="acquaintance")])
    consent = consent_record(actor=complaint.registered_by, victim=complaint.victims.get(), purpose=REFER,
                             given_by="parent", giver_relation="ibu kandung", giver_name="Ratna Seruni",
                             scope="named_agencies", agencies=[rsud], form="written")
    return complaint.case, consent


def test_the_case_page_shows_the_consent_basis_by_access_level(client, uptd, rsud, login_verified):
    case, consent = _consent_with_names(uptd, rsud)
    head = member(uptd, Role.HEAD)
    case_grant_access(actor=head, case=case, agency=rsud, level=AccessLevel.SERVICE)
    # Summary (a counsellor of the receiving agency): the basis, never a name or the relation.
    client.force_login(member(uptd, Role.KONSELOR))
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="consents"' in page and "Rujukan ke lembaga" in page and "Orang tua" in page
    assert "RSUD Uji" in page and "Tertulis" in page
    assert "Ratna Seruni" not in page and "ibu kandung" not in page
    assert reverse("cases:consent-withdraw", args=[case.pk, consent.pk]) not in page
    # Service (the hospital): also the parent's relation.
    client.force_login(member(rsud, Role.HEALTH_WORKER))
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "ibu kandung" in page and "Ratna Seruni" not in page
    # Full (the head): the name only with identity shown; the withdrawal form asks first.
    login_verified(client, head)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Ratna Seruni" not in page
    assert f'action="{reverse("cases:consent-withdraw", args=[case.pk, consent.pk])}" data-confirm=' in page
    page = client.post(reverse("cases:reveal", args=[case.pk])).content.decode()
    assert "Ratna Seruni" in page


def test_the_head_withdraws_on_the_page(client, uptd, rsud, login_verified):
    case, consent = _consent_with_names(uptd, rsud)
    login_verified(client, member(uptd, Role.HEAD))
    url = reverse("cases:consent-withdraw", args=[case.pk, consent.pk])
    resp = client.post(url, {"note": ""})
    assert resp.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    resp = client.post(url, {"note": "Ibu korban mencabut persetujuan rujukan."}, follow=True)
    assert "Persetujuan ditarik" in resp.content.decode() and "ditarik" in resp.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert not consent_covers(case=case, purpose=REFER, agency=rsud)


def test_the_page_records_a_consent_and_shows_its_errors(client, uptd, rsud):
    complaint = register(uptd, consent_to_share=False)
    case, victim = complaint.case, complaint.victims.get()
    client.force_login(complaint.registered_by)
    url = reverse("cases:consent-record", args=[case.pk])
    resp = client.post(url, {"victim": victim.pk, "purpose": "refer", "given_by": "victim",
                             "scope": "named_agencies", "form": "oral"})
    assert resp.status_code == 400 and str(consents.CONSENT_AGENCIES_REQUIRED) in resp.content.decode()
    assert not Consent.objects.exists()
    resp = client.post(url, {"victim": victim.pk, "purpose": "refer", "given_by": "victim",
                             "scope": "named_agencies", "agencies": [rsud.pk], "form": "oral"})
    assert resp.status_code == 302
    assert consent_covers(victim=victim, purpose=REFER, agency=rsud)


def test_consent_routes_answer_404_to_another_agency_and_for_another_cases_consent(client, uptd, polres,
                                                                                   login_verified):
    ours, theirs = register(uptd), register(polres)
    our_consent, their_consent = (c.victims.get().consents.get() for c in (ours, theirs))
    login_verified(client, member(polres, Role.HEAD))
    for resp in (
        client.post(reverse("cases:consent-withdraw", args=[ours.case.pk, our_consent.pk]), {"note": "x"}),
        client.post(reverse("cases:consent-record", args=[ours.case.pk]), {}),
        client.get(f"/api/cases/{ours.case.pk}/consents/"),
        client.post(f"/api/cases/{ours.case.pk}/consents/", {}, content_type="application/json"),
        client.post(f"/api/cases/{ours.case.pk}/consents/{our_consent.pk}/withdraw/", {"note": "x"},
                    content_type="application/json"),
        # Their own case, but our case's consent id.
        client.post(reverse("cases:consent-withdraw", args=[theirs.case.pk, our_consent.pk]), {"note": "x"}),
        client.post(f"/api/cases/{theirs.case.pk}/consents/{our_consent.pk}/withdraw/", {"note": "x"},
                    content_type="application/json"),
    ):
        assert resp.status_code == 404
        assert ours.case.number not in resp.content.decode()
    our_consent.refresh_from_db()
    assert our_consent.withdrawn_at is None and their_consent.withdrawn_at is None


# --- the API ----------------------------------------------------------------------------------------

def test_the_api_returns_the_consent_basis_and_never_a_name(client, uptd, rsud):
    case, consent = _consent_with_names(uptd, rsud)
    client.force_login(member(uptd, Role.KONSELOR))  # summary
    resp = client.get(f"/api/cases/{case.pk}/consents/")
    assert resp.status_code == 200
    [row] = resp.json()
    victim = consent.victim
    assert row == {
        "id": consent.pk, "victim": {"id": victim.pk, "initials": victim.initials, "category": "child"},
        "purpose": "refer", "given_by": "parent", "giver_relation": None, "scope": "named_agencies",
        "agencies": [rsud.code], "form": "written", "given_at": row["given_at"],
        "recorded_at": row["recorded_at"], "withdrawn": False, "withdrawn_at": None}
    assert "Ratna" not in resp.content.decode() and "Seruni" not in resp.content.decode()
    officer = member(uptd, Role.ADMIN_OFFICER)  # full
    client.force_login(officer)
    assert client.get(f"/api/cases/{case.pk}/consents/").json()[0]["giver_relation"] == "ibu kandung"


def test_the_api_records_and_withdraws(client, uptd, rsud):
    complaint = register(uptd, consent_to_share=False)
    case, victim = complaint.case, complaint.victims.get()
    client.force_login(complaint.registered_by)
    resp = client.post(f"/api/cases/{case.pk}/consents/", {
        "victim": victim.pk, "purpose": "share", "given_by": "victim", "scope": "named_agencies",
        "agencies": [rsud.code]}, content_type="application/json")
    assert resp.status_code == 201, resp.content
    consent_id = resp.json()["id"]
    assert resp.json()["agencies"] == [rsud.code] and resp.json()["form"] == "oral"
    url = f"/api/cases/{case.pk}/consents/{consent_id}/withdraw/"
    assert client.post(url, {}, content_type="application/json").status_code == 400
    resp = client.post(url, {"note": "Korban menarik persetujuan."}, content_type="application/json")
    assert resp.status_code == 200 and resp.json()["withdrawn"] is True
    assert client.post(url, {"note": "Lagi."}, content_type="application/json").json()["detail"] == \
        consents.CONSENT_ALREADY_WITHDRAWN
    assert not consent_covers(victim=victim, purpose=SHARE, agency=rsud)
    # A counsellor sees the case but may not record: 403 with the rule.
    client.force_login(member(uptd, Role.KONSELOR))
    resp = client.post(f"/api/cases/{case.pk}/consents/", {}, content_type="application/json")
    assert resp.status_code == 403 and resp.json()["detail"] == consents.CONSENT_NOT_ALLOWED


def test_an_unknown_agency_is_refused_by_the_api(client, uptd):
    complaint = register(uptd, consent_to_share=False)
    client.force_login(complaint.registered_by)
    inactive = AgencyFactory(code="tutup", kind="hospital", is_active=False)
    for codes in (["tidak-ada"], [inactive.code]):
        resp = client.post(f"/api/cases/{complaint.case.pk}/consents/", {
            "victim": complaint.victims.get().pk, "purpose": "refer", "given_by": "victim",
            "scope": "named_agencies", "agencies": codes}, content_type="application/json")
        assert resp.status_code == 400 and resp.json()["agencies"] == [consents.CONSENT_AGENCY_UNKNOWN]
    assert not Consent.objects.exists()
