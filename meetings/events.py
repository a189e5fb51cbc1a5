"""Timeline events of ``meetings`` (numbers 300–399): declarations and their one writer each.
A decision recorded has no effect until the minutes are signed (``DECISION_SIGNED``). Payloads carry
ids, codes and dates — never the texts of presentations, assessments or follow-ups, which are
checked for identity and kept in their own rows. Keys: docs/events.md."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from cases.event_registry import registry
from cases.events import case_event_record
from cases.models import Case, CaseEvent
from meetings.models import ASSESSMENT_DIMENSIONS

event_type = registry.declarer("meetings")

MEETING_SCREENED = event_type(300, "MEETING_SCREENED", _("Disaring di rapat Tim Percepatan"),
                              payload={"meeting": int, "complaint": str, "outcome": str})
AGENDA_ADDED = event_type(301, "AGENDA_ADDED", _("Masuk agenda rapat"),
                          payload={"meeting": int, "kind": str, "action_item": int | None})
PRESENTED = event_type(302, "PRESENTED", _("Paparan kasus disiapkan"),
                       payload={"meeting": int, "item": int, "revised": bool, "oral": bool,
                                "common_words_confirmed": int})
ASSESSED = event_type(303, "ASSESSED", _("Asesmen bersama"), payload={
    "meeting": int, "item": int, "revised": bool,
    **{f"{prefix}_rating": int for prefix, _label in ASSESSMENT_DIMENSIONS}})
DECISION_RECORDED = event_type(
    304, "DECISION_RECORDED", _("Keputusan rapat dicatat (berlaku setelah notula ditandatangani)"),
    payload={"meeting": int, "kind": str, "revised": bool, "effective": bool,
             "serving_agencies": list[str], "coordinator": str | None, "priority_pilot": bool})
ACTION_ITEM_ADDED = event_type(305, "ACTION_ITEM_ADDED", _("Tindak lanjut keputusan ditetapkan"),
                               payload={"meeting": int, "action_item": int, "agency": str,
                                        "due_date": str})
FOLLOW_UP_ADDED = event_type(306, "FOLLOW_UP_ADDED", _("Perkembangan tindak lanjut"),
                             payload={"action_item": int, "status": str, "on_time": bool | None})
AGENDA_DEFERRED = event_type(307, "AGENDA_DEFERRED", _("Agenda ditunda"), payload={"meeting": int})
AGENDA_REORDERED = event_type(308, "AGENDA_REORDERED", _("Urutan agenda diubah"),
                              payload={"meeting": int, "position": int})
ACTION_ITEM_REMINDED = event_type(309, "ACTION_ITEM_REMINDED", _("Pengingat tindak lanjut"),
                                  payload={"action_item": int, "due_date": str})
ACTION_ITEM_OVERDUE = event_type(310, "ACTION_ITEM_OVERDUE", _("Tindak lanjut terlambat"),
                                 payload={"action_item": int, "due_date": str})
ACTION_ITEM_REMOVED = event_type(311, "ACTION_ITEM_REMOVED",
                                 _("Tindak lanjut dihapus (notula masih draf)"),
                                 payload={"meeting": int, "action_item": int})
AGENDA_WITHDRAWN = event_type(
    350, "AGENDA_WITHDRAWN", _("Keluar dari agenda: keputusan sebelumnya sudah ditandatangani"),
    payload={"meeting": int})
DECISION_OVERTAKEN = event_type(
    351, "DECISION_OVERTAKEN",
    _("Keputusan tidak berlaku: keputusan rapat yang lebih baru sudah ditandatangani"),
    payload={"decision": int, "newer": int, "document": str, "meeting": int})
AGENDA_EMERGENCY_KEPT = event_type(
    370, "AGENDA_EMERGENCY_KEPT", _("Agenda menjadi kasus darurat menunggu penetapan formal"),
    payload={"meeting": int, "item": int, "previous": str})
CASE_COORDINATOR_NAMED = event_type(
    371, "CASE_COORDINATOR_NAMED",
    _("Ketua Tim Percepatan (atau pejabat yang ditunjuk) mengoordinasikan kasus"),
    payload={"decision": int, "coordinator": int, "document": str})
EMERGENCY_NOT_FORMALISED = event_type(
    372, "EMERGENCY_NOT_FORMALISED",
    _("Kasus darurat belum ditetapkan formal pada rapat (Ketua diberi tahu)"),
    payload={"meeting": int})
EMERGENCY_GRANT_EXPIRING = event_type(
    373, "EMERGENCY_GRANT_EXPIRING",
    _("Akses sementara darurat akan berakhir (kepala lembaga diingatkan)"),
    payload={"agency": str, "expires_at": str})
DECISION_SIGNED = event_type(320, "DECISION_SIGNED", _("Keputusan berlaku: notula ditandatangani"),
                             payload={"decision": int, "kind": str, "document": str, "meeting": int})


@registry.writer(MEETING_SCREENED)
def meeting_screened(*, case: Case, actor, meeting, complaint, outcome: str) -> CaseEvent:
    return case_event_record(case=case, actor=actor, event_type=MEETING_SCREENED, payload={
        "meeting": meeting.pk, "complaint": str(complaint.public_id), "outcome": outcome})


@registry.writer(AGENDA_ADDED)
def agenda_added(*, case: Case, actor, agency=None, meeting, kind: str, action_item=None) -> CaseEvent:
    return case_event_record(case=case, actor=actor, agency=agency, event_type=AGENDA_ADDED, payload={
        "meeting": meeting.pk, "kind": kind, "action_item": action_item.pk if action_item else None})


@registry.writer(AGENDA_EMERGENCY_KEPT)
def agenda_emergency_kept(*, case: Case, actor, agency=None, meeting, item, previous: str) -> CaseEvent:
    """R9: the item the screening proposed is the case's emergency item (confirm or revoke)."""
    return case_event_record(case=case, actor=actor, agency=agency, event_type=AGENDA_EMERGENCY_KEPT,
                             payload={"meeting": meeting.pk, "item": item.pk, "previous": previous})


