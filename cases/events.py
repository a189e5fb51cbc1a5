"""Timeline events of ``cases`` (numbers 100–199) and the one generic writer under every app's writers.

Services never build a payload: they call the writer of the event type (``status_changed(...)``),
which fixes the keys. ``case_event_record`` checks the payload against the type's declaration
(``cases.event_registry``) and is called only from ``events`` modules (tests/cases/test_events.py).
Payloads are small and carry no identity; the keys are listed in docs/events.md.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

from cases.event_registry import FORBIDDEN_KEYS, TimelineNames, registry
from cases.models import (
    AccessLevel,
    Case,
    CaseAssignment,
    CaseEvent,
    CaseGrant,
    CaseStatus,
    Channel,
    Complaint,
    ComplaintOutcome,
    ConsentGiver,
    ConsentPurpose,
    ConsentScope,
    GrantSource,
    ResponseMethod,
)
from cases.models.intake import attachment_kind_label
from common.timefmt import datetime_label

__all__ = ["FORBIDDEN_KEYS", "case_event_record"]


def case_event_record(*, case: Case, actor, event_type: int, agency=None,
                      payload: dict | None = None, at: datetime | None = None) -> CaseEvent:
    """Write one timeline row of ``event_type`` (a declared type) after checking ``payload``
    against its declaration. ``agency`` defaults to the actor's primary agency."""
    payload = payload or {}
    try:
        spec = registry.get(int(event_type))
    except KeyError:
        raise ValueError(f"Unknown timeline event type {int(event_type)}.") from None
    spec.check_payload(payload)
    if agency is None and actor is not None:
        from agencies.selectors import user_context

        agency = user_context(actor).primary_agency
    event = CaseEvent(case=case, actor=actor, agency=agency, event_type=int(spec), payload=payload)
    if at is not None:
        event.at = at
    event.save()
    return event


def _hours(delta: timedelta) -> float:
    return round(delta.total_seconds() / 3600, 1)


#: A head-only act done by an acting head (Plt.) says so; the key is left out otherwise.
ACTING_HEAD = {"as_acting_head": bool}


def acting_head(as_acting_head: bool) -> dict:
    return {"as_acting_head": True} if as_acting_head else {}


# --- the types ---------------------------------------------------------------------------------------

event_type = registry.declarer("cases")

CASE_OPENED = event_type(100, "CASE_OPENED", _("Kasus dibuka"), payload={"receiving_agency": str})
CASE_ASSIGNED = event_type(101, "CASE_ASSIGNED", _("Petugas ditugaskan"),
                           payload={"user_id": int, "role": str})
CASE_ASSIGNMENT_ENDED = event_type(102, "CASE_ASSIGNMENT_ENDED", _("Penugasan berakhir"),
                                   payload={"user_id": int, "role": str, "reason": str})
ACCESS_GRANTED = event_type(110, "ACCESS_GRANTED", _("Akses diberikan"), payload={
    "agency": str, "level": str, "level_value": int, "source": str, "expires_at": str | None},
    optional={**ACTING_HEAD, "basis": str})
ACCESS_REVOKED = event_type(111, "ACCESS_REVOKED", _("Akses dicabut"),
                            payload={"agency": str, "source": str}, optional=ACTING_HEAD)
ACCESS_EXTENDED = event_type(112, "ACCESS_EXTENDED", _("Akses sementara diperpanjang"), payload={
    "agency": str, "source": str, "expires_at": str, "previous_expires_at": str | None, "why": str},
    optional=ACTING_HEAD)
IDENTITY_REVEALED = event_type(120, "IDENTITY_REVEALED", _("Identitas dibuka (break-the-glass)"),
                               payload={"level": str}, optional=ACTING_HEAD)
STATUS_CHANGED = event_type(130, "STATUS_CHANGED", _("Status berubah"),
                            payload={"from": str, "to": str, "reason": str})
