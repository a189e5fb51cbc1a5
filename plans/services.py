"""Writes on the case conference and the service plan (R11; SKB E.1.d, E.3.c, E.4.b). Each service
takes its actor, checks it, writes in one transaction with its timeline event, and refuses bad
input before anything is saved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies import policies as agency_policies
from agencies.models import Agency, Service, User
from cases.models import AccessLevel, Case, CaseGrant, GrantSource
from cases.services import case_grant_access, case_revoke_source
from common.audit import save_with_history
from common.errors import ActionNotAllowed, ApplicationError
from plans import events, lifecycle
from plans.models import (
    CaseConference,
    ConferenceAttendee,
    ItemRole,
    ItemStatus,
    Plan,
    PlanVersion,
    PlanVersionStatus,
    ServiceItem,
)
from plans.policies import may_approve_plan, may_edit_plan, may_move_item
from plans.selectors import current_decision

NO_DECISION = _("Case conference mengikuti keputusan rapat yang sudah ditandatangani; kasus ini belum "
                "ditetapkan (dan bukan kasus darurat yang menunggu penetapan formal).")
EDIT_NOT_ALLOWED = _("Anda tidak berwenang menyusun rencana layanan kasus ini.")
APPROVE_NOT_ALLOWED = _("Hanya kepala lembaga koordinator yang dapat menyetujui rencana layanan.")
MOVE_NOT_ALLOWED = _("Anda tidak berwenang mengubah status layanan ini.")
ATTENDEES_REQUIRED = _("Catat peserta case conference: lembaga dan jabatan.")
POSITION_REQUIRED = _("Tuliskan jabatan setiap peserta.")
HELD_IN_FUTURE = _("Tanggal case conference tidak boleh di masa depan.")
NO_PLAN = _("Kasus ini belum memiliki rencana layanan: catat case conference lebih dahulu.")
AGENCY_NOT_IN_PLAN = _("Lembaga ini tidak termasuk lembaga dalam rencana layanan (peserta case conference).")
SERVICE_INACTIVE = _("Layanan ini tidak aktif dalam katalog.")
OFF_CATALOGUE = _("{agency} tidak menyediakan layanan \"{service}\" menurut katalog. Tuliskan alasannya "
                  "bila tetap ditugaskan.")
OFFICER_NOT_STAFF = _("Petugas harus staf lembaga penanggung jawab.")
ROLE_UNKNOWN = _("Peran tidak dikenal.")
WHEN_REQUIRED = _("Isi rencana tanggal mulai atau frekuensi layanan.")
END_BEFORE_START = _("Rencana selesai tidak boleh sebelum rencana mulai.")
NOT_DRAFT = _("Versi ini sudah disetujui; perubahan membuat versi baru.")
NOT_CURRENT = _("Versi ini sudah digantikan versi yang lebih baru; hanya dapat dibaca.")
EMPTY_PLAN = _("Rencana layanan belum memuat layanan apa pun.")


def latest_version(plan: Plan) -> PlanVersion | None:
    return plan.versions.order_by("-number").first()


def latest_approved(plan: Plan) -> PlanVersion | None:
    return plan.versions.filter(status=PlanVersionStatus.APPROVED).order_by("-number").first()


def plan_agency_ids(plan: Plan) -> set[int]:
    """The plan's agencies: those that attended one of its conferences, and the coordinator."""
    ids = set(ConferenceAttendee.objects.filter(conference__plan=plan).values_list("agency_id", flat=True))
    ids.add(plan.coordinator_agency_id)
    return ids


def _check_edit(actor: User, plan: Plan) -> None:
    if not may_edit_plan(actor, case=plan.case, coordinator_agency_id=plan.coordinator_agency_id,
                         case_coordinator_id=plan.case_coordinator_id):
        raise ActionNotAllowed(EDIT_NOT_ALLOWED)


def _open_version(*, actor: User, plan: Plan, cause: str, conference: CaseConference | None = None,
                  provisional: bool | None = None) -> PlanVersion:
    """The plan's draft: the open one, or a new version copying the latest one's items."""
    draft = plan.versions.select_for_update().filter(status=PlanVersionStatus.DRAFT).first()
    if draft is not None:
        if conference is not None:
            draft.conference = conference
            draft.provisional = bool(provisional)
            save_with_history(draft, actor=actor, update_fields=["conference", "provisional"])
        return draft
    before = latest_version(plan)
    version = PlanVersion(plan=plan, number=(before.number + 1) if before else 1, created_by=actor,
                          conference=conference or (before.conference if before else None),
                          provisional=bool(provisional) if provisional is not None
                          else bool(before and before.provisional))
    save_with_history(version, actor=actor)
    if before is not None:
        for item in before.items.order_by("id"):
            copy = ServiceItem(version=version, origin_id=item.origin_id or item.pk,
                               service_id=item.service_id, agency_id=item.agency_id,
                               officer_id=item.officer_id, role=item.role,
                               planned_start=item.planned_start, planned_end=item.planned_end,
                               frequency=item.frequency, off_catalogue_reason=item.off_catalogue_reason,
                               status=item.status, cancel_reason=item.cancel_reason)
            save_with_history(copy, actor=actor)
        from plans.indicators import indicators_copy  # noqa: PLC0415 — indicators builds on this module
        indicators_copy(actor=actor, before=before, version=version)
    events.plan_version_opened(case=plan.case, actor=actor, version=version, cause=cause)
    return version