@registry.writer(CASE_COORDINATOR_NAMED)
def case_coordinator_named(*, case: Case, actor, decision, document: str) -> CaseEvent:
    """R26: the signed selection names the case's coordinator (a user id, never a name)."""
    return case_event_record(case=case, actor=actor, event_type=CASE_COORDINATOR_NAMED, payload={
        "decision": decision.pk, "coordinator": decision.case_coordinator_id, "document": document})


@registry.writer(EMERGENCY_NOT_FORMALISED)
def emergency_not_formalised(*, case: Case, actor, meeting) -> CaseEvent:
    """R9: the emergency was not formalised at this (the nearest held) meeting; the Ketua is told."""
    return case_event_record(case=case, actor=actor, agency=None if actor else case.receiving_agency,
                             event_type=EMERGENCY_NOT_FORMALISED, payload={"meeting": meeting.pk})


@registry.writer(EMERGENCY_GRANT_EXPIRING)
def emergency_grant_expiring(*, case: Case, grant) -> CaseEvent:
    """R9: 24 h before a temporary emergency grant ends, the head is warned (by the sweep)."""
    return case_event_record(case=case, actor=None, agency=case.receiving_agency,
                             event_type=EMERGENCY_GRANT_EXPIRING,
                             payload={"agency": grant.group.agency.code,
                                      "expires_at": grant.expires_at.isoformat()})


@registry.writer(PRESENTED)
def presented(*, case: Case, actor, agency, meeting, item, revised: bool, oral: bool = False,
              common_words_confirmed: int = 0) -> CaseEvent:
    """``oral``: recorded by the secretary at the meeting; ``common_words_confirmed``: how many
    words matching a name the presenter confirmed are common words (the words stay in the row)."""
    return case_event_record(case=case, actor=actor, agency=agency, event_type=PRESENTED,
                             payload={"meeting": meeting.pk, "item": item.pk, "revised": revised,
                                      "oral": oral, "common_words_confirmed": common_words_confirmed})


@registry.writer(ASSESSED)
def assessed(*, case: Case, actor, meeting, item, revised: bool, ratings: dict[str, int]) -> CaseEvent:
    """``ratings``: the four ``<dimension>_rating`` values of the joint assessment."""
    return case_event_record(case=case, actor=actor, event_type=ASSESSED, payload={
        "meeting": meeting.pk, "item": item.pk, "revised": revised, **ratings})


@registry.writer(DECISION_RECORDED)
def decision_recorded(*, case: Case, actor, meeting, kind: str, revised: bool, serving_agencies,
                      coordinator, priority_pilot: bool = False) -> CaseEvent:
    """Recorded, not yet effective (``effective`` is always false: signing makes it so).
    ``serving_agencies``/``coordinator``: the agencies (payload: codes), empty/None unless the
    decision selects the case."""
    return case_event_record(case=case, actor=actor, event_type=DECISION_RECORDED, payload={
        "meeting": meeting.pk, "kind": kind, "revised": revised, "effective": False,
        "serving_agencies": sorted(a.code for a in serving_agencies),
        "coordinator": coordinator.code if coordinator else None,
        "priority_pilot": priority_pilot,
    })


@registry.writer(ACTION_ITEM_ADDED)
def action_item_added(*, case: Case, actor, meeting, action_item, responsible_agency,
                      due_date: date) -> CaseEvent:
    return case_event_record(case=case, actor=actor, event_type=ACTION_ITEM_ADDED, payload={
        "meeting": meeting.pk, "action_item": action_item.pk, "agency": responsible_agency.code,
        "due_date": due_date.isoformat()})