_REGISTERED = {"complaint": str, "channel": str, "victims": int, "received_at": str}
COMPLAINT_REGISTERED = event_type(140, "COMPLAINT_REGISTERED", _("Pengaduan dicatat"),
                                  payload=_REGISTERED)
COMPLAINT_JOINED = event_type(141, "COMPLAINT_JOINED", _("Pengaduan digabungkan ke kasus"),
                              payload=_REGISTERED)
COMPLAINT_VOIDED = event_type(142, "COMPLAINT_VOIDED", _("Pengaduan dibatalkan"),
                              payload={"complaint": str, "from": str, "to": str, "reason": str})
# ``outcome`` (= ``to``) is the key this event had before the lifecycle table: kept for its readers.
COMPLAINT_OUTCOME = event_type(143, "COMPLAINT_OUTCOME", _("Hasil akhir pengaduan"), payload={
    "complaint": str, "from": str, "to": str, "reason": str, "outcome": str})
COMPLAINT_ASSIGNED = event_type(144, "COMPLAINT_ASSIGNED", _("Petugas pengaduan ditetapkan"),
                                payload={"complaint": str, "user_id": int})
ATTACHMENT_ADDED = event_type(145, "ATTACHMENT_ADDED", _("Lampiran ditambahkan"),
                              payload={"complaint": str, "content_type": str, "size": int})
RECEIVED_AT_BACKDATED = event_type(146, "RECEIVED_AT_BACKDATED", _("Waktu terima diisi mundur"),
                                   payload={"complaint": str, "hours_earlier": float})
INITIAL_RESPONSE = event_type(150, "INITIAL_RESPONSE", _("Respons awal"), payload={
    "complaint": str, "method": str, "within_sla": bool, "breach_recorded": bool, "minutes": int})
CONTACT_ATTEMPT_FAILED = event_type(151, "CONTACT_ATTEMPT_FAILED", _("Upaya kontak gagal"),
                                    payload={"complaint": str, "method": str})
RESPONDED_AT_BACKDATED = event_type(152, "RESPONDED_AT_BACKDATED", _("Waktu respons diisi mundur"),
                                    payload={"complaint": str, "successful": bool,
                                             "hours_earlier": float})
SLA_WARNED = event_type(160, "SLA_WARNED", _("Peringatan batas 24 jam"),
                        payload={"complaint": str, "due_at": str})
SLA_BREACHED = event_type(161, "SLA_BREACHED", _("Batas 24 jam terlampaui"),
                          payload={"complaint": str, "due_at": str})
CONSENT_RECORDED = event_type(170, "CONSENT_RECORDED", _("Persetujuan korban dicatat"),
                              payload={"consent": int, "victim": int, "purpose": str, "given_by": str,
                                       "scope": str, "agencies": list[str], "form": str, "given_at": str})
CONSENT_WITHDRAWN = event_type(171, "CONSENT_WITHDRAWN", _("Persetujuan korban ditarik"),
                               payload={"consent": int, "victim": int, "purpose": str, "withdrawn_at": str})

# Corrections (cases.intake.corrections): which record, which fields — never their values.
DATA_CORRECTED = event_type(180, "DATA_CORRECTED", _("Data pengaduan dikoreksi"), payload={
    "complaint": str, "correction": int, "target": str, "target_id": int, "fields": list[str]},
    optional={"due_at": str})
PERSON_ADDED = event_type(181, "PERSON_ADDED", _("Korban/terlapor ditambahkan"), payload={
    "complaint": str, "correction": int, "target": str, "target_id": int})


# --- the writers -------------------------------------------------------------------------------------

@registry.writer(CASE_OPENED)
def case_opened(*, case: Case, actor, receiving_agency) -> CaseEvent:
    return case_event_record(case=case, actor=actor, agency=receiving_agency, event_type=CASE_OPENED,
                             payload={"receiving_agency": receiving_agency.code})


