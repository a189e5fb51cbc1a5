"""Issue 13 point 8 — the minutes fit every reader. Ministry viewers download signed minutes but hold
no case access: the minutes carry each case's number, violence types, the assessment ratings, the
decision with its reason and the action items — no initials, no exact age, not the presentation's
narrative (which stays in the system for team members). The identity check shows the matched word
only in the form field; only the presentation's narrative takes a presenter's confirmation that a
matched word is a common word ("putri")."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from agencies.models import Role
from cases.models import CaseEvent, EventType
from cases.selectors import case_get_for_user
from common.errors import ApplicationError
from meetings import services
from meetings.models import CasePresentation, Decision, DecisionKind
from tests.factories import member
from tests.meetings.helpers import PRIORITY_REASON, make_meeting, propose_and_open, register
from tests.meetings.test_signing import sign

pytestmark = pytest.mark.django_db

NARRATIVE = "dianiaya ayah tirinya di rumah kontrakan"


@pytest.fixture
def signed(team, uptd, rsud, signing_ca):
    """Minutes signed for a case whose presentation names the victim's initials and exact age."""
    complaint = register(uptd, name="Wulan Sekar Arum", nik="3174054101900099")
    case = complaint.case
    assert case.initials
    meeting = make_meeting(team)
    propose_and_open(team, meeting, [complaint])
    item = meeting.agenda.get(case=case)
    services.presentation_save(
        actor=member(uptd, Role.PENDAMPING), item=item,
        chronology=f"Korban {case.initials}, berusia 9 tahun, {NARRATIVE}.",
        current_condition=f"{case.initials} tinggal bersama neneknya, masih ketakutan.",
        obstacles="Ibu korban menolak melapor ke polisi.")
    services.assessment_save(actor=team.sekretaris, item=item,
                             ratings={"violence": 4, "urgency": 3, "psychosocial": 2, "coordination": 1},
                             notes={"violence": f"{case.initials} mengalami kekerasan fisik dan seksual"})
    decision = services.decision_record(
        actor=team.ketua, meeting=meeting, case=case, kind=DecisionKind.SELECT,
        reason="Butuh layanan medis, hukum dan psikologis terpadu.", serving_agencies=[uptd, rsud],
        coordinator_agency=uptd, priority_pilot=True, priority_reason=PRIORITY_REASON)
    services.action_item_add(actor=team.sekretaris, decision=decision,
                             description="Visum et repertum di RSUD", responsible_agency=rsud,
                             due_date=timezone.localdate() + timedelta(days=7))
    services.meeting_close(actor=team.sekretaris, meeting=meeting)
    services.minutes_mark_ready(actor=team.sekretaris, meeting=meeting)
    minutes = sign(meeting, team.ketua)
    with minutes.document.pdf.open("rb") as fh:
        pdf = fh.read()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    return meeting, case, " ".join(text.split())


def test_the_signed_pdf_carries_what_every_reader_needs_and_no_initials_age_or_narrative(signed):
    _meeting, case, text = signed
    for shown in (case.number, "KDRT", "Sangat tinggi", "Tinggi", "Sedang", "Rendah",
                  "Ditetapkan masuk program terpadu", "Butuh layanan medis, hukum dan psikologis terpadu.",
                  "Visum et repertum di RSUD", "Kriteria 5", "disampaikan tertulis oleh UPTD PPA Uji"):
        assert shown in text, shown
    for hidden in ("berusia 9 tahun", "9 tahun", "berusia", case.initials, NARRATIVE, "neneknya",
                   "menolak melapor", "kekerasan fisik dan seksual", "Wulan", "3174054101900099"):
        assert hidden not in text, hidden


def test_team_members_still_read_the_narrative_in_the_system(client, signed, team):
    meeting, case, _text = signed
    item = meeting.agenda.get(case=case)
    client.force_login(team.anggota)
    page = client.get(reverse("meetings:item", args=[meeting.pk, item.pk])).content.decode()
    assert NARRATIVE in page and "berusia 9 tahun" in page
    preview = client.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
    assert NARRATIVE not in preview and "berusia 9 tahun" not in preview


def test_a_ministry_viewer_downloads_the_minutes_without_any_case_access(client, signed, team):
    from tests.factories import AgencyFactory

    meeting, case, _text = signed
    viewer = member(AgencyFactory(code="kemen-uji", name="Kementerian Uji", kind="ministry"),
                    Role.MINISTRY_VIEWER)
    client.force_login(viewer)
    resp = client.get(reverse("meetings:minutes-pdf", args=[meeting.pk]))
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    with pytest.raises(Http404):
        case_get_for_user(user=viewer, id=case.pk)


# --- the identity check: the word only in the form field -----------------------------------------

@pytest.fixture
def item(team, uptd):
    complaint = register(uptd, name="Putri Ayu Lestari", nik="3174054101900077")
    meeting = make_meeting(team)
    propose_and_open(team, meeting, [complaint])
    return meeting.agenda.get(case=complaint.case)


TEXTS = {"chronology": "Korban adalah putri sulung keluarga itu.",
         "current_condition": "Stabil di rumah aman.", "obstacles": "Visum belum dijadwalkan."}


