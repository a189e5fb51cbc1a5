"""R26 (SKB E.1.d): after selection the Ketua coordinates the case until termination. The selection
names her (or the official she designates) besides the coordinating agency, and the agencies named
in the signed decision are told at signing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.models import Role
from agencies.services import delegation_grant
from cases.models import CaseEvent
from common.errors import ApplicationError
from common.models import Notification
from meetings import events, services
from meetings.models import DecisionKind
from meetings.services.coordination import COORDINATOR_INVALID
from tests.factories import AgencyFactory, member
from tests.meetings.helpers import decide, make_meeting, propose_and_open, register
from tests.meetings.test_signing import sign

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _signing_ca(signing_ca):
    return signing_ca


@pytest.fixture
def opened(team, uptd):
    c = register(uptd, name="Ani Satu Rahayu", nik="3174054101900011")
    meeting = make_meeting(team)
    propose_and_open(team, meeting, [c])
    return meeting, c.case


def test_a_selection_names_the_ketua_as_the_case_coordinator(opened, team, uptd, rsud):
    meeting, case = opened
    d = decide(team, actor=team.sekretaris, meeting=meeting, case=case, kind=DecisionKind.SELECT,
                                 serving_agencies=[rsud], coordinator_agency=uptd)
    assert d.case_coordinator == team.ketua


def test_the_coordinator_may_be_an_official_the_ketua_designated_and_nobody_else(opened, team, uptd, rsud):
    meeting, case = opened
    official = member(uptd, Role.TP_ANGGOTA)
    with pytest.raises(ApplicationError, match=re.escape(str(COORDINATOR_INVALID))):
        decide(team, actor=team.sekretaris, meeting=meeting, case=case, kind=DecisionKind.SELECT,
                                 serving_agencies=[rsud], coordinator_agency=uptd, case_coordinator=official)
    delegation_grant(actor=team.ketua, official=official, valid_from=timezone.localdate(),
                     valid_until=timezone.localdate() + timedelta(days=30), reason="Penunjukan uji",
                     decree_number="SK 07/TP/2026")
    d = decide(team, actor=team.sekretaris, meeting=meeting, case=case, kind=DecisionKind.SELECT,
                                 serving_agencies=[rsud], coordinator_agency=uptd, case_coordinator=official)
    assert d.case_coordinator == official


def test_signing_tells_the_named_agencies_and_the_coordinator(opened, team, uptd, rsud):
    meeting, case = opened
    lbh = AgencyFactory(code="lbh-uji", name="LBH Uji", kind="legal_aid")
    other = AgencyFactory(code="dinsos-uji", name="Dinsos Uji", kind="social_service")
    rsud_head, lbh_head = member(rsud, Role.HEAD), member(lbh, Role.HEAD)
    other_head = member(other, Role.HEAD)
    d = decide(team, actor=team.sekretaris, meeting=meeting, case=case, kind=DecisionKind.SELECT,
                                 serving_agencies=[rsud], coordinator_agency=uptd)
    services.action_item_add(actor=team.sekretaris, decision=d, description="Pendampingan hukum",
                             responsible_agency=lbh, due_date=timezone.localdate() + timedelta(days=7))
    services.meeting_close(actor=team.sekretaris, meeting=meeting)
    services.minutes_mark_ready(actor=team.sekretaris, meeting=meeting)
    assert not Notification.objects.filter(kind="decision_signed").exists()
    sign(meeting, team.ketua)
    told = Notification.objects.filter(kind="decision_signed")
    assert told.filter(user=rsud_head).count() == 1 and "pelaksana layanan" in told.get(user=rsud_head).title
    assert "penanggung jawab tindak lanjut" in told.get(user=lbh_head).title
    assert not told.filter(user=other_head).exists()
    assert all(case.number in n.title for n in told)
    assert Notification.objects.filter(kind="case_coordinator", user=team.ketua).count() == 1
    assert CaseEvent.objects.filter(case=case, event_type=events.CASE_COORDINATOR_NAMED,
                                    payload__coordinator=team.ketua.pk).count() == 1


def test_the_decision_form_offers_the_ketua_once_and_her_designated_officials_as_such(team, uptd):
    """The Ketua is the default choice; she is not offered a second time under her own name."""
    from meetings.forms import DecisionForm

    official = member(uptd, Role.TP_ANGGOTA)
    delegation_grant(actor=team.ketua, official=official, valid_from=timezone.localdate(),
                     valid_until=timezone.localdate() + timedelta(days=30), reason="Penunjukan uji",
                     decree_number="SK 08/TP/2026")
    choices = [label for _value, label in DecisionForm().fields["case_coordinator"].choices]
    assert choices == ["Ketua Tim Percepatan", f"{official.display_name} (pejabat yang ditunjuk Ketua)"]
    assert not any(team.ketua.display_name in label for label in choices)