@registry.writer(CASE_ASSIGNED)
def case_assigned(*, case: Case, actor, user, role: str) -> CaseEvent:
    return case_event_record(case=case, actor=actor, event_type=CASE_ASSIGNED,
                             payload={"user_id": user.pk, "role": role})


@registry.writer(CASE_ASSIGNMENT_ENDED)
def case_assignment_ended(*, actor, assignment: CaseAssignment, reason: str) -> CaseEvent:
    return case_event_record(case=assignment.case, actor=actor, event_type=CASE_ASSIGNMENT_ENDED,
                             payload={"user_id": assignment.user_id, "role": assignment.role,
                                      "reason": reason})


@registry.writer(ACCESS_GRANTED)
def access_granted(*, case: Case, actor, grantee, level: int, source: str,
                   expires_at: datetime | None, as_acting_head: bool = False,
                   basis: str = "") -> CaseEvent:
    """``grantee`` is the agency given access (payload ``agency``); the row's agency is the actor's.
    ``basis`` (a ``GrantBasis`` code) is what allowed sharing identity, for ``full`` grants; the
    head's reason stays on the grant row, never in the payload."""
    return case_event_record(case=case, actor=actor, event_type=ACCESS_GRANTED, payload={
        "agency": grantee.code, "level": AccessLevel(int(level)).name.lower(),
        "level_value": int(level), "source": source,
        "expires_at": expires_at.isoformat() if expires_at else None, **acting_head(as_acting_head),
        **({"basis": basis} if basis else {}),
    })


@registry.writer(ACCESS_REVOKED)
def access_revoked(*, actor, grant: CaseGrant, as_acting_head: bool = False) -> CaseEvent:
    return case_event_record(case=grant.content_object, actor=actor, event_type=ACCESS_REVOKED,
                             payload={"agency": grant.group.agency.code, "source": grant.source,
                                      **acting_head(as_acting_head)})


@registry.writer(ACCESS_EXTENDED)
def access_extended(*, actor, grant: CaseGrant, previous: datetime | None, why: str,
                    as_acting_head: bool = False) -> CaseEvent:
    """A temporary grant's expiry moved later. ``why``: ``head`` (the head's extension) or
    ``minutes_ready`` (the decision waits in minutes ready for signature)."""
    return case_event_record(case=grant.content_object, actor=actor, event_type=ACCESS_EXTENDED,
                             agency=None if actor else grant.content_object.receiving_agency,
                             payload={"agency": grant.group.agency.code, "source": grant.source,
                                      "expires_at": grant.expires_at.isoformat(),
                                      "previous_expires_at": previous.isoformat() if previous else None,
                                      "why": why, **acting_head(as_acting_head)})


@registry.writer(IDENTITY_REVEALED)
def identity_revealed(*, case: Case, actor, level: int, as_acting_head: bool = False) -> CaseEvent:
    return case_event_record(case=case, actor=actor, event_type=IDENTITY_REVEALED,
                             payload={"level": AccessLevel(int(level)).name.lower(),
                                      **acting_head(as_acting_head)})


@registry.writer(STATUS_CHANGED)
def status_changed(*, case: Case, actor, from_: str, to: str, reason: str, agency=None) -> CaseEvent:
    return case_event_record(case=case, actor=actor, agency=agency, event_type=STATUS_CHANGED,
                             payload={"from": from_, "to": to, "reason": reason})


def _registered_payload(complaint: Complaint, channel: str, victims: int, received_at: datetime) -> dict:
    return {"complaint": str(complaint.public_id), "channel": channel, "victims": victims,
            "received_at": received_at.isoformat()}


@registry.writer(COMPLAINT_REGISTERED)
def complaint_registered(*, case: Case, actor, agency, complaint: Complaint, channel: str,
                         victims: int, received_at: datetime) -> CaseEvent:
    return case_event_record(case=case, actor=actor, agency=agency, event_type=COMPLAINT_REGISTERED,
                             payload=_registered_payload(complaint, channel, victims, received_at))