def test_the_matched_word_is_never_in_the_message_the_api_or_the_log(client, item, uptd, caplog,
                                                                     login_verified):
    officer = member(uptd, Role.PENDAMPING)
    with pytest.raises(ApplicationError) as exc:
        services.presentation_save(actor=officer, item=item, **TEXTS)
    assert exc.value.message == services.HAS_NAME and exc.value.word == "putri"
    for rendered in (exc.value.message, str(exc.value), repr(exc.value), str(exc.value.extra)):
        assert "putri" not in rendered.lower()
    client.force_login(officer)
    with caplog.at_level(logging.DEBUG):
        resp = client.post(reverse("api:meeting-presentation", args=[item.meeting_id, item.pk]), TEXTS,
                           content_type="application/json")
    assert resp.status_code == 400 and resp.json() == {"detail": services.HAS_NAME}
    assert "putri" not in resp.content.decode().lower()
    assert "putri" not in caplog.text.lower()
    assert not CasePresentation.objects.exists()


def test_the_page_shows_the_word_under_its_field_and_the_presenter_may_confirm_a_common_word(
        client, item, uptd):
    officer = member(uptd, Role.PENDAMPING)
    client.force_login(officer)
    url = reverse("meetings:presentation", args=[item.meeting_id, item.pk])
    resp = client.post(url, TEXTS)
    page = resp.content.decode()
    assert resp.status_code == 400 and not CasePresentation.objects.exists()
    assert "“putri”" in page and 'name="common_words" value="putri"' in page
    assert page.index("“putri”") > page.index('name="chronology"')  # under the field it came from
    resp = client.post(url, {**TEXTS, "common_words": ["putri"]})
    assert resp.status_code == 302
    p = CasePresentation.objects.get()
    assert p.chronology == TEXTS["chronology"] and p.confirmed_common_words == ["putri"]
    event = CaseEvent.objects.get(case=item.case, event_type=EventType.PRESENTED)
    assert event.payload["common_words_confirmed"] == 1 and "putri" not in str(event.payload)
    assert p.history.first().confirmed_common_words == ["putri"]  # recorded


def test_a_confirmed_word_covers_only_itself_and_never_a_nik(item, uptd):
    officer = member(uptd, Role.PENDAMPING)
    with pytest.raises(ApplicationError) as exc:  # "ayu" is still a name of this victim
        services.presentation_save(actor=officer, item=item, common_words=["putri"],
                                   **{**TEXTS, "obstacles": "Ayu masih takut."})
    assert exc.value.message == services.HAS_NAME and exc.value.word == "ayu"
    with pytest.raises(ApplicationError) as exc:
        services.presentation_save(actor=officer, item=item, common_words=["putri", "3174054101900077"],
                                   **{**TEXTS, "obstacles": "NIK 3174054101900077."})
    assert exc.value.message == services.HAS_NIK
    assert not CasePresentation.objects.exists()


def test_reasons_action_items_and_notes_take_no_override(client, item, team, uptd):
    meeting, case = item.meeting, item.case
    services.presentation_save(actor=member(uptd, Role.PENDAMPING), item=item, common_words=["putri"],
                               **TEXTS)
    services.assessment_save(actor=team.sekretaris, item=item,
                             ratings={"violence": 3, "urgency": 3, "psychosocial": 3, "coordination": 3})
    client.force_login(team.sekretaris)
    resp = client.post(reverse("meetings:decision", args=[meeting.pk, item.pk]), {
        "kind": "select", "serving_agencies": [uptd.pk], "coordinator_agency": uptd.pk,
        "priority_pilot": "on", "priority_reason": "Korban putri sulung keluarga.", "common_words": "putri"})
    assert resp.status_code == 400 and "“putri”" in resp.content.decode()
    assert not Decision.objects.exists()
    decision = services.decision_record(actor=team.ketua, meeting=meeting, case=case,
                                        kind=DecisionKind.SELECT, serving_agencies=[uptd],
                                        coordinator_agency=uptd, priority_pilot=True,
                                        priority_reason=PRIORITY_REASON)
    for attempt in (
        lambda: services.action_item_add(actor=team.sekretaris, decision=decision,
                                         description="Antar putri ke RSUD", responsible_agency=uptd,
                                         due_date=timezone.localdate() + timedelta(days=3)),
        lambda: services.minutes_update_notes(actor=team.sekretaris, meeting=meeting,
                                              notes="Putri hadir bersama ibunya."),
    ):
        with pytest.raises(ApplicationError) as exc:
            attempt()
        assert exc.value.message == services.HAS_NAME


@pytest.mark.parametrize("text", ["Korban berusia 9 tahun.", "usia 9", "Umur: 14 th, pelajar SMP"])
def test_texts_that_go_into_the_minutes_carry_no_exact_age(item, team, uptd, text):
    meeting, case = item.meeting, item.case
    with pytest.raises(ApplicationError) as exc:
        services.decision_record(actor=team.ketua, meeting=meeting, case=case, kind=DecisionKind.NOT_SELECT,
                                 reason=text)
    assert exc.value.message == services.HAS_AGE
    with pytest.raises(ApplicationError) as exc:
        services.minutes_update_notes(actor=team.sekretaris, meeting=meeting, notes=text)
    assert exc.value.message == services.HAS_AGE
    assert not Decision.objects.exists()


def test_the_minutes_notes_field_asks_for_case_numbers_only_without_initials(client, team):
    meeting = make_meeting(team)
    client.force_login(team.sekretaris)
    page = client.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
    assert "tanpa nama, inisial, atau usia korban" in page
    assert "nomor kasus dan inisial saja" not in page  # the minutes carry no initials
