"""docs/conventions.md, habit 6: every service that touches a case writes its timeline row in the
same transaction, without identity in the payload."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.models import Role
from cases.models import CaseEvent, EventType
from meetings import services
from tests.factories import member
from tests.meetings.helpers import criterion_5, make_meeting, register

pytestmark = pytest.mark.django_db


def test_every_case_service_writes_its_event(team, uptd, polres):
    complaint, other = register(uptd, name="Ani Satu", nik=""), register(polres, name="Budi Dua", nik="")
    case = complaint.case
    meeting = make_meeting(team)

    def events(kind):
        return CaseEvent.objects.filter(event_type=kind, case__in=[case, other.case])

    services.screening_record(actor=team.sekretaris, meeting=meeting,
                              outcomes={str(complaint.public_id): "proposed", str(other.public_id): "noted"})
    assert events(EventType.MEETING_SCREENED).count() == 2
    assert events(EventType.AGENDA_ADDED).count() == 1
    services.agenda_add(actor=team.sekretaris, meeting=meeting, case=other.case)
    assert events(EventType.AGENDA_ADDED).count() == 2
    item_other = meeting.agenda.get(case=other.case)
    services.agenda_move(actor=team.sekretaris, item=item_other, direction="up")
    assert events(EventType.AGENDA_REORDERED).count() == 1
    services.agenda_defer(actor=team.sekretaris, item=item_other, reason="Data belum lengkap")
    assert events(EventType.AGENDA_DEFERRED).count() == 1

    services.meeting_open(actor=team.sekretaris, meeting=meeting, attendee_ids=team.ids)
    item = meeting.agenda.get(case=case)
    services.presentation_save(actor=member(uptd, Role.PENDAMPING), item=item, chronology="KDRT berulang",
                               current_condition="Stabil", obstacles="Visum")
    assert events(EventType.PRESENTED).count() == 1
    services.assessment_save(actor=team.ketua, item=item,
                             ratings={"violence": 3, "urgency": 4, "psychosocial": 3, "coordination": 2})
    assert events(EventType.ASSESSED).count() == 1
    decision = services.decision_record(actor=team.ketua, meeting=meeting, case=case, kind="select",
                                        serving_agencies=[uptd, polres], coordinator_agency=uptd,
                                        **criterion_5(case))
    assert events(EventType.DECISION_RECORDED).get().payload["effective"] is False
    ai = services.action_item_add(actor=team.sekretaris, decision=decision, description="Visum",
                                  responsible_agency=polres,
                                      due_date=timezone.localdate() + timedelta(days=7))
    assert events(EventType.ACTION_ITEM_ADDED).count() == 1
    services.action_item_remove(actor=team.sekretaris, action_item=ai)
    assert events(EventType.ACTION_ITEM_REMOVED).count() == 1
    ai = services.action_item_add(actor=team.sekretaris, decision=decision, description="Visum",
                                  responsible_agency=polres,
                                      due_date=timezone.localdate() + timedelta(days=7))
    services.meeting_close(actor=team.sekretaris, meeting=meeting)
    services.follow_up_add(actor=member(polres, Role.INVESTIGATOR), action_item=ai, status="open",
                           evidence="Dijadwalkan")
    assert events(EventType.FOLLOW_UP_ADDED).count() == 1

    for event in CaseEvent.objects.filter(event_type__gte=300, event_type__lt=400):
        assert "Ani" not in str(event.payload) and "Budi" not in str(event.payload)