@dataclass(frozen=True)
class AttendeeInput:
    agency: Agency
    position: str


@transaction.atomic
def conference_record(*, actor: User, case: Case, held_on: date, attendees: list[AttendeeInput],
                      agreed: str = "") -> CaseConference:
    """Record a case conference (R11). It follows the signed decision standing on the case; an
    emergency still awaiting its formal decision may hold one first, and the plan it starts is
    provisional. It opens a new draft version of the plan (or takes over the open draft)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    decision = current_decision(case)
    provisional = decision is None
    if provisional and not (case.is_emergency and case.awaiting_formal_decision):
        raise ApplicationError(NO_DECISION)
    coordinator = decision.coordinator_agency if decision else case.receiving_agency
    case_coordinator_id = decision.case_coordinator_id if decision else None
    plan = Plan.objects.select_for_update().filter(case=case).first()
    probe = plan or Plan(case=case, coordinator_agency=coordinator, case_coordinator_id=case_coordinator_id)
    if not may_edit_plan(actor, case=case, coordinator_agency_id=coordinator.pk,
                         case_coordinator_id=case_coordinator_id):
        raise ActionNotAllowed(EDIT_NOT_ALLOWED)
    if held_on > timezone.localdate():
        raise ApplicationError(HELD_IN_FUTURE, field="held_on")
    if not attendees:
        raise ApplicationError(ATTENDEES_REQUIRED, field="attendees")
    cleaned = []
    for a in attendees:
        position = (a.position or "").strip()
        if not position:
            raise ApplicationError(POSITION_REQUIRED, field="attendees")
        cleaned.append((a.agency, position))
    plan = probe
    plan.coordinator_agency = coordinator
    plan.case_coordinator_id = case_coordinator_id
    plan.save()
    conference = CaseConference.objects.create(plan=plan, held_on=held_on, decision=decision,
                                               provisional=provisional, agreed=(agreed or "").strip(),
                                               recorded_by=actor)
    ConferenceAttendee.objects.bulk_create(
        ConferenceAttendee(conference=conference, agency=agency, position=position)
        for agency, position in cleaned)
    version = _open_version(actor=actor, plan=plan, cause="conference", conference=conference,
                            provisional=provisional)
    events.conference_recorded(case=case, actor=actor, conference=conference, version=version,
                               agencies={a for a, _p in cleaned})
    return conference


@transaction.atomic
def item_add(*, actor: User, case: Case, service: Service, agency: Agency, role: str,
             officer: User | None = None, planned_start: date | None = None,
             planned_end: date | None = None, frequency: str = "",
             off_catalogue_reason: str = "") -> ServiceItem:
    """Add a service item to the plan's draft; on an approved plan this opens a new version to
    approve. The agency must be one of the plan's agencies; an agency that does not provide the
    service (catalogue) is warned and allowed with a reason."""
    plan = Plan.objects.select_for_update().select_related("case").filter(case=case).first()
    if plan is None:
        raise ApplicationError(NO_PLAN)
    _check_edit(actor, plan)
    if agency.pk not in plan_agency_ids(plan):
        raise ApplicationError(AGENCY_NOT_IN_PLAN, field="agency")
    if not service.is_active:
        raise ApplicationError(SERVICE_INACTIVE, field="service")
    if role not in ItemRole.values:
        raise ApplicationError(ROLE_UNKNOWN, field="role")
    reason = (off_catalogue_reason or "").strip()
    provides = agency.services.filter(pk=service.pk).exists()
    if not provides and not reason:
        raise ApplicationError(str(OFF_CATALOGUE).format(agency=agency.name, service=service.name),
                               field="off_catalogue_reason")
    if officer is not None and not agency_policies.is_agency_staff(officer, agency.pk):
        raise ApplicationError(OFFICER_NOT_STAFF, field="officer")
    frequency = (frequency or "").strip()
    if planned_start is None and not frequency:
        raise ApplicationError(WHEN_REQUIRED, field="planned_start")
    if planned_start and planned_end and planned_end < planned_start:
        raise ApplicationError(END_BEFORE_START, field="planned_end")
    version = _open_version(actor=actor, plan=plan, cause="change")
    item = ServiceItem(version=version, service=service, agency=agency, officer=officer, role=role,
                       planned_start=planned_start, planned_end=planned_end, frequency=frequency,
                       off_catalogue_reason=reason if not provides else "")
    save_with_history(item, actor=actor)
    events.service_item_added(case=plan.case, actor=actor, item=item)
    return item


@transaction.atomic
def item_remove(*, actor: User, item: ServiceItem) -> PlanVersion:
    """Take an item out of the plan: out of the draft, or — on an approved version — out of a new
    draft copying it (the approved version stays as it was). Returns the draft."""
    item = ServiceItem.objects.select_related("version__plan__case", "agency").get(pk=item.pk)
    plan = Plan.objects.select_for_update().select_related("case").get(pk=item.version.plan_id)
    _check_edit(actor, plan)
    if item.version_id != latest_version(plan).pk:
        raise ApplicationError(NOT_CURRENT)
    version = _open_version(actor=actor, plan=plan, cause="change")
    target = item if item.version_id == version.pk else version.items.get(
        origin_id=item.origin_id or item.pk)
    target_id = target.pk
    target._history_user = actor
    target.delete()
    events.service_item_removed(case=plan.case, actor=actor, version=version, item_id=target_id,
                                agency=item.agency)
    return version


@transaction.atomic
def item_status_set(*, actor: User, item: ServiceItem, to: str, reason: str = "") -> ServiceItem:
    """Move an item through its lifecycle (``plans.lifecycle``): by the responsible agency or the
    coordinating agency, on the current approved version (the open draft's copy follows)."""
    item = ServiceItem.objects.select_for_update(of=("self",)).select_related(
        "version__plan__case", "agency").get(pk=item.pk)
    plan = item.version.plan
    if not may_move_item(actor, case=plan.case, item_agency_id=item.agency_id,
                         coordinator_agency_id=plan.coordinator_agency_id):
        raise ActionNotAllowed(MOVE_NOT_ALLOWED)
    current = latest_approved(plan)
    if current is None or item.version_id != current.pk:
        raise ApplicationError(NOT_CURRENT)
    from_ = item.status
    reason = lifecycle.item_status_check(from_=from_, to=to, reason=reason)
    root = item.origin_id or item.pk
    targets = [item, *ServiceItem.objects.select_for_update().filter(
        version__plan=plan, version__status=PlanVersionStatus.DRAFT, origin_id=root)]
    for t in targets:
        t.status = to
        t.cancel_reason = reason if to == ItemStatus.CANCELLED else ""
        save_with_history(t, actor=actor, update_fields=["status", "cancel_reason"])
    events.service_item_status(case=plan.case, actor=actor, item=item, from_=from_)
    return item


@transaction.atomic
def plan_approve(*, actor: User, version: PlanVersion) -> PlanVersion:
    """The coordinating agency's head approves the draft. Access then follows the plan: each
    agency named in it (other than the receiving agency) holds a ``service`` grant whose source is
    this plan; an agency the plan no longer names loses that grant only (grants from other sources
    stay; history keeps both)."""
    version = PlanVersion.objects.select_for_update().select_related("plan__case").get(pk=version.pk)
    plan = version.plan
    if not may_approve_plan(actor, coordinator_agency_id=plan.coordinator_agency_id):
        raise ActionNotAllowed(APPROVE_NOT_ALLOWED)
    if not version.is_draft:
        raise ApplicationError(NOT_DRAFT)
    agencies = {i.agency.pk: i.agency for i in version.items.select_related("agency")}
    if not agencies:
        raise ApplicationError(EMPTY_PLAN)
    version.status = PlanVersionStatus.APPROVED
    version.approved_by = actor
    version.approved_at = timezone.now()
    save_with_history(version, actor=actor, update_fields=["status", "approved_by", "approved_at"])
    events.plan_approved(case=plan.case, actor=actor, version=version, agencies=agencies.values())
    _grants_follow(actor=actor, plan=plan, version=version, agencies=agencies)
    return version


def _grants_follow(*, actor: User, plan: Plan, version: PlanVersion, agencies: dict[int, Agency]) -> None:
    case = plan.case
    ref = plan.grant_ref
    for agency in agencies.values():
        if agency.pk != case.receiving_agency_id:
            case_grant_access(actor=actor, case=case, agency=agency, level=AccessLevel.SERVICE,
                              source=GrantSource.PLAN, source_ref=ref, check_actor=False)
    held = (CaseGrant.objects.filter(content_object=case, source=GrantSource.PLAN, source_ref=ref,
                                     revoked_at__isnull=True)
            .exclude(group__agency__in=list(agencies)).select_related("group__agency"))
    for grant in held:
        case_revoke_source(actor=actor, case=case, source=GrantSource.PLAN, source_ref=ref,
                           agency=grant.group.agency, check_actor=False,
                           reason=f"Tidak lagi dalam rencana layanan versi {version.number}")