@registry.writer(COMPLAINT_JOINED)
def complaint_joined(*, case: Case, actor, agency, complaint: Complaint, channel: str,
                     victims: int, received_at: datetime) -> CaseEvent:
    return case_event_record(case=case, actor=actor, agency=agency, event_type=COMPLAINT_JOINED,
                             payload=_registered_payload(complaint, channel, victims, received_at))


@registry.writer(COMPLAINT_VOIDED)
def complaint_voided(*, case: Case, actor, complaint: Complaint, from_: str, to: str,
                     reason: str) -> CaseEvent:
    return case_event_record(case=case, actor=actor, event_type=COMPLAINT_VOIDED, payload={
        "complaint": str(complaint.public_id), "from": from_, "to": to, "reason": reason})


@registry.writer(COMPLAINT_OUTCOME)
def complaint_outcome(*, case: Case, actor, complaint: Complaint, from_: str, to: str,
                      reason: str) -> CaseEvent:
    return case_event_record(case=case, actor=actor, event_type=COMPLAINT_OUTCOME, payload={
        "complaint": str(complaint.public_id), "from": from_, "to": to, "reason": reason,
        "outcome": to})


@registry.writer(COMPLAINT_ASSIGNED)
def complaint_assigned(*, case: Case, actor, complaint: Complaint, assignee) -> CaseEvent:
    return case_event_record(case=case, actor=actor, event_type=COMPLAINT_ASSIGNED,
                             payload={"complaint": str(complaint.public_id), "user_id": assignee.pk})


@registry.writer(ATTACHMENT_ADDED)
def attachment_added(*, case: Case, actor, complaint: Complaint, content_type: str,
                     size: int) -> CaseEvent:
    return case_event_record(case=case, actor=actor, event_type=ATTACHMENT_ADDED, payload={
        "complaint": str(complaint.public_id), "content_type": content_type, "size": size})


@registry.writer(RECEIVED_AT_BACKDATED)
def received_at_backdated(*, case: Case, actor, agency, complaint: Complaint,
                          earlier_by: timedelta) -> CaseEvent:
    return case_event_record(case=case, actor=actor, agency=agency, event_type=RECEIVED_AT_BACKDATED,
                             payload={"complaint": str(complaint.public_id),
                                      "hours_earlier": _hours(earlier_by)})


