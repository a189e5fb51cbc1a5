"""Timeline events of ``plans`` (numbers 700–799): the case conference, plan versions, their
approval and the service items. Payloads carry ids, codes and dates — never what was agreed nor
a reason's text. Keys: docs/events.md."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.event_registry import registry
from cases.events import case_event_record
from cases.models import Case, CaseEvent

event_type = registry.declarer("plans")

CONFERENCE_RECORDED = event_type(
    700, "CONFERENCE_RECORDED", _("Case conference dicatat"),
    payload={"conference": int, "version": int, "held_on": str, "provisional": bool,
             "decision": int | None, "agencies": list[str]})
PLAN_VERSION_OPENED = event_type(
    701, "PLAN_VERSION_OPENED", _("Versi baru rencana layanan (draf)"),
    payload={"version": int, "number": int, "cause": str})
SERVICE_ITEM_ADDED = event_type(
    702, "SERVICE_ITEM_ADDED", _("Layanan ditambahkan ke rencana"),
    payload={"version": int, "item": int, "agency": str, "service": str, "role": str,
             "off_catalogue": bool})
SERVICE_ITEM_REMOVED = event_type(
    703, "SERVICE_ITEM_REMOVED", _("Layanan dihapus dari draf rencana"),
    payload={"version": int, "item": int, "agency": str})
SERVICE_ITEM_STATUS = event_type(
    704, "SERVICE_ITEM_STATUS", _("Status layanan dalam rencana berubah"),
    payload={"item": int, "agency": str, "from": str, "to": str})
PLAN_APPROVED = event_type(
    705, "PLAN_APPROVED", _("Rencana layanan disetujui kepala lembaga koordinator"),
    payload={"version": int, "number": int, "agencies": list[str], "provisional": bool})

DELIVERY_RECORDED = event_type(
    706, "DELIVERY_RECORDED", _("Pelaksanaan layanan dicatat"),
    payload={"record": int, "item": int | None, "agency": str, "delivered_on": str,
             "confidentiality": str, "emergency": bool})
INDICATOR_ADDED = event_type(
    707, "INDICATOR_ADDED", _("Indikator pemulihan ditambahkan"),
    payload={"version": int, "indicator": int})
INDICATOR_UPDATED = event_type(
    708, "INDICATOR_UPDATED", _("Nilai indikator pemulihan diperbarui"),
    payload={"indicator": int, "from": str | None, "to": str, "progress": int | None})


@registry.writer(CONFERENCE_RECORDED)
def conference_recorded(*, case: Case, actor, conference, version, agencies) -> CaseEvent:
    return case_event_record(case=case, actor=actor, event_type=CONFERENCE_RECORDED, payload={
        "conference": conference.pk, "version": version.pk, "held_on": conference.held_on.isoformat(),
        "provisional": conference.provisional, "decision": conference.decision_id,
        "agencies": sorted(a.code for a in agencies)})


@registry.writer(PLAN_VERSION_OPENED)
def plan_version_opened(*, case: Case, actor, version, cause: str) -> CaseEvent:
    return case_event_record(case=case, actor=actor, event_type=PLAN_VERSION_OPENED, payload={
        "version": version.pk, "number": version.number, "cause": cause})


@registry.writer(SERVICE_ITEM_ADDED)
def service_item_added(*, case: Case, actor, item) -> CaseEvent:
    return case_event_record(case=case, actor=actor, event_type=SERVICE_ITEM_ADDED, payload={
        "version": item.version_id, "item": item.pk, "agency": item.agency.code,
        "service": item.service.code, "role": item.role, "off_catalogue": bool(item.off_catalogue_reason)})


@registry.writer(SERVICE_ITEM_REMOVED)
def service_item_removed(*, case: Case, actor, version, item_id: int, agency) -> CaseEvent:
    return case_event_record(case=case, actor=actor, event_type=SERVICE_ITEM_REMOVED, payload={
        "version": version.pk, "item": item_id, "agency": agency.code})


@registry.writer(SERVICE_ITEM_STATUS)
def service_item_status(*, case: Case, actor, item, from_: str) -> CaseEvent:
    return case_event_record(case=case, actor=actor, event_type=SERVICE_ITEM_STATUS, payload={
        "item": item.pk, "agency": item.agency.code, "from": from_, "to": item.status})


@registry.writer(PLAN_APPROVED)
def plan_approved(*, case: Case, actor, version, agencies) -> CaseEvent:
    return case_event_record(case=case, actor=actor, event_type=PLAN_APPROVED, payload={
        "version": version.pk, "number": version.number, "agencies": sorted(a.code for a in agencies),
        "provisional": version.provisional})


@registry.writer(DELIVERY_RECORDED)
def delivery_recorded(*, case: Case, actor, record, emergency: bool) -> CaseEvent:
    return case_event_record(case=case, actor=actor, event_type=DELIVERY_RECORDED, payload={
        "record": record.pk, "item": record.item_id, "agency": record.agency.code,
        "delivered_on": record.delivered_on.isoformat(), "confidentiality": record.confidentiality,
        "emergency": emergency})


@registry.writer(INDICATOR_ADDED)
def indicator_added(*, case: Case, actor, indicator) -> CaseEvent:
    return case_event_record(case=case, actor=actor, event_type=INDICATOR_ADDED, payload={
        "version": indicator.version_id, "indicator": indicator.pk})


@registry.writer(INDICATOR_UPDATED)
def indicator_updated(*, case: Case, actor, indicator, from_) -> CaseEvent:
    return case_event_record(case=case, actor=actor, event_type=INDICATOR_UPDATED, payload={
        "indicator": indicator.pk, "from": None if from_ is None else str(from_),
        "to": str(indicator.current), "progress": indicator.progress})
