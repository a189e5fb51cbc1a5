"""Corrections with a trace (issue 12 point 2, cases.intake.corrections): the receiving agency's
head, admin officers and the assignee correct a complaint, victim, reporter or perpetrator with a
reason; history keeps the values, the timeline names the fields only; the first victim's name
sets the case's initials; ``received_at`` moves the due time but never deletes a breach; a victim or
perpetrator may be added, a relation is per victim, and adding a child re-checks the child-consent
rule and marks the triage for review."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role
from cases.consent import guardian_accused
from cases.intake import corrections
from cases.intake.services import PerpetratorInput, VictimInput, complaint_assign, complaint_register
from cases.models import (
    CaseEvent,
    Consent,
    Correction,
    EventType,
    PerpetratorLink,
    SlaEvent,
    SlaKind,
    Victim,
)
from cases.registered import registered_sections
from common import limits
from common.errors import ActionNotAllowed
from common.models import AccessAction, AccessLog
from tests.factories import AgencyFactory, member
from tests.intake.helpers import complaint_input
from triage.models import TriageAssessment
from triage.services import triage_record

pytestmark = pytest.mark.django_db
REASON = "Nama salah ketik saat pencatatan"


@pytest.fixture
def world(uptd):
    admin = member(uptd, Role.ADMIN_OFFICER)
    complaint = complaint_register(actor=admin, receiving_agency=uptd, data=complaint_input())
    return {"admin": admin, "complaint": complaint, "case": complaint.case,
            "victim": complaint.victims.get(), "perpetrator": complaint.perpetrators.get()}


def _events(case, event_type):
    return list(CaseEvent.objects.filter(case=case, event_type=event_type).order_by("id"))


def test_correcting_the_first_victims_name_keeps_history_names_the_field_and_updates_the_initials(world):
    victim, case = world["victim"], world["case"]
    assert case.initials == "WSA"

    correction = corrections.victim_correct(actor=world["admin"], victim=victim, reason=REASON,
                                            changes={"full_name": "Wulandari Putri", "sex": "f"})

    victim.refresh_from_db()
    case.refresh_from_db()
    assert (victim.full_name, victim.initials, case.initials) == ("Wulandari Putri", "WP", "WP")
    # The values are in the history (the audited store)…
    names = [h.full_name for h in victim.history.order_by("history_id")]
    assert names == ["Wulan Sekar Arum", "Wulandari Putri"]
    # … the correction says which field and why; the timeline names the field, never a value.
    assert (correction.fields, correction.reason) == (["full_name"], REASON)
    assert correction.corrected_by == world["admin"]
    [event] = _events(case, EventType.DATA_CORRECTED)
    assert event.payload == {"complaint": str(world["complaint"].public_id), "correction": correction.pk,
                             "target": "victim", "target_id": victim.pk, "fields": ["full_name"]}
    dumped = json.dumps(event.payload)
    assert "Wulan" not in dumped and REASON not in dumped
    # Searching by the corrected name finds the case; by the old one no longer.
    assert Victim.objects.filter(pk=victim.pk, name_index__contains=victim.name_index).exists()


def test_a_correction_without_a_reason_is_refused_and_nothing_is_saved(world):
    victim = world["victim"]
    with pytest.raises(ValidationError) as refused:
        corrections.victim_correct(actor=world["admin"], victim=victim, reason="  ",
                                   changes={"full_name": "Nama Lain"})
    assert refused.value.message_dict["reason"] == ["Alasan koreksi wajib diisi."]
    victim.refresh_from_db()
    world["case"].refresh_from_db()
    assert (victim.full_name, world["case"].initials) == ("Wulan Sekar Arum", "WSA")
    assert not Correction.objects.exists()
    assert not _events(world["case"], EventType.DATA_CORRECTED)


def test_who_may_correct_head_admin_officer_and_the_assignee_not_another_counsellor_nor_agency(world, uptd):
    complaint = world["complaint"]
    counsellor, companion = member(uptd, Role.KONSELOR), member(uptd, Role.PENDAMPING)
    other_admin = member(AgencyFactory(code="uptd-lain", kind="uptd_ppa"), Role.ADMIN_OFFICER)
    for outsider in (counsellor, other_admin):
        with pytest.raises(ActionNotAllowed):
            corrections.complaint_correct(actor=outsider, complaint=complaint, reason=REASON,
                                          changes={"channel": "hotline"})
    corrections.complaint_correct(actor=member(uptd, Role.HEAD), complaint=complaint, reason=REASON,
                                  changes={"channel": "hotline"})
    complaint_assign(actor=world["admin"], complaint=complaint, assignee=companion)
    corrections.complaint_correct(actor=companion, complaint=complaint, reason=REASON,
                                  changes={"channel": "whatsapp"})
    complaint.refresh_from_db()
    assert complaint.channel == "whatsapp"
    assert Correction.objects.filter(complaint=complaint).count() == 2


def test_correcting_received_at_recomputes_the_due_time_and_never_deletes_a_recorded_breach(world, uptd):
    admin, now = world["admin"], timezone.now()
    late = complaint_register(actor=admin, receiving_agency=uptd, data=complaint_input(
        received_at=now - timedelta(hours=30), received_at_reason="Laporan dari hotline malam"))
    assert SlaEvent.objects.filter(complaint=late, kind=SlaKind.BREACH).exists()

    new_received = now - timedelta(hours=2)
    corrections.complaint_correct(actor=admin, complaint=late, reason="Jam terima salah dicatat",
                                  changes={"received_at": new_received})

    late.refresh_from_db()
    assert late.response_due_at == new_received + timedelta(hours=24)
    assert SlaEvent.objects.filter(complaint=late, kind=SlaKind.BREACH).count() == 1
    [event] = _events(late.case, EventType.DATA_CORRECTED)
    assert event.payload["fields"] == ["received_at"]
    assert event.payload["due_at"] == late.response_due_at.isoformat()

    # The other way: an on-time complaint whose real receipt was 30 hours ago is breached at once.
    on_time = world["complaint"]
    corrections.complaint_correct(actor=admin, complaint=on_time, reason="Diterima kemarin lewat surat",
                                  changes={"received_at": now - timedelta(hours=30)})
    assert SlaEvent.objects.filter(complaint=on_time, kind=SlaKind.BREACH).exists()


def test_received_at_after_the_registration_is_refused(world):
    complaint = world["complaint"]
    with pytest.raises(ValidationError) as refused:
        corrections.complaint_correct(actor=world["admin"], complaint=complaint, reason=REASON,
                                      changes={"received_at": timezone.now() + timedelta(hours=3)})
    assert "received_at" in refused.value.message_dict
    assert not Correction.objects.exists()


def test_adding_a_child_rechecks_the_child_consent_rule_and_marks_the_triage_for_review(world):
    admin, complaint, father = world["admin"], world["complaint"], world["perpetrator"]
    triage_record(actor=admin, complaint=complaint, emergency_conditions=[], complexity_conditions=[],
                  needs_multiple_services=False, cross_region=False,
                  complexity_change_reason="Relasi kuasa tidak terbukti saat verifikasi")
    child = VictimInput(full_name="Bunga Citra", category="child", sex="f", date_of_birth=date(2016, 5, 1))

    # The child's own consent while nobody accused is her parent: refused, nothing saved.
    with pytest.raises(ValidationError) as refused:
        corrections.victim_add(actor=admin, complaint=complaint, data=child, reason="Anak korban juga",
                               relations={father.pk: "family"}, consent_by="victim")
    assert "orang tua atau wali" in refused.value.message_dict["consent_by"][0]
    assert complaint.victims.count() == 1 and not TriageAssessment.objects.get().needs_review

    # The father is "parent" to the child (and stays "spouse" to the mother): her own consent stands.
    added = corrections.victim_add(actor=admin, complaint=complaint, data=child, reason="Anak korban juga",
                                   relations={father.pk: "parent"}, consent_by="victim")

    relations = dict(PerpetratorLink.objects.filter(perpetrator=father).values_list("victim_id", "relation"))
    assert relations == {world["victim"].pk: "spouse", added.pk: "parent"}
    assert guardian_accused(added) and not guardian_accused(world["victim"])
    assert Consent.objects.filter(victim=added, given_by="victim").exists()
    assert TriageAssessment.objects.get().needs_review
    [review] = _events(complaint.case, EventType.TRIAGE_REVIEW_NEEDED)
    assert review.payload == {"complaint": str(complaint.public_id), "reason": "victim_added"}
    [added_event] = _events(complaint.case, EventType.PERSON_ADDED)
    assert added_event.payload["target"] == "victim" and "Bunga" not in json.dumps(added_event.payload)
    # A new triage clears the flag.
    triage_record(actor=admin, complaint=complaint, emergency_conditions=[], complexity_conditions=[],
                  needs_multiple_services=False, cross_region=False,
                  complexity_change_reason="Relasi kuasa tidak terbukti saat verifikasi")
    assert not TriageAssessment.objects.get().needs_review


def test_adding_a_perpetrator_asks_the_relation_to_each_victim_and_wali_is_a_guardian(world):
    admin, complaint, victim = world["admin"], world["complaint"], world["victim"]
    with pytest.raises(ValidationError) as refused:
        corrections.perpetrator_add(actor=admin, complaint=complaint, reason="Terlapor kedua",
                                    data=PerpetratorInput(full_name="Paman Korban"), relations={})
    assert refused.value.message_dict[f"relation-{victim.pk}"] == [
        "Pilih hubungan terlapor dengan korban ini."]
    assert complaint.perpetrators.count() == 1

    uncle = corrections.perpetrator_add(actor=admin, complaint=complaint, reason="Terlapor kedua",
                                        data=PerpetratorInput(full_name="Paman Korban"),
                                        relations={victim.pk: "guardian"})

    assert uncle.links.get().relation == "guardian" and uncle.links.get().is_guardian
    sections = registered_sections(case=complaint.case, level=20, revealed=False, consents=[])
    assert sections["service"]["complaints"][0]["perpetrator_relations"] == [
        "Suami/istri/pasangan", "Wali (bukan orang tua)"]


def test_a_perpetrators_relation_is_corrected_per_victim(world):
    admin, complaint = world["admin"], world["complaint"]
    father, mother = world["perpetrator"], world["victim"]
    child = corrections.victim_add(actor=admin, complaint=complaint, reason="Anak korban juga",
                                   data=VictimInput(full_name="Bunga Citra", category="child"),
                                   relations={father.pk: "family"})

    correction = corrections.perpetrator_correct(actor=admin, perpetrator=father,
                                                 reason="Terlapor ayah kandung",
                                                 changes={}, relations={child.pk: "parent"})

    assert correction.fields == ["relation"]
    relations = dict(father.links.values_list("victim_id", "relation"))
    assert relations == {mother.pk: "spouse", child.pk: "parent"}
    sections = registered_sections(case=complaint.case, level=20, revealed=False, consents=[])
    assert sections["service"]["complaints"][0]["perpetrator_relations"] == [
        "Suami/istri/pasangan — WSA", "Orang tua (ayah/ibu) — BC"]


def test_the_reporter_is_corrected_with_its_history(world):
    complaint = world["complaint"]
    correction = corrections.reporter_correct(actor=world["admin"], complaint=complaint,
                                              reason="Pelapor tetangga",
                                              changes={"is_victim": False, "full_name": "Ibu Tetangga",
                                                       "relation": "tetangga"})
    complaint.reporter.refresh_from_db()
    assert (complaint.reporter.full_name, correction.fields) == ("Ibu Tetangga", ["is_victim", "full_name",
                                                                                  "relation"])
    assert complaint.reporter.history.count() == 2


def test_nothing_changed_is_said_and_nothing_is_recorded(world):
    with pytest.raises(ValidationError) as refused:
        corrections.complaint_correct(actor=world["admin"], complaint=world["complaint"], reason=REASON,
                                      changes={"channel": "walk_in"})
    assert "Tidak ada data yang berubah" in refused.value.message_dict["__all__"][0]
    assert not Correction.objects.exists()


# --- the page ----------------------------------------------------------------------------------------

def _url(world):
    return reverse("cases:correct", args=[world["case"].pk, world["complaint"].public_id])


def test_the_page_refuses_another_agency_with_404_and_a_counsellor_without_the_role(world, uptd, client):
    client.force_login(member(AgencyFactory(code="uptd-lain", kind="uptd_ppa"), Role.ADMIN_OFFICER))
    assert client.get(_url(world)).status_code == 404
    counsellor = member(uptd, Role.KONSELOR)
    client.force_login(counsellor)
    assert client.get(_url(world)).status_code == 403
    assert client.post(_url(world), {"target": "complaint", "complaint-channel": "hotline",
                                     "complaint-reason": REASON}).status_code == 403
    page = client.get(reverse("cases:detail", args=[world["case"].pk])).content.decode()
    assert _url(world) not in page


def test_the_admin_officer_corrects_a_name_on_the_page_and_a_missing_reason_is_said_under_it(
        world, client, login_verified):
    victim = world["victim"]
    login_verified(client, world["admin"])
    case_page = client.get(reverse("cases:detail", args=[world["case"].pk])).content.decode()
    assert _url(world) in case_page
    page = client.get(_url(world))
    assert page.status_code == 200 and "Wulan Sekar Arum" in page.content.decode()
    assert AccessLog.objects.filter(user=world["admin"], action=AccessAction.REVEAL_IDENTITY,
                                    object_id=str(world["case"].pk)).exists()
    prefix = f"victim-{victim.pk}"
    form = {"target": prefix, f"{prefix}-full_name": "Wulandari Putri", f"{prefix}-category": "adult_woman",
            f"{prefix}-sex": "f", f"{prefix}-nik": "3174054101900099", f"{prefix}-phone": "0812-3456-7000",
            f"{prefix}-region": "3174", f"{prefix}-reason": ""}

    refused = client.post(_url(world), form)

    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Alasan koreksi wajib diisi." in html and "Koreksi belum disimpan" in html
    victim.refresh_from_db()
    assert victim.full_name == "Wulan Sekar Arum" and not Correction.objects.exists()

    done = client.post(_url(world), {**form, f"{prefix}-reason": REASON})

    assert done.status_code == 302
    victim.refresh_from_db()
    assert victim.full_name == "Wulandari Putri"
    assert Correction.objects.get().fields == ["full_name"]
    case_page = client.get(reverse("cases:detail", args=[world["case"].pk])).content.decode()
    assert 'Data pengaduan dikoreksi: <span class="event-detail">Korban: nama lengkap</span>' in case_page
    assert "WP" in case_page


def test_a_victim_is_added_on_the_page_and_the_triage_page_asks_for_a_review(world, client, login_verified):
    login_verified(client, world["admin"])
    father = world["perpetrator"]
    triage_record(actor=world["admin"], complaint=world["complaint"], emergency_conditions=[],
                  complexity_conditions=[], needs_multiple_services=False, cross_region=False,
                  complexity_change_reason="Relasi kuasa tidak terbukti saat verifikasi")
    triage_url = reverse("triage:detail", args=[world["case"].pk])
    assert "Perlu ditinjau ulang" not in client.get(triage_url).content.decode()
    answer = client.post(_url(world), {
        "target": "add-victim", "add-victim-full_name": "Bunga Citra", "add-victim-category": "child",
        "add-victim-sex": "f", "add-victim-consent_by": "parent", "add-victim-consent_form": "oral",
        f"add-victim-relation-{father.pk}": "parent", "add-victim-reason": "Anak korban juga mengalami"})
    assert answer.status_code == 302
    child = Victim.objects.filter(complaint=world["complaint"]).order_by("-id").first()
    assert child.category == "child" and child.initials == "BC"
    assert PerpetratorLink.objects.get(perpetrator=father, victim=child).relation == "parent"
    assert "Perlu ditinjau ulang" in client.get(triage_url).content.decode()


# --- the API -----------------------------------------------------------------------------------------

def _api(world, what="corrections"):
    return f"/api/cases/{world['case'].pk}/complaints/{world['complaint'].public_id}/{what}/"


def test_the_api_corrects_with_a_reason_refuses_without_and_answers_404_to_another_agency(
        world, uptd, client):
    victim = world["victim"]
    body = {"victim": {"full_name": "Wulandari Putri"}, "victim_id": victim.pk, "reason": ""}
    client.force_login(member(AgencyFactory(code="uptd-lain", kind="uptd_ppa"), Role.ADMIN_OFFICER))
    assert client.post(_api(world), body, content_type="application/json").status_code == 404
    client.force_login(member(uptd, Role.KONSELOR))
    assert client.post(_api(world), body, content_type="application/json").status_code == 403
    client.force_login(world["admin"])

    refused = client.post(_api(world), body, content_type="application/json")

    assert refused.status_code == 400 and refused.json() == {"reason": ["Alasan koreksi wajib diisi."]}
    assert not Correction.objects.exists()
    done = client.post(_api(world), {**body, "reason": REASON}, content_type="application/json")
    assert done.status_code == 201 and done.json()["fields"] == ["full_name"]
    world["case"].refresh_from_db()
    assert world["case"].initials == "WP"
    other = client.post(_api(world), {"victim": {"sex": "m"}, "victim_id": 999999, "reason": REASON},
                        content_type="application/json")
    assert other.status_code == 404


def test_the_api_adds_a_victim_and_a_perpetrator_with_relations_per_victim(world, client):
    client.force_login(world["admin"])
    father, mother = world["perpetrator"], world["victim"]
    child = client.post(_api(world, "victims"), {
        "victim": {"full_name": "Bunga Citra", "category": "child"}, "relations": {str(father.pk): "parent"},
        "reason": "Anak korban juga"}, content_type="application/json")
    assert child.status_code == 201
    child_id = child.json()["id"]
    bad = client.post(_api(world, "perpetrators"),
                      {"full_name": "Paman", "relations": {"x": "family"}, "reason": "Terlapor kedua"},
                      content_type="application/json")
    assert bad.status_code == 400
    uncle = client.post(_api(world, "perpetrators"), {
        "full_name": "Paman", "relations": {str(mother.pk): "family", str(child_id): "guardian"},
        "reason": "Terlapor kedua"}, content_type="application/json")
    assert uncle.status_code == 201
    assert dict(PerpetratorLink.objects.filter(perpetrator_id=uncle.json()["id"])
                .values_list("victim_id", "relation")) == {mother.pk: "family", child_id: "guardian"}
    relations = dict(father.links.values_list("victim_id", "relation"))
    assert relations == {mother.pk: "spouse", child_id: "parent"}


# --- signed minutes keep what they printed -----------------------------------------------------------

def test_signed_minutes_stay_as_printed_after_the_name_is_corrected(signing_ca, uptd):
    import hashlib
    import io

    from pypdf import PdfReader

    from tests.cases.test_lifecycle_callers import _close_and_ready, _sign
    from tests.meetings.helpers import make_meeting, make_team, propose_and_open, register, select

    team = make_team(uptd)
    complaint = register(uptd, name="Wulan Sekar Arum")
    meeting = make_meeting(team)
    propose_and_open(team, meeting, [complaint])
    select(team, meeting, complaint.case, uptd)
    _close_and_ready(team, meeting)
    minutes = _sign(meeting, team.ketua)
    document = minutes.document
    printed = document.pdf.open("rb").read()
    # The minutes print no initials at all (issue 13 point 8): what they printed stays, byte for byte.
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(printed)).pages)
    assert complaint.case.number in text and "WSA" not in text

    head = member(uptd, Role.HEAD)
    corrections.victim_correct(actor=head, victim=complaint.victims.get(), reason=REASON,
                               changes={"full_name": "Wulandari Putri"})

    complaint.case.refresh_from_db()
    assert complaint.case.initials == "WP"  # from now on
    document.refresh_from_db()
    kept = document.pdf.open("rb").read()
    assert kept == printed and hashlib.sha256(kept).hexdigest() == document.sha256


def test_correcting_a_victims_category_to_child_marks_the_triage_for_review(world):
    admin, complaint = world["admin"], world["complaint"]
    triage_record(actor=admin, complaint=complaint, emergency_conditions=[], complexity_conditions=[],
                  needs_multiple_services=False, cross_region=False,
                  complexity_change_reason="Relasi kuasa tidak terbukti saat verifikasi")
    corrections.victim_correct(actor=admin, victim=world["victim"], reason="Korban ternyata 16 tahun",
                               changes={"category": "child", "estimated_age": 16})
    assert TriageAssessment.objects.get().needs_review
    world["victim"].refresh_from_db()
    assert world["victim"].age_band_at_incident == "13-17"
    [review] = _events(complaint.case, EventType.TRIAGE_REVIEW_NEEDED)
    assert review.payload["reason"] == "victim_corrected"


def test_registration_refuses_an_unknown_relation_and_saves_nothing(uptd):
    from cases.models import Case

    with pytest.raises(ValidationError) as refused:
        complaint_register(actor=member(uptd, Role.ADMIN_OFFICER), receiving_agency=uptd,
                           data=complaint_input(perpetrators=[PerpetratorInput(relation="")]))
    assert refused.value.message_dict["perpetrators-0-relation"] == [
        "Hubungan terlapor dengan korban tidak dikenal."]
    assert not Case.objects.exists()


def test_the_correction_page_shows_a_counter_under_every_free_text_as_registration_does(
        world, client, login_verified):
    login_verified(client, world["admin"])
    page = client.get(_url(world)).content.decode()
    chronology = re.search(r'<textarea name="complaint-chronology"[^>]*>', page).group(0)
    assert f'maxlength="{limits.CHRONOLOGY}"' in chronology and "data-counter=" in chronology
    for name in ("complaint-incident_place", "complaint-safe_contact", "complaint-reason", "reporter-address",
                 "reporter-reason", f"victim-{world['victim'].pk}-reason"):
        assert re.search(rf'name="{name}"[^>]*data-counter=', page), name