@registry.writer(INITIAL_RESPONSE)
def initial_response(*, case: Case, actor, complaint: Complaint, method: str, within_sla: bool,
                     breach_recorded: bool, after: timedelta) -> CaseEvent:
    """``after``: from the complaint's receipt to the response (payload ``minutes``, whole)."""
    return case_event_record(case=case, actor=actor, event_type=INITIAL_RESPONSE, payload={
        "complaint": str(complaint.public_id), "method": method, "within_sla": within_sla,
        "breach_recorded": breach_recorded, "minutes": int(after.total_seconds() // 60)})


@registry.writer(CONTACT_ATTEMPT_FAILED)
def contact_attempt_failed(*, case: Case, actor, complaint: Complaint, method: str) -> CaseEvent:
    return case_event_record(case=case, actor=actor, event_type=CONTACT_ATTEMPT_FAILED,
                             payload={"complaint": str(complaint.public_id), "method": method})


@registry.writer(RESPONDED_AT_BACKDATED)
def responded_at_backdated(*, case: Case, actor, complaint: Complaint, successful: bool,
                           earlier_by: timedelta) -> CaseEvent:
    return case_event_record(case=case, actor=actor, event_type=RESPONDED_AT_BACKDATED, payload={
        "complaint": str(complaint.public_id), "successful": successful,
        "hours_earlier": _hours(earlier_by)})


@registry.writer(SLA_WARNED)
def sla_warned(*, case: Case, agency, complaint: Complaint, at: datetime) -> CaseEvent:
    """Written by the sweep (no actor), dated when the alert was taken."""
    return case_event_record(case=case, actor=None, agency=agency, event_type=SLA_WARNED, at=at,
                             payload={"complaint": str(complaint.public_id),
                                      "due_at": complaint.response_due_at.isoformat()})


@registry.writer(SLA_BREACHED)
def sla_breached(*, case: Case, agency, complaint: Complaint, at: datetime) -> CaseEvent:
    """Written by the sweep (no actor), dated when the alert was taken."""
    return case_event_record(case=case, actor=None, agency=agency, event_type=SLA_BREACHED, at=at,
                             payload={"complaint": str(complaint.public_id),
                                      "due_at": complaint.response_due_at.isoformat()})


@registry.writer(CONSENT_RECORDED)
def consent_recorded(*, actor, consent, agency_codes: list[str]) -> CaseEvent:
    """Ids and codes only: who gave the consent is named on the record (encrypted), never here."""
    return case_event_record(case=consent.case, actor=actor, event_type=CONSENT_RECORDED, payload={
        "consent": consent.pk, "victim": consent.victim_id, "purpose": consent.purpose,
        "given_by": consent.given_by, "scope": consent.scope, "agencies": list(agency_codes),
        "form": consent.form, "given_at": consent.given_at.isoformat(),
    })


@registry.writer(CONSENT_WITHDRAWN)
def consent_withdrawn(*, actor, consent) -> CaseEvent:
    return case_event_record(case=consent.case, actor=actor, event_type=CONSENT_WITHDRAWN, payload={
        "consent": consent.pk, "victim": consent.victim_id, "purpose": consent.purpose,
        "withdrawn_at": consent.withdrawn_at.isoformat(),
    })


@registry.writer(DATA_CORRECTED)
def data_corrected(*, actor, correction, due_at: datetime | None = None) -> CaseEvent:
    """The names of the corrected fields only; ``due_at`` when ``received_at`` moved the deadline."""
    return case_event_record(case=correction.case, actor=actor, event_type=DATA_CORRECTED, payload={
        "complaint": str(correction.complaint.public_id), "correction": correction.pk,
        "target": correction.target, "target_id": correction.target_id, "fields": list(correction.fields),
        **({"due_at": due_at.isoformat()} if due_at is not None else {})})


@registry.writer(PERSON_ADDED)
def person_added(*, actor, correction) -> CaseEvent:
    return case_event_record(case=correction.case, actor=actor, event_type=PERSON_ADDED, payload={
        "complaint": str(correction.complaint.public_id), "correction": correction.pk,
        "target": correction.target, "target_id": correction.target_id})
# --- what the timeline says (``registry.describer``; ``TimelineNames`` names the codes) -------------

def _outcome(value: str) -> str:
    from django.utils.translation import gettext as _g

    return TimelineNames.label(ComplaintOutcome, value) if value else _g("terbuka")


def _level(name: str) -> str:
    try:
        return str(AccessLevel[name.upper()].label)
    except KeyError:
        return "—"


# CASE_OPENED has no describer: its row's agency is the receiving agency (``case_opened``), which
# the timeline already names after the label — saying it twice read "Kasus dibuka: X · X".


def _assignment_role(role: str) -> str:
    """What an assignment's role code (``cases.services.CASE_OFFICER``, ``complaint_assignee``)
    is called on the case page (templates/cases/_assignment.html says the same)."""
    from django.utils.translation import gettext as _g

    return {"case_officer": _g("petugas kasus"), "complaint_assignee": _g("petugas pengaduan")}.get(
        role, _g("petugas"))


@registry.describer(CASE_ASSIGNED)
def _describe_assigned(p, names):
    return f"{names.user(p['user_id'])} ({_assignment_role(p['role'])})"


@registry.describer(CASE_ASSIGNMENT_ENDED)
def _describe_assignment_ended(p, names):
    return names.user(p["user_id"])


@registry.describer(ACCESS_GRANTED)
def _describe_granted(p, names):
    from django.utils.dateparse import parse_datetime
    from django.utils.translation import gettext as _g

    text = _g("%(agency)s: %(level)s, %(source)s") % {
        "agency": names.agency(p["agency"]), "level": _level(p["level"]),
        "source": TimelineNames.label(GrantSource, p["source"])}
    if p.get("expires_at"):
        text += " · " + _g("berakhir %(when)s") % {"when": datetime_label(parse_datetime(p["expires_at"]))}
    return text


@registry.describer(ACCESS_REVOKED)
def _describe_revoked(p, names):
    return f"{names.agency(p['agency'])} ({TimelineNames.label(GrantSource, p['source'])})"


@registry.describer(IDENTITY_REVEALED)
def _describe_revealed(p, names):
    return _level(p["level"])


@registry.describer(STATUS_CHANGED)
def _describe_status(p, names):
    return TimelineNames.change(TimelineNames.label(CaseStatus, p["from"]),
                                TimelineNames.label(CaseStatus, p["to"]))


@registry.describer(COMPLAINT_REGISTERED)
@registry.describer(COMPLAINT_JOINED)
def _describe_registered(p, names):
    return TimelineNames.label(Channel, p["channel"])


@registry.describer(COMPLAINT_VOIDED)
@registry.describer(COMPLAINT_OUTCOME)
def _describe_outcome(p, names):
    return TimelineNames.change(_outcome(p["from"]), _outcome(p["to"]))


@registry.describer(COMPLAINT_ASSIGNED)
def _describe_complaint_assigned(p, names):
    return names.user(p["user_id"])


@registry.describer(ATTACHMENT_ADDED)
def _describe_attachment(p, names):
    from django.template.defaultfilters import filesizeformat

    return f"{attachment_kind_label(p['content_type'])}, {filesizeformat(p['size'])}"


@registry.describer(INITIAL_RESPONSE)
@registry.describer(CONTACT_ATTEMPT_FAILED)
def _describe_response(p, names):
    return TimelineNames.label(ResponseMethod, p["method"])


@registry.describer(CONSENT_RECORDED)
def _describe_consent(p, names):
    text = (f"{TimelineNames.label(ConsentPurpose, p['purpose'])} · "
            f"{TimelineNames.label(ConsentGiver, p['given_by'])}")
    if p.get("agencies"):
        return f"{text} · {names.agency_list(p['agencies'])}"
    return f"{text} · {TimelineNames.label(ConsentScope, p['scope'])}"


@registry.describer(CONSENT_WITHDRAWN)
def _describe_consent_withdrawn(p, names):
    return TimelineNames.label(ConsentPurpose, p["purpose"])


@registry.describer(SLA_WARNED)
@registry.describer(SLA_BREACHED)
def _describe_due(p, names):
    from django.utils.dateparse import parse_datetime
    from django.utils.translation import gettext as _g

    return _g("batas %(when)s") % {"when": datetime_label(parse_datetime(p["due_at"]))}


@registry.describer(DATA_CORRECTED)
def _describe_corrected(p, names):
    """What was corrected, in words — "Korban: nama lengkap" — from the field names (never values)."""
    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist
    from django.utils.translation import gettext as _g

    from cases.models.intake import CorrectionTarget

    model_name = {CorrectionTarget.COMPLAINT: "Complaint", CorrectionTarget.VICTIM: "Victim",
                  CorrectionTarget.REPORTER: "Reporter",
                  CorrectionTarget.PERPETRATOR: "Perpetrator"}.get(p.get("target"))
    if model_name is None:
        return ""
    model = apps.get_model("cases", model_name)
    labels = []
    for name in p.get("fields") or []:
        try:
            labels.append(str(model._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:  # a perpetrator's "relation" lives on its links
            labels.append(_g("hubungan dengan korban"))
    return f"{CorrectionTarget(p['target']).label}: {', '.join(labels)}"


@registry.describer(PERSON_ADDED)
def _describe_person_added(p, names):
    from cases.models.intake import CorrectionTarget

    return TimelineNames.label(CorrectionTarget, p.get("target"))
