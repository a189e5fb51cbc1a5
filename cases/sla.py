"""The 1×24-hour initial-response SLA (SKB B.2): warn at 18 h, record a breach at 24 h.

No countdown tasks: deadlines are columns, and a beat sweep finds what is due in one indexed
query. Each (complaint, kind) happens once — a unique constraint, not a habit — so sweeps may run
twice, late, or concurrently; after a worker outage one sweep catches up on everything missed.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role
from agencies.selectors import users_with_role
from cases.events import case_event_record
from cases.models import Complaint, EventType, SlaEvent
from cases.models.intake import RESPONSE_SLA, RESPONSE_WARNING_AFTER, SlaKind
from common.notifications import notify

log = logging.getLogger(__name__)

WARN_BEFORE = RESPONSE_SLA - RESPONSE_WARNING_AFTER  # 6 h before the deadline


def _open_complaints():
    return Complaint.objects.filter(responded_at__isnull=True, outcome="")


def _record(complaint: Complaint, kind: str, now: datetime) -> SlaEvent | None:
    try:
        with transaction.atomic():
            return SlaEvent.objects.create(complaint=complaint, kind=kind, at=now,
                                           due_at=complaint.response_due_at)
    except IntegrityError:
        return None  # already recorded by an earlier or concurrent sweep


def _warn(complaint: Complaint, now: datetime) -> bool:
    if _record(complaint, SlaKind.WARNING, now) is None:
        return False
    case = complaint.case
    recipients = list(users_with_role(roles=[Role.ADMIN_OFFICER], agency=complaint.receiving_agency))
    if complaint.assignee_id:
        recipients.append(complaint.assignee)
    notify(users=recipients, kind="sla_warning", case=case,
           title=f"{case.number}: respons awal jatuh tempo "
                 f"{timezone.localtime(complaint.response_due_at):%d-%m-%Y %H:%M} WIB",
           url=reverse("cases:detail", args=[case.pk]),
           dedupe_key=f"sla_warning:{complaint.pk}")
    case_event_record(case=case, actor=None, agency=complaint.receiving_agency,
                      event_type=EventType.SLA_WARNED, payload={"complaint": str(complaint.public_id)})
    return True


def _breach(complaint: Complaint, now: datetime) -> bool:
    if _record(complaint, SlaKind.BREACH, now) is None:
        return False
    case = complaint.case
    heads = users_with_role(roles=[Role.HEAD], agency=complaint.receiving_agency)
    chairs = users_with_role(roles=[Role.TP_KETUA])
    notify(users=[*heads, *chairs], kind="sla_breach", case=case,
           title=f"{case.number}: batas respons awal 1×24 jam terlampaui",
           url=reverse("cases:detail", args=[case.pk]),
           dedupe_key=f"sla_breach:{complaint.pk}")
    case_event_record(case=case, actor=None, agency=complaint.receiving_agency,
                      event_type=EventType.SLA_BREACHED, payload={"complaint": str(complaint.public_id)})
    return True


def sla_check_complaint(*, complaint: Complaint, now: datetime | None = None) -> None:
    """Apply the SLA to one complaint now (used at registration for late-registered ones)."""
    now = now or timezone.now()
    if complaint.responded_at is not None or complaint.outcome:
        return
    if complaint.response_due_at <= now:
        _breach(complaint, now)
    elif complaint.response_due_at - WARN_BEFORE <= now:
        _warn(complaint, now)


def sla_sweep(*, now: datetime | None = None, batch: int = 500) -> dict[str, int]:
    """Find due-soon and overdue complaints and warn/breach each exactly once.

    Rows are locked with SKIP LOCKED so concurrent sweeps split the work instead of doubling it;
    the unique constraint catches anything that slips through."""
    now = now or timezone.now()
    counts = {"warned": 0, "breached": 0}
    with transaction.atomic():
        due = list(
            _open_complaints()
            .filter(response_due_at__lte=now + WARN_BEFORE)
            .exclude(sla_events__kind=SlaKind.BREACH)
            .select_related("case", "receiving_agency", "assignee")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("response_due_at")[:batch]
        )
        for complaint in due:
            if complaint.response_due_at <= now:
                # A complaint first seen after its deadline was never warned: breach only.
                counts["breached"] += _breach(complaint, now)
            elif _warn(complaint, now):
                counts["warned"] += 1
    if counts["warned"] or counts["breached"]:
        log.info("sla_sweep warned=%s breached=%s", counts["warned"], counts["breached"])
    return counts
