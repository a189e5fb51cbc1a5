"""R9 (SKB E.3.a–b): an emergency starts at once and is formalised at the nearest meeting. The case
keeps its kind on the agenda — confirm or revoke — whatever the screening proposed first."""

from __future__ import annotations

import re

import pytest

from agencies.models import Role
from cases.models import CaseEvent
from common.errors import ApplicationError
from meetings import events, services
from meetings.forms import DecisionForm
from meetings.models import AgendaItem, AgendaKind, DecisionKind
from tests.factories import member
from tests.meetings.helpers import make_meeting, register

pytestmark = pytest.mark.django_db


def make_emergency(agency, complaint, *, refer_to=(), hours=72):
    from triage.services import emergency_refer, triage_record

    head = member(agency, Role.HEAD)
    triage_record(actor=head, complaint=complaint, emergency_conditions=["severe_injury"],
                  complexity_conditions=[], needs_multiple_services=True, cross_region=False)
    if refer_to:
        emergency_refer(actor=head, case=complaint.case, agencies=list(refer_to), hours=hours)
    complaint.case.refresh_from_db()
    return head


def test_an_emergency_the_screening_proposes_is_an_emergency_item(team, uptd, rsud):
    c = register(uptd, name="Citra Tiga", nik="")
    make_emergency(uptd, c)
    meeting = make_meeting(team)
    services.screening_record(actor=team.sekretaris, meeting=meeting, outcomes={str(c.public_id): "proposed"})
    item = AgendaItem.objects.get(meeting=meeting, case=c.case)
    assert item.kind == AgendaKind.EMERGENCY
    choices = {value for value, _label in DecisionForm(item=item).fields["kind"].choices}
    assert choices == {DecisionKind.EMERGENCY_CONFIRM, DecisionKind.EMERGENCY_REVOKE, DecisionKind.DEFER}
    services.meeting_open(actor=team.sekretaris, meeting=meeting, attendee_ids=team.ids)
    with pytest.raises(ApplicationError, match=re.escape(str(services.DECISION_KIND_INVALID))):
        services.decision_record(actor=team.sekretaris, meeting=meeting, case=c.case,
                                 kind=DecisionKind.SELECT, serving_agencies=[rsud], coordinator_agency=uptd)


def test_a_case_proposed_before_it_became_an_emergency_gets_the_emergency_options(team, uptd, rsud):
    c = register(uptd, name="Citra Tiga", nik="")
    meeting = make_meeting(team)
    services.screening_record(actor=team.sekretaris, meeting=meeting, outcomes={str(c.public_id): "proposed"})
    make_emergency(uptd, c)
    item = AgendaItem.objects.get(meeting=meeting, case=c.case)
    choices = {value for value, _label in DecisionForm(item=item).fields["kind"].choices}
    assert DecisionKind.EMERGENCY_CONFIRM in choices and DecisionKind.SELECT not in choices
    services.meeting_open(actor=team.sekretaris, meeting=meeting, attendee_ids=team.ids)
    decision = services.decision_record(actor=team.sekretaris, meeting=meeting, case=c.case,
                                        kind=DecisionKind.EMERGENCY_CONFIRM, serving_agencies=[rsud],
                                        coordinator_agency=uptd)
    assert decision.agenda_item.kind == AgendaKind.EMERGENCY
    assert CaseEvent.objects.filter(case=c.case, event_type=events.AGENDA_EMERGENCY_KEPT).count() == 1


def test_refreshing_the_agenda_turns_a_proposed_emergency_into_an_emergency_item(team, uptd):
    c = register(uptd, name="Citra Tiga", nik="")
    meeting = make_meeting(team)
    services.screening_record(actor=team.sekretaris, meeting=meeting, outcomes={str(c.public_id): "proposed"})
    make_emergency(uptd, c)
    services.agenda_refresh(actor=team.sekretaris, meeting=meeting)
    assert AgendaItem.objects.get(meeting=meeting, case=c.case).kind == AgendaKind.EMERGENCY
