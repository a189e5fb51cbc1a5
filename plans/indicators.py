"""Recovery indicators agreed in the case conference (R11; SKB E.4.b): numeric, with a unit or
label, on a plan version; progress is computed (``RecoveryIndicator.progress``). Each write takes
its actor and writes its timeline event in the same transaction."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies import policies as agency_policies
from agencies.models import User
from cases.models import AccessLevel
from cases.policies import case_access_level
from common.audit import save_with_history
from common.errors import ActionNotAllowed, ApplicationError
from plans import events
from plans.models import Plan, PlanVersion, RecoveryIndicator
from plans.policies import may_edit_plan
from plans.services import latest_version, plan_agency_ids

EDIT_NOT_ALLOWED = _("Anda tidak berwenang menyusun indikator pemulihan kasus ini.")
UPDATE_NOT_ALLOWED = _("Hanya lembaga dalam rencana layanan yang dapat memperbarui nilai indikator.")
NAME_REQUIRED = _("Tuliskan nama indikator pemulihan.")
NUMBER_REQUIRED = _("Isi dengan angka.")
TARGET_REQUIRED = _("Isi target indikator pemulihan.")
TARGET_EQUALS_BASELINE = _("Target harus berbeda dari nilai awal.")
NOT_CURRENT = _("Versi ini sudah digantikan versi yang lebih baru; hanya dapat dibaca.")


def _number(value, *, field: str, required_message=NUMBER_REQUIRED) -> Decimal:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ApplicationError(required_message, field=field)
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ApplicationError(NUMBER_REQUIRED, field=field) from None
    if not number.is_finite() or abs(number) >= Decimal("1e10"):
        raise ApplicationError(NUMBER_REQUIRED, field=field)
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def indicator_add(*, actor: User, version: PlanVersion, name: str, baseline, target, unit: str = "",
                  current=None) -> RecoveryIndicator:
    """Add an indicator to the plan's latest version, by whoever may edit the plan. Refused without
    a name, a baseline or a target, or with a target equal to the baseline."""
    version = PlanVersion.objects.select_related("plan__case").get(pk=version.pk)
    plan = Plan.objects.select_for_update().get(pk=version.plan_id)
    if not may_edit_plan(actor, case=plan.case, coordinator_agency_id=plan.coordinator_agency_id,
                         case_coordinator_id=plan.case_coordinator_id):
        raise ActionNotAllowed(EDIT_NOT_ALLOWED)
    if latest_version(plan).pk != version.pk:
        raise ApplicationError(NOT_CURRENT)
    name = (name or "").strip()
    if not name:
        raise ApplicationError(NAME_REQUIRED, field="name")
    baseline = _number(baseline, field="baseline")
    target = _number(target, field="target", required_message=TARGET_REQUIRED)
    if target == baseline:
        raise ApplicationError(TARGET_EQUALS_BASELINE, field="target")
    current = None if current in (None, "") else _number(current, field="current")
    indicator = RecoveryIndicator(version=version, name=name, unit=(unit or "").strip(), baseline=baseline,
                                  target=target, current=current, updated_by=actor)
    save_with_history(indicator, actor=actor)
    events.indicator_added(case=plan.case, actor=actor, indicator=indicator)
    return indicator


@transaction.atomic
def indicator_update(*, actor: User, indicator: RecoveryIndicator, current) -> RecoveryIndicator:
    """Record the indicator's current value, by staff of an agency in the plan with service access;
    writes an ``INDICATOR_UPDATED`` event with the old and new value and the progress."""
    indicator = RecoveryIndicator.objects.select_for_update(of=("self",)).select_related(
        "version__plan__case").get(pk=indicator.pk)
    plan = indicator.version.plan
    own = agency_policies.staff_agency_ids(actor)
    if not (plan_agency_ids(plan) & own) or case_access_level(actor, plan.case) < AccessLevel.SERVICE:
        raise ActionNotAllowed(UPDATE_NOT_ALLOWED)
    if latest_version(plan).pk != indicator.version_id:
        raise ApplicationError(NOT_CURRENT)
    from_ = indicator.current
    indicator.current = _number(current, field="current")
    indicator.updated_by = actor
    indicator.updated_at = timezone.now()
    save_with_history(indicator, actor=actor, update_fields=["current", "updated_by", "updated_at"])
    events.indicator_updated(case=plan.case, actor=actor, indicator=indicator, from_=from_)
    return indicator


def indicators_copy(*, actor: User, before: PlanVersion, version: PlanVersion) -> None:
    """A new version carries the indicators of the one before (called by ``_open_version``)."""
    for i in before.indicators.order_by("id"):
        save_with_history(RecoveryIndicator(version=version, name=i.name, unit=i.unit, baseline=i.baseline,
                                            target=i.target, current=i.current, updated_by=i.updated_by,
                                            updated_at=i.updated_at), actor=actor)
