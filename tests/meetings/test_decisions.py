"""SOP (SKB E.1.b.2.b–c, E.1.c, E.3.b): joint assessment, decisions for cases on the agenda, action
items with agency and due date; nothing changes once the minutes leave draft; decisions have no
effect on the case or its access until signed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseGrant, CaseStatus
from common.errors import ApplicationError
from meetings import services
from meetings.models import (
    ActionItem,
    Decision,
    DecisionKind,
    Minutes,
    MinutesStatus,
    PresidingRole,
)
from tests.meetings.helpers import (
    close_deferring,
    criterion_5,
    make_meeting,
    prepare,
    propose_and_open,
    register,
    select,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(team, uptd, polres):
    complaints = [register(uptd, name="Ani Satu", nik=""), register(polres, name="Budi Dua", nik="")]
    meeting = make_meeting(team)
    propose_and_open(team, meeting, complaints)
    return meeting, [c.case for c in complaints]


def test_the_ketua_presides_and_the_wakil_when_the_ketua_is_absent(team, uptd):
    m1 = services.meeting_open(actor=team.sekretaris, meeting=make_meeting(team), attendee_ids=team.ids)
    assert (m1.presiding_officer, m1.presiding_role) == (team.ketua, PresidingRole.KETUA)
    m2 = services.meeting_open(actor=team.sekretaris, meeting=make_meeting(team, days=2),
                               attendee_ids=[team.sekretaris.pk, team.wakil.pk])
    assert (m2.presiding_officer, m2.presiding_role) == (team.wakil, PresidingRole.WAKIL_KETUA)
    with pytest.raises(ApplicationError) as exc:
        services.meeting_open(actor=team.sekretaris, meeting=make_meeting(team, days=3),
                              attendee_ids=[team.sekretaris.pk, team.anggota.pk])
    assert exc.value.message == services.NO_PRESIDING_OFFICER
    assert m2.attendance.count() == 2 and m2.attendance.first().agency == uptd


def test_two_selections_meet_the_weekly_target_without_touching_the_cases(held, team, uptd, polres):
    meeting, (case_a, case_b) = held
    select(team, meeting, case_a, uptd)
    select(team, meeting, case_b, polres)

    from meetings.selectors import meeting_get_for_user
    assert meeting_get_for_user(user=team.anggota, id=meeting.pk).selected_count == 2
    case_a.refresh_from_db()
    assert case_a.status != CaseStatus.SELECTED
    assert not CaseGrant.objects.filter(content_object=case_b, group=uptd.group).exists()
    assert not Decision.objects.filter(applied_at__isnull=False).exists()


def test_a_decision_for_a_case_not_on_the_agenda_is_refused(held, team, uptd):
    meeting, _ = held
    stray = register(uptd, name="Citra Tiga", nik="").case
    with pytest.raises(ApplicationError) as exc:
        select(team, meeting, stray, uptd)
    assert exc.value.message == services.DECISION_NOT_ON_AGENDA
    assert not Decision.objects.filter(case=stray).exists()


def test_a_selection_names_agencies_and_a_refusal_names_a_reason(held, team, uptd):
    meeting, (case_a, _) = held
    prepare(team, meeting, case_a)
    with pytest.raises(ApplicationError) as exc:
        services.decision_record(actor=team.ketua, meeting=meeting, case=case_a, kind=DecisionKind.SELECT,
                                 **criterion_5(case_a))
    assert exc.value.message == services.DECISION_NEEDS_AGENCIES
    with pytest.raises(ApplicationError) as exc:
        services.decision_record(actor=team.ketua, meeting=meeting, case=case_a, kind=DecisionKind.NOT_SELECT)
    assert exc.value.message == services.DECISION_NEEDS_REASON
    with pytest.raises(ApplicationError) as exc:
        services.decision_record(actor=team.ketua, meeting=meeting, case=case_a,
                                 kind=DecisionKind.EMERGENCY_CONFIRM, coordinator_agency=uptd)
    assert exc.value.message == services.DECISION_KIND_INVALID
    assert not Decision.objects.exists()


@pytest.mark.parametrize("missing", ["description", "responsible_agency", "due_date"])
def test_an_action_item_without_what_who_or_when_is_refused(held, team, uptd, missing):
    meeting, (case_a, _) = held
    decision = select(team, meeting, case_a, uptd)
    data = {"description": "Jadwalkan visum", "responsible_agency": uptd,
            "due_date": timezone.localdate() + timedelta(days=5)}
    data[missing] = "" if missing == "description" else None
    with pytest.raises(ApplicationError) as exc:
        services.action_item_add(actor=team.sekretaris, decision=decision, **data)
    assert exc.value.message == services.ACTION_ITEM_INCOMPLETE
    assert not ActionItem.objects.exists()


def test_attendance_cannot_change_after_the_meeting_closed(held, team):
    meeting, _ = held
    close_deferring(team, meeting)
    with pytest.raises(ApplicationError) as exc:
        services.attendance_update(actor=team.sekretaris, meeting=meeting, attendee_ids=[team.ketua.pk])
    assert exc.value.message == services.ATTENDANCE_CLOSED
    assert meeting.attendance.count() == 4


def test_nothing_changes_once_the_minutes_are_ready_or_signed(held, team, uptd):
    meeting, (case_a, case_b) = held
    decision = select(team, meeting, case_a, uptd)
    close_deferring(team, meeting)
    services.minutes_mark_ready(actor=team.sekretaris, meeting=meeting)
    with pytest.raises(ApplicationError) as exc:
        select(team, meeting, case_b, uptd)
    assert exc.value.message == services.MINUTES_LOCKED

    # Simulate the signed state (signing is meetings.signing's) to prove the services' guard.
    Minutes.objects.filter(meeting=meeting).update(status=MinutesStatus.SIGNED, signed_at=timezone.now())
    for attempt in (
        lambda: services.action_item_add(actor=team.sekretaris, decision=decision, description="x",
                                         responsible_agency=uptd, due_date=timezone.localdate()),
        lambda: services.decision_record(actor=team.ketua, meeting=meeting, case=case_a,
                                         kind=DecisionKind.NOT_SELECT, reason="Berubah pikiran"),
        lambda: services.minutes_update_notes(actor=team.sekretaris, meeting=meeting, notes="ubah"),
        lambda: services.minutes_return_to_draft(actor=team.sekretaris, meeting=meeting),
    ):
        with pytest.raises(ApplicationError) as exc:
            attempt()
        assert exc.value.message == services.MINUTES_SIGNED
    assert Decision.objects.get(pk=decision.pk).kind == DecisionKind.SELECT


def test_reschedule_and_cancel_need_a_reason_and_count_against_the_schedule(team):
    meeting = make_meeting(team)
    with pytest.raises(ApplicationError):
        services.meeting_reschedule(actor=team.sekretaris, meeting=meeting,
                                    starts_at=timezone.now() + timedelta(days=2), reason=" ")
    services.meeting_reschedule(actor=team.sekretaris, meeting=meeting,
                                starts_at=timezone.now() + timedelta(days=2), reason="Ketua dinas luar")
    meeting = services.meeting_open(actor=team.sekretaris, meeting=meeting, attendee_ids=team.ids)
    assert meeting.held_on_schedule is False and meeting.reschedule_count == 1
    other = make_meeting(team, days=3)
    services.meeting_cancel(actor=team.sekretaris, meeting=other, reason="Libur nasional")
    other.refresh_from_db()
    assert other.status == "cancelled" and other.cancel_reason == "Libur nasional"


def test_the_minutes_preview_shows_attendance_decisions_and_action_items(client, held, team, uptd):
    meeting, (case_a, case_b) = held
    decision = select(team, meeting, case_a, uptd)
    services.action_item_add(actor=team.sekretaris, decision=decision, description="Jadwalkan visum",
                             responsible_agency=uptd, due_date=timezone.localdate() + timedelta(days=5))
    client.force_login(team.anggota)
    body = client.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
    for text in (team.ketua.display_name, case_a.number, "Ditetapkan masuk program terpadu",
                 "Jadwalkan visum", uptd.name, "belum berlaku"):
        assert text in body
