"""Building blocks for meeting tests: a Tim Percepatan, complaints, a meeting run through the
services (never by writing rows directly)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from agencies.models import Agency, Role, User
from cases.intake.services import VictimInput, complaint_register
from meetings import services
from meetings.models import DecisionKind, Meeting
from tests.factories import member
from tests.intake.helpers import complaint_input


@dataclass
class Team:
    sekretaris: User
    ketua: User
    wakil: User
    anggota: User

    @property
    def ids(self) -> list[int]:
        return [self.sekretaris.pk, self.ketua.pk, self.wakil.pk, self.anggota.pk]


def make_team(agency: Agency) -> Team:
    return Team(sekretaris=member(agency, Role.TP_SEKRETARIS), ketua=member(agency, Role.TP_KETUA),
                wakil=member(agency, Role.TP_WAKIL_KETUA), anggota=member(agency, Role.TP_ANGGOTA))


def register(agency: Agency, *, actor: User | None = None, name: str = "Wulan Sekar Arum",
             nik: str = "3174054101900099", **overrides):
    actor = actor or member(agency, Role.ADMIN_OFFICER)
    return complaint_register(actor=actor, receiving_agency=agency, data=complaint_input(
        victims=[VictimInput(full_name=name, category="adult_woman", nik=nik, region="3174")], **overrides))


def make_meeting(team: Team, *, days: int = 1) -> Meeting:
    return services.meeting_create(actor=team.sekretaris, starts_at=timezone.now() + timedelta(days=days),
                                   place="Ruang Rapat KemenPPPA")


def propose_and_open(team: Team, meeting: Meeting, complaints) -> Meeting:
    services.screening_record(actor=team.sekretaris, meeting=meeting,
                              outcomes={str(c.public_id): "proposed" for c in complaints})
    return services.meeting_open(actor=team.sekretaris, meeting=meeting, attendee_ids=team.ids)


PRIORITY_REASON = "Kasus prioritas percontohan: pola kekerasan baru di wilayah uji coba."


def prepare(team: Team, meeting: Meeting, case) -> None:
    """What a selection rests on (R5–R7): an oral presentation recorded by the secretary and the
    joint assessment, on the case's agenda item of ``meeting`` (opened)."""
    item = meeting.agenda.get(case=case)
    services.presentation_record_oral(
        actor=team.sekretaris, item=item, presenter="Rina, pendamping lembaga penerima",
        chronology="Kekerasan berulang sejak awal tahun, dilaporkan ke lembaga penerima.",
        current_condition="Di rumah aman, kondisi fisik stabil.",
        obstacles="Visum belum dijadwalkan.")
    services.assessment_save(actor=team.sekretaris, item=item,
                             ratings={"violence": 3, "urgency": 3, "psychosocial": 2, "coordination": 2})


def criterion_5(case) -> dict:
    """The criterion-5 arguments a selection of ``case`` needs when its triage does not make it
    eligible (R23); none when it does."""
    eligible, _criteria = services.triage_summary(case=case)
    return {} if eligible else {"priority_pilot": True, "priority_reason": PRIORITY_REASON}


def decide(team: Team, meeting: Meeting, case, kind: str, **kwargs):
    """A decision as the meeting records it: a selection or an emergency confirmation after the
    presentation and the assessment (``prepare``), with criterion 5 where the triage needs it."""
    on_agenda = meeting.agenda.filter(case=case).exists()
    if on_agenda and kind in (DecisionKind.SELECT, DecisionKind.EMERGENCY_CONFIRM):
        present, assessed = services.decision_basis(meeting=meeting, case=case)
        if present is None or assessed is None:
            prepare(team, meeting, case)
    if kind == DecisionKind.SELECT:
        kwargs = {**criterion_5(case), **kwargs}
    kwargs.setdefault("actor", team.sekretaris)
    return services.decision_record(meeting=meeting, case=case, kind=kind, **kwargs)


def select(team: Team, meeting: Meeting, case, agency: Agency):
    return decide(team, meeting, case, DecisionKind.SELECT, serving_agencies=[agency],
                  coordinator_agency=agency)


def meeting_world(*, a: Agency, b: Agency, complaint_a, complaint_b) -> dict:
    """For the permission matrix: an open meeting with both cases on the agenda, selected, and one
    action item for each agency."""
    team = make_team(a)
    meeting = make_meeting(team)
    propose_and_open(team, meeting, [complaint_a, complaint_b])
    items, actions = {}, {}
    for side, complaint, agency in (("a", complaint_a, a), ("b", complaint_b, b)):
        decision = select(team, meeting, complaint.case, agency)
        items[side] = decision.agenda_item
        actions[side] = services.action_item_add(
            actor=team.sekretaris, decision=decision, description="Asesmen psikologis lanjutan",
            responsible_agency=agency, due_date=timezone.localdate() + timedelta(days=7))
    return {"meeting": meeting, "item": items, "action": actions, "team": team}


def close_deferring(team: Team, meeting: Meeting, reason: str = "") -> Meeting:
    """Close ``meeting``, deferring every item still undecided (closing asks, for each, defer or
    decide: R4)."""
    from meetings.selectors import undecided_items

    deferrals = {item.pk: reason for item in undecided_items(meeting=meeting)}
    return services.meeting_close(actor=team.sekretaris, meeting=meeting, deferrals=deferrals)
