"""Issue 13 points 1 and 2 — a selection rests on the assessment (R5–R7; SKB E.1.b.2.c "berdasarkan
hasil asesmen") and on the case's criteria (R23; SKB E.1.a): a *select* decision and an emergency
confirmation need the case's presentation and the joint assessment, here or at an earlier meeting
(the refusal names what is missing); the secretary may record an oral presentation with the
presenter named, so an emergency can always be formalised; a case the triage found not eligible,
or never triaged, is selected only as a priority pilot case (criterion 5) with a reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agencies.models import Role
from cases.models import CaseEvent, EventType
from common.errors import ApplicationError
from meetings import selectors, services
from meetings.models import CasePresentation, Decision, DecisionKind, JointAssessment
from tests.factories import member
from tests.meetings.helpers import (
    PRIORITY_REASON,
    decide,
    make_meeting,
    prepare,
    propose_and_open,
    register,
)

pytestmark = pytest.mark.django_db

RATINGS = {"violence": 3, "urgency": 4, "psychosocial": 3, "coordination": 2}


@pytest.fixture
def held(team, uptd):
    complaint = register(uptd, name="Ani Satu", nik="")
    meeting = make_meeting(team)
    propose_and_open(team, meeting, [complaint])
    return meeting, complaint.case


def _present(item, actor, **texts):
    data = {"chronology": "KDRT berulang sejak 2025.", "current_condition": "Di rumah aman.",
            "obstacles": "Visum belum dijadwalkan.", **texts}
    return services.presentation_save(actor=actor, item=item, **data)


def _select(team, meeting, case, agency, **kw):
    return services.decision_record(actor=team.ketua, meeting=meeting, case=case, kind=DecisionKind.SELECT,
                                    serving_agencies=[agency], coordinator_agency=agency,
                                    **{"priority_pilot": True, "priority_reason": PRIORITY_REASON, **kw})


def _triage(complaint, *, eligible: bool):
    from triage.services import triage_record

    # The perpetrator was registered in a power relation; the triage found otherwise, and says why.
    return triage_record(actor=member(complaint.receiving_agency, Role.HEAD), complaint=complaint,
                         emergency_conditions=[], complexity_conditions=[],
                         needs_multiple_services=eligible, cross_region=False,
                         complexity_change_reason="Relasi kuasa tidak terbukti saat verifikasi.")


# --- point 1: the presentation and the joint assessment ------------------------------------------

def test_a_selection_with_neither_presentation_nor_assessment_is_refused_naming_both(held, team, uptd):
    meeting, case = held
    with pytest.raises(ApplicationError) as exc:
        _select(team, meeting, case, uptd)
    assert exc.value.message == services.DECISION_NEEDS_BASIS
    assert not Decision.objects.exists()
    assert not CaseEvent.objects.filter(case=case, event_type=EventType.DECISION_RECORDED).exists()


def test_a_selection_without_the_assessment_is_refused_naming_it(held, team, uptd):
    meeting, case = held
    _present(meeting.agenda.get(case=case), member(uptd, Role.PENDAMPING))
    with pytest.raises(ApplicationError) as exc:
        _select(team, meeting, case, uptd)
    assert exc.value.message == services.DECISION_NEEDS_ASSESSMENT
    assert not Decision.objects.exists()


def test_a_selection_without_the_presentation_is_refused_naming_it(held, team, uptd):
    meeting, case = held
    services.assessment_save(actor=team.ketua, item=meeting.agenda.get(case=case), ratings=RATINGS)
    with pytest.raises(ApplicationError) as exc:
        _select(team, meeting, case, uptd)
    assert exc.value.message == services.DECISION_NEEDS_PRESENTATION
    assert not Decision.objects.exists()


def test_with_both_the_selection_is_recorded(held, team, uptd):
    meeting, case = held
    item = meeting.agenda.get(case=case)
    _present(item, member(uptd, Role.PENDAMPING))
    services.assessment_save(actor=team.ketua, item=item, ratings=RATINGS)
    assert _select(team, meeting, case, uptd).kind == DecisionKind.SELECT


def test_a_refusal_or_a_deferral_needs_no_assessment(held, team):
    meeting, case = held
    d = services.decision_record(actor=team.ketua, meeting=meeting, case=case, kind=DecisionKind.DEFER,
                                 reason="Menunggu hasil visum")
    assert d.kind == DecisionKind.DEFER


def test_the_presentation_and_assessment_of_an_earlier_meeting_count(held, team, uptd):
    meeting, case = held
    item = meeting.agenda.get(case=case)
    _present(item, member(uptd, Role.PENDAMPING))
    services.assessment_save(actor=team.ketua, item=item, ratings=RATINGS)
    services.decision_record(actor=team.ketua, meeting=meeting, case=case, kind=DecisionKind.DEFER,
                             reason="Menunggu hasil visum")
    services.meeting_close(actor=team.sekretaris, meeting=meeting)
    later = make_meeting(team, days=8)
    assert later.agenda.filter(case=case).exists()  # no final decision: back on the agenda
    services.meeting_open(actor=team.sekretaris, meeting=later, attendee_ids=team.ids)
    assert _select(team, later, case, uptd).kind == DecisionKind.SELECT


def test_a_presentation_refused_when_incomplete_and_nothing_saved(held, uptd):
    meeting, case = held
    for missing in ("chronology", "current_condition", "obstacles"):
        with pytest.raises(ApplicationError) as exc:
            _present(meeting.agenda.get(case=case), member(uptd, Role.PENDAMPING), **{missing: "  "})
        assert exc.value.message == services.PRESENTATION_INCOMPLETE
    assert not CasePresentation.objects.exists()


@pytest.mark.parametrize("ratings", [
    {"violence": 3, "urgency": 4, "psychosocial": 3},                    # a dimension not rated
    {"violence": 3, "urgency": 4, "psychosocial": 3, "coordination": 5},  # not a rating
    {"violence": 3, "urgency": "", "psychosocial": 3, "coordination": 2},
])
def test_an_assessment_without_four_ratings_is_refused_and_nothing_saved(held, team, ratings):
    meeting, case = held
    with pytest.raises(ApplicationError) as exc:
        services.assessment_save(actor=team.ketua, item=meeting.agenda.get(case=case), ratings=ratings)
    assert exc.value.message == services.ASSESSMENT_INCOMPLETE
    assert not JointAssessment.objects.exists()


# --- an oral presentation: an emergency can always be formalised -----------------------------------

@pytest.fixture
def emergency(team, uptd):
    from triage.services import triage_record

    complaint = register(uptd, name="Citra Tiga", nik="")
    triage_record(actor=member(uptd, Role.HEAD), complaint=complaint, emergency_conditions=["severe_injury"],
                  complexity_conditions=["power_relation"], needs_multiple_services=True, cross_region=False)
    meeting = make_meeting(team)
    services.meeting_open(actor=team.sekretaris, meeting=meeting, attendee_ids=team.ids)
    return meeting, complaint.case


def _oral(item, actor, presenter="Rina, pendamping UPTD PPA"):
    return services.presentation_record_oral(
        actor=actor, item=item, presenter=presenter, chronology="Korban dianiaya semalam.",
        current_condition="Dirawat di IGD.", obstacles="Belum ada rumah aman.")


def test_an_emergency_confirmation_needs_the_presentation_and_the_assessment(emergency, team, uptd):
    meeting, case = emergency
    with pytest.raises(ApplicationError) as exc:
        services.decision_record(actor=team.ketua, meeting=meeting, case=case,
                                 kind=DecisionKind.EMERGENCY_CONFIRM, coordinator_agency=uptd)
    assert exc.value.message == services.DECISION_NEEDS_BASIS
    assert not Decision.objects.exists()


def test_the_secretary_records_an_oral_presentation_and_the_emergency_is_formalised(emergency, team, uptd):
    meeting, case = emergency
    item = meeting.agenda.get(case=case)
    p = _oral(item, team.sekretaris)
    assert p.is_oral and p.oral_presenter == "Rina, pendamping UPTD PPA" and p.presented_by == team.sekretaris
    assert CaseEvent.objects.get(case=case, event_type=EventType.PRESENTED).payload["oral"] is True
    services.assessment_save(actor=team.sekretaris, item=item, ratings=RATINGS)
    d = services.decision_record(actor=team.ketua, meeting=meeting, case=case,
                                 kind=DecisionKind.EMERGENCY_CONFIRM, coordinator_agency=uptd)
    assert d.kind == DecisionKind.EMERGENCY_CONFIRM


def test_an_oral_presentation_names_its_presenter_and_is_the_secretarys(emergency, team, uptd):
    meeting, case = emergency
    item = meeting.agenda.get(case=case)
    with pytest.raises(ApplicationError) as exc:
        _oral(item, team.sekretaris, presenter=" ")
    assert exc.value.message == services.ORAL_PRESENTER_REQUIRED and exc.value.field == "presenter"
    with pytest.raises(ApplicationError) as exc:
        _oral(item, member(uptd, Role.PENDAMPING))
    assert exc.value.message == services.NOT_EDITOR
    assert not CasePresentation.objects.exists()


def test_an_oral_presentation_is_recorded_at_the_opened_meeting_only(team, uptd):
    complaint = register(uptd, name="Dewi Empat", nik="")
    meeting = make_meeting(team)
    services.screening_record(actor=team.sekretaris, meeting=meeting,
                              outcomes={str(complaint.public_id): "proposed"})
    with pytest.raises(ApplicationError) as exc:
        _oral(meeting.agenda.get(case=complaint.case), team.sekretaris)
    assert exc.value.message == services.NOT_OPEN


def test_the_item_page_records_an_oral_presentation(client, emergency, team):
    meeting, case = emergency
    item = meeting.agenda.get(case=case)
    client.force_login(team.sekretaris)
    url = reverse("meetings:oral-presentation", args=[meeting.pk, item.pk])
    resp = client.post(url, {"presenter": "", "chronology": "a", "current_condition": "b", "obstacles": "c"})
    assert resp.status_code == 400 and not CasePresentation.objects.exists()
    page = client.get(reverse("meetings:item", args=[meeting.pk, item.pk])).content.decode()
    assert "paparan kasus dan asesmen bersama" in page  # what a decision still lacks
    resp = client.post(url, {"presenter": "Rina, pendamping", "chronology": "a", "current_condition": "b",
                             "obstacles": "c"})
    assert resp.status_code == 302 and CasePresentation.objects.get().oral_presenter == "Rina, pendamping"
    page = client.get(reverse("meetings:item", args=[meeting.pk, item.pk])).content.decode()
    assert "Paparan lisan di rapat oleh Rina, pendamping" in page


# --- point 2: the triage's criteria and criterion 5 -------------------------------------------------

def test_selecting_a_case_without_triage_needs_criterion_5_with_a_reason(held, team, uptd):
    meeting, case = held
    prepare(team, meeting, case)
    with pytest.raises(ApplicationError) as exc:
        _select(team, meeting, case, uptd, priority_pilot=False, priority_reason="")
    assert exc.value.message == services.DECISION_NEEDS_CRITERION_5
    with pytest.raises(ApplicationError) as exc:
        _select(team, meeting, case, uptd, priority_reason="  ")
    assert exc.value.message == services.CRITERION_5_NEEDS_REASON and exc.value.field == "priority_reason"
    assert not Decision.objects.exists()
    d = _select(team, meeting, case, uptd)
    assert (d.priority_pilot, d.priority_reason, d.triage_eligible, d.criteria_met) == (
        True, PRIORITY_REASON, None, [])
    assert CaseEvent.objects.get(case=case, event_type=EventType.DECISION_RECORDED).payload["priority_pilot"]


def test_selecting_a_case_the_triage_found_not_eligible_needs_criterion_5(team, uptd):
    complaint = register(uptd, name="Eka Lima", nik="")
    _triage(complaint, eligible=False)
    meeting = make_meeting(team)
    propose_and_open(team, meeting, [complaint])
    prepare(team, meeting, complaint.case)
    with pytest.raises(ApplicationError) as exc:
        _select(team, meeting, complaint.case, uptd, priority_pilot=False)
    assert exc.value.message == services.DECISION_NEEDS_CRITERION_5
    d = _select(team, meeting, complaint.case, uptd)
    assert d.priority_pilot and d.triage_eligible is False and d.criteria_met == ["scope", "c1"]


def test_an_eligible_case_is_selected_on_its_criteria_which_the_decision_keeps(client, team, uptd):
    complaint = register(uptd, name="Fitri Enam", nik="")
    _triage(complaint, eligible=True)
    meeting = make_meeting(team)
    propose_and_open(team, meeting, [complaint])
    prepare(team, meeting, complaint.case)
    d = _select(team, meeting, complaint.case, uptd, priority_pilot=False, priority_reason="")
    assert (d.priority_pilot, d.triage_eligible, d.criteria_met) == (False, True, ["scope", "c1", "c2"])
    client.force_login(team.anggota)
    page = client.get(reverse("meetings:item", args=[meeting.pk, d.agenda_item_id])).content.decode()
    assert "Kriteria 2: lebih dari satu layanan" in page and "Memenuhi kriteria program terpadu." in page
    minutes = client.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
    assert "Kriteria 2: lebih dari satu layanan" in minutes and "Kriteria 5" not in minutes


def test_criterion_5_is_shown_on_the_decision_and_counted_once_signed(client, held, team, uptd, signing_ca):
    from tests.meetings.test_signing import sign

    meeting, case = held
    decide(team, meeting, case, DecisionKind.SELECT, serving_agencies=[uptd], coordinator_agency=uptd)
    client.force_login(team.anggota)
    item = meeting.agenda.get(case=case)
    page = client.get(reverse("meetings:item", args=[meeting.pk, item.pk])).content.decode()
    assert "Kriteria 5: kasus prioritas percontohan" in page and PRIORITY_REASON in page
    assert selectors.kpi_summary()["priority_pilot"] == 0  # not before the minutes are signed
    services.meeting_close(actor=team.sekretaris, meeting=meeting)
    services.minutes_mark_ready(actor=team.sekretaris, meeting=meeting)
    sign(meeting, team.ketua)
    assert selectors.kpi_summary()["priority_pilot"] == 1
    page = client.get(reverse("meetings:list")).content.decode()
    assert "kriteria 5, notula bertanda tangan): 1." in page


def _list_target_cell(client, meeting) -> str:
    page = client.get(reverse("meetings:list")).content.decode()
    row = page.split(f'href="{reverse("meetings:detail", args=[meeting.pk])}"')[1].split("</tr>")[0]
    return row.split('data-label="Ditetapkan')[1].split("</td>")[0]


def test_the_meetings_list_counts_selections_of_signed_minutes_only_and_says_minutes_await_signing(
        client, held, team, uptd, signing_ca):
    """The list's target column put selections recorded in unsigned minutes next to the weekly
    target: it now says the minutes await signing, and counts the selections once signed."""
    from tests.meetings.test_signing import sign

    meeting, case = held
    decide(team, meeting, case, DecisionKind.SELECT, serving_agencies=[uptd], coordinator_agency=uptd)
    client.force_login(team.anggota)
    cell = _list_target_cell(client, meeting)
    assert "menunggu tanda tangan" in cell
    assert "1" not in cell and "target tercapai" not in cell and "belum tercapai" not in cell
    services.meeting_close(actor=team.sekretaris, meeting=meeting)
    services.minutes_mark_ready(actor=team.sekretaris, meeting=meeting)
    assert "menunggu tanda tangan" in _list_target_cell(client, meeting)
    sign(meeting, team.ketua)
    cell = _list_target_cell(client, meeting)
    assert "menunggu tanda tangan" not in cell
    assert cell.split(">", 1)[1].strip().startswith("1 ") and "belum tercapai" in cell
