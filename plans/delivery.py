"""Delivery records (R10, R11; SKB E.3.c, E.4.b): what each agency did for the case, and who reads
which. One service writes, one selector reads — the confidentiality rule lives in the selector's
SQL filter only (docs/access.md "Delivery records: who reads which")."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies import policies as agency_policies
from agencies.models import Agency, User
from cases.models import AccessLevel, Case, CaseGrant, GrantSource
from cases.policies import case_access_level
from common.audit import save_with_history
from common.errors import ActionNotAllowed, ApplicationError
from meetings.services.base import identity_check
from plans import events
from plans.models import Confidentiality, DeliveryRecord, Plan, ServiceItem
from plans.services import plan_agency_ids

RECORD_NOT_ALLOWED = _("Lembaga Anda tidak termasuk rencana layanan kasus ini dan tidak memegang akses "
                       "darurat sementara; pelaksanaan layanan tidak dapat dicatat.")
ITEM_NOT_ALLOWED = _("Hanya lembaga penanggung jawab layanan ini atau lembaga koordinator yang dapat "
                     "mencatat pelaksanaannya.")
ITEM_OTHER_CASE = _("Layanan ini bukan bagian dari rencana layanan kasus ini.")
DELIVERED_IN_FUTURE = _("Tanggal layanan tidak boleh di masa depan.")
DONE_REQUIRED = _("Tuliskan apa yang dilakukan.")
CONFIDENTIALITY_UNKNOWN = _("Pilih tingkat kerahasiaan: umum atau terbatas.")
OFFICER_NOT_STAFF = _("Petugas harus staf lembaga yang mencatat.")


def _emergency_agency_ids(case: Case) -> set[int]:
    """Agencies holding an active, unexpired emergency-referral grant on ``case``."""
    return set(CaseGrant.objects.filter(
        content_object=case, source=GrantSource.EMERGENCY_REFERRAL, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=Now()))
        .values_list("group__agency", flat=True))


def _recording_agency(actor: User, case: Case, item: ServiceItem | None,
                      plan: Plan | None) -> tuple[Agency, bool]:
    """The agency ``actor`` records for, and whether it acts under an emergency grant only."""
    own = agency_policies.staff_agency_ids(actor)
    if case_access_level(actor, case) < AccessLevel.SERVICE:
        raise ActionNotAllowed(RECORD_NOT_ALLOWED)
    coordinator_id = plan.coordinator_agency_id if plan else case.receiving_agency_id
    if item is not None:
        if item.agency_id in own:
            return item.agency, False
        if coordinator_id in own:
            return Agency.objects.get(pk=coordinator_id), False
        raise ActionNotAllowed(ITEM_NOT_ALLOWED)
    in_plan = (plan_agency_ids(plan) if plan else {case.receiving_agency_id}) & own
    if in_plan:
        return Agency.objects.get(pk=min(in_plan)), False
    emergency = _emergency_agency_ids(case) & own
    if emergency:
        return Agency.objects.get(pk=min(emergency)), True
    raise ActionNotAllowed(RECORD_NOT_ALLOWED)


@transaction.atomic
def delivery_record(*, actor: User, case: Case, delivered_on: date, done: str,
                    item: ServiceItem | None = None, officer: User | None = None, notes: str = "",
                    confidentiality: str = Confidentiality.UMUM) -> DeliveryRecord:
    """Record what an agency did: on a plan item by its responsible agency (or the coordinating
    agency); without an item by an agency of the plan, or by one acting under a temporary
    emergency grant (R10). Refused before anything is saved: an agency neither in the plan nor
    under an emergency grant, a future date, nothing said about what was done, a victim's or
    perpetrator's name in the texts."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    plan = Plan.objects.filter(case=case).first()
    if item is not None:
        item = ServiceItem.objects.select_related("agency", "version__plan").get(pk=item.pk)
        if item.version.plan.case_id != case.pk:
            raise ApplicationError(ITEM_OTHER_CASE, field="item")
    agency, emergency = _recording_agency(actor, case, item, plan)
    if delivered_on is None or delivered_on > timezone.localdate():
        raise ApplicationError(DELIVERED_IN_FUTURE, field="delivered_on")
    done = (done or "").strip()
    if not done:
        raise ApplicationError(DONE_REQUIRED, field="done")
    if confidentiality not in Confidentiality.values:
        raise ApplicationError(CONFIDENTIALITY_UNKNOWN, field="confidentiality")
    officer = officer or actor
    if not agency_policies.is_agency_staff(officer, agency.pk):
        raise ApplicationError(OFFICER_NOT_STAFF, field="officer")
    notes = (notes or "").strip()
    identity_check(case=case, texts={"done": done, "notes": notes})
    record = DeliveryRecord(case=case, item=item, agency=agency, delivered_on=delivered_on, done=done,
                            officer=officer, notes=notes, confidentiality=confidentiality,
                            recorded_by=actor)
    save_with_history(record, actor=actor)
    events.delivery_recorded(case=case, actor=actor, record=record, emergency=emergency)
    return record


def delivery_records_visible(user, case: Case) -> QuerySet[DeliveryRecord]:
    """The delivery records of ``case`` that ``user`` may read, filtered in SQL: none below
    ``service`` access to the case (a summary reader gets none); ``umum`` for every agency with
    service access — the plan's agencies and those under an emergency grant; ``terbatas`` only
    for the recording agency and the coordinating agency (the plan's, or the receiving agency
    before a plan)."""
    records = DeliveryRecord.objects.filter(case=case).select_related(
        "agency", "officer", "item__service").order_by("-delivered_on", "-id")
    if case_access_level(user, case) < AccessLevel.SERVICE:
        return records.none()
    own = list(agency_policies.staff_agency_ids(user))
    return records.filter(
        Q(confidentiality=Confidentiality.UMUM)
        | Q(agency_id__in=own)
        | Q(case__service_plan__coordinator_agency_id__in=own)
        | Q(case__service_plan__isnull=True, case__receiving_agency_id__in=own))
