"""SOP (SKB E.1.b.2.a): the receiving institution presents the case — short chronology, current
condition, obstacles — in a text of its own that never carries the victim's name or NIK."""

from __future__ import annotations

import pytest

from agencies.models import Role
from cases.models import CaseEvent, EventType
from common.errors import ApplicationError
from meetings import services
from meetings.models import CasePresentation
from tests.factories import VictimFactory, member
from tests.meetings.helpers import make_meeting, propose_and_open, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(team, uptd):
    complaint = register(uptd, name="Wulan Sekar Arum", nik="3174054101900099")
    meeting = make_meeting(team)
    propose_and_open(team, meeting, [complaint])
    return meeting.agenda.get(case=complaint.case)


def _present(actor, item, chronology="Korban WSA (32) mengalami KDRT berulang sejak 2025.",
             condition="Korban di rumah aman, stabil.", obstacles="Visum belum dijadwalkan."):
    return services.presentation_save(actor=actor, item=item, chronology=chronology,
                                      current_condition=condition, obstacles=obstacles)


def test_receiving_staff_present_with_initials_only(item, uptd):
    officer = member(uptd, Role.PENDAMPING)
    p = _present(officer, item)
    assert p.agency == uptd and p.presented_by == officer
    assert CaseEvent.objects.filter(case=item.case, event_type=EventType.PRESENTED).count() == 1


@pytest.mark.parametrize("text", [
    "Korban Wulan datang bersama ibunya.",          # one name token
    "Sdri. SEKAR (korban) masih trauma.",            # case and punctuation do not hide it
    "korban a.n. Wulan Sekar Arum",                  # full name
])
def test_a_presentation_with_the_victims_name_is_refused_and_nothing_saved(item, uptd, text):
    officer = member(uptd, Role.PENDAMPING)
    with pytest.raises(ApplicationError) as exc:
        _present(officer, item, obstacles=text)
    assert exc.value.message == services.HAS_NAME
    assert not CasePresentation.objects.exists()
    assert not CaseEvent.objects.filter(case=item.case, event_type=EventType.PRESENTED).exists()


@pytest.mark.parametrize("nik", ["3174054101900099", "3174 0541 0190 0099", "3174-0541-0190-0099"])
def test_a_presentation_with_a_nik_is_refused(item, uptd, nik):
    with pytest.raises(ApplicationError) as exc:
        _present(member(uptd, Role.PENDAMPING), item, chronology=f"NIK korban {nik}.")
    assert exc.value.message == services.HAS_NIK
    assert not CasePresentation.objects.exists()


def test_a_victim_stored_without_blind_index_is_checked_by_decryption(item):
    VictimFactory(case=item.case, full_name="Melati Kusuma", initials="MK")
    with pytest.raises(ApplicationError) as exc:
        _present(member(item.case.receiving_agency, Role.PENDAMPING), item,
                 condition="Adik korban, Melati, ikut mengungsi.")
    assert exc.value.message == services.HAS_NAME


def test_an_edit_keeps_the_check(item, uptd):
    officer = member(uptd, Role.PENDAMPING)
    _present(officer, item)
    with pytest.raises(ApplicationError):
        _present(officer, item, chronology="Wulan melapor lagi.")
    assert CasePresentation.objects.get().chronology.startswith("Korban WSA")


def test_other_agencies_and_team_members_cannot_write_it(item, polres, team):
    for actor in (member(polres, Role.INVESTIGATOR), team.sekretaris):
        with pytest.raises(ApplicationError) as exc:
            _present(actor, item)
        assert exc.value.message == services.NOT_PRESENTER
