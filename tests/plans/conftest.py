from __future__ import annotations

import pytest
from django.utils import timezone

from agencies.models import Role, Service
from meetings import services as meeting_services
from meetings.models import DecisionKind
from plans.services import AttendeeInput, conference_record
from tests.factories import AgencyFactory, member
from tests.meetings.helpers import decide, make_meeting, make_team, propose_and_open, register
from tests.meetings.test_signing import sign


@pytest.fixture
def team(uptd):
    return make_team(uptd)


@pytest.fixture
def lbh(db):
    return AgencyFactory(code="lbh-uji", name="LBH Uji", kind="legal_aid")


@pytest.fixture
def catalogue(db, rsud, polres, lbh):
    """Three catalogue services; the hospital provides the visum, the police the investigation,
    legal aid the court accompaniment."""
    visum = Service.objects.create(code="visum", name="Visum et repertum", category="health")
    penyidikan = Service.objects.create(code="penyidikan", name="Penyidikan", category="legal")
    hukum = Service.objects.create(code="pendampingan-hukum", name="Pendampingan hukum", category="legal")
    rsud.services.add(visum)
    polres.services.add(penyidikan)
    lbh.services.add(hukum)
    return {"visum": visum, "penyidikan": penyidikan, "hukum": hukum}


@pytest.fixture
def selected(signing_ca, team, uptd, rsud):
    """A case selected in signed minutes: RSUD serves, UPTD (the receiving agency) coordinates."""
    c = register(uptd, name="Ani Satu Rahayu", nik="3174054101900011")
    meeting = make_meeting(team)
    propose_and_open(team, meeting, [c])
    decide(team, meeting, c.case, DecisionKind.SELECT, serving_agencies=[rsud], coordinator_agency=uptd)
    meeting_services.meeting_close(actor=team.sekretaris, meeting=meeting)
    meeting_services.minutes_mark_ready(actor=team.sekretaris, meeting=meeting)
    sign(meeting, team.ketua)
    return c.case


@pytest.fixture
def people(uptd, rsud, polres, lbh):
    return {"uptd_head": member(uptd, Role.HEAD), "officer": member(uptd, Role.ADMIN_OFFICER),
            "rsud_head": member(rsud, Role.HEAD), "nurse": member(rsud, Role.HEALTH_WORKER),
            "investigator": member(polres, Role.INVESTIGATOR), "lbh_staff": member(lbh, Role.PENDAMPING)}


@pytest.fixture
def conference(selected, people, uptd, rsud, polres, lbh):
    return conference_record(
        actor=people["officer"], case=selected, held_on=timezone.localdate(),
        attendees=[AttendeeInput(uptd, "Kepala UPTD"), AttendeeInput(rsud, "Dokter forensik"),
                   AttendeeInput(polres, "Penyidik"), AttendeeInput(lbh, "Advokat")],
        agreed="Visum, penyidikan dan pendampingan hukum.")