@registry.writer(FOLLOW_UP_ADDED)
def follow_up_added(*, case: Case, actor, agency, action_item, status: str,
                    on_time: bool | None) -> CaseEvent:
    return case_event_record(case=case, actor=actor, agency=agency, event_type=FOLLOW_UP_ADDED,
                             payload={"action_item": action_item.pk, "status": status,
                                      "on_time": on_time})


@registry.writer(AGENDA_DEFERRED)
def agenda_deferred(*, case: Case, actor, meeting) -> CaseEvent:
    return case_event_record(case=case, actor=actor, event_type=AGENDA_DEFERRED,
                             payload={"meeting": meeting.pk})


@registry.writer(AGENDA_REORDERED)
def agenda_reordered(*, case: Case, actor, meeting, position: int) -> CaseEvent:
    return case_event_record(case=case, actor=actor, event_type=AGENDA_REORDERED,
                             payload={"meeting": meeting.pk, "position": position})


def _action_item_due(action_item) -> dict:
    return {"action_item": action_item.pk, "due_date": action_item.due_date.isoformat()}


@registry.writer(ACTION_ITEM_REMINDED)
def action_item_reminded(*, action_item) -> CaseEvent:
    """Written by the sweep (no actor) for the responsible agency."""
    return case_event_record(case=action_item.case, actor=None, agency=action_item.responsible_agency,
                             event_type=ACTION_ITEM_REMINDED, payload=_action_item_due(action_item))


@registry.writer(ACTION_ITEM_OVERDUE)
def action_item_overdue(*, action_item) -> CaseEvent:
    """Written by the sweep (no actor) for the responsible agency."""
    return case_event_record(case=action_item.case, actor=None, agency=action_item.responsible_agency,
                             event_type=ACTION_ITEM_OVERDUE, payload=_action_item_due(action_item))


@registry.writer(ACTION_ITEM_REMOVED)
def action_item_removed(*, case: Case, actor, meeting, action_item) -> CaseEvent:
    return case_event_record(case=case, actor=actor, event_type=ACTION_ITEM_REMOVED,
                             payload={"meeting": meeting.pk, "action_item": action_item.pk})


@registry.writer(DECISION_SIGNED)
def decision_signed(*, case: Case, actor, decision, document: str, meeting) -> CaseEvent:
    """``document``: the code of the signed minutes that make ``decision`` effective."""
    return case_event_record(case=case, actor=actor, event_type=DECISION_SIGNED, payload={
        "decision": decision.pk, "kind": decision.kind, "document": document, "meeting": meeting.pk})


@registry.writer(AGENDA_WITHDRAWN)
def agenda_withdrawn(*, case: Case, actor, meeting) -> CaseEvent:
    """The case came back to ``meeting`` only because earlier minutes were unsigned; now signed."""
    return case_event_record(case=case, actor=actor, event_type=AGENDA_WITHDRAWN,
                             payload={"meeting": meeting.pk})


@registry.writer(DECISION_OVERTAKEN)
def decision_overtaken(*, case: Case, actor, decision, newer, document: str, meeting) -> CaseEvent:
    """Minutes signed after a newer decision on the case took effect: ``decision`` stays without
    effect (``newer`` stands)."""
    return case_event_record(case=case, actor=actor, event_type=DECISION_OVERTAKEN, payload={
        "decision": decision.pk, "newer": newer.pk, "document": document, "meeting": meeting.pk})
# --- what the timeline says (``registry.describer``) ----------------------------------------------

@registry.describer(MEETING_SCREENED)
def _describe_screened(p, names):
    from meetings.models import ScreeningOutcome

    return names.label(ScreeningOutcome, p["outcome"])


@registry.describer(AGENDA_ADDED)
def _describe_agenda(p, names):
    from meetings.models import AgendaKind

    return names.label(AgendaKind, p["kind"])


@registry.describer(DECISION_RECORDED)
@registry.describer(DECISION_SIGNED)
def _describe_decision(p, names):
    from meetings.models import DecisionKind

    text = names.label(DecisionKind, p["kind"])
    if p.get("serving_agencies"):
        text += " · " + names.agency_list(p["serving_agencies"])
    return text


@registry.describer(ACTION_ITEM_ADDED)
def _describe_action_item(p, names):
    from django.utils.dateparse import parse_date
    from django.utils.translation import gettext as _g

    from common.timefmt import date_label

    return _g("%(agency)s, tenggat %(day)s") % {"agency": names.agency(p["agency"]),
                                                 "day": date_label(parse_date(p["due_date"]))}


@registry.describer(FOLLOW_UP_ADDED)
def _describe_follow_up(p, names):
    from meetings.models import FollowUpStatus

    return names.label(FollowUpStatus, p["status"])
