"""The 1×24-hour initial-response SLA (SKB B.2): warn at 18 h, record a breach at 24 h.

No countdown tasks: deadlines are columns, and a beat sweep finds what is due in one indexed
query (the partial index ``complaint_open_due_idx`` on complaints open for the clock, by deadline).
"Open for the clock" is ``cases.models.intake.OPEN_FOR_CLOCK``: no successful first response yet
and not voided. A decision or a screening outcome does not stop the clock (R1). Each
(complaint, kind) happens once — a unique constraint, not a habit — so sweeps may run twice, late,
or concurrently; after a worker outage one sweep catches up on everything missed, batch by batch.

The clock is the application's: ``now`` defaults to ``timezone.now()`` and tests pass it or move it.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role
from agencies.selectors import agency_heads, users_with_role
from cases.events import case_event_record
from cases.models import Complaint, EventType, SlaEvent
from cases.models.intake import RESPONSE_SLA, RESPONSE_WARNING_AFTER, SlaKind
from common.notifications import notify

log = logging.getLogger(__name__)

WARN_BEFORE = RESPONSE_SLA - RESPONSE_WARNING_AFTER  # 6 h before the deadline
# A guard, not a limit anyone should reach: 200 batches of 500 is 100 000 complaints in one sweep.
MAX_BATCHES = 200


def _has_event(kind: str) -> Exists:
    return Exists(SlaEvent.objects.filter(complaint=OuterRef("pk"), kind=kind))


def complaints_due(*, now: datetime):
    """Open complaints that need a warning or a breach recorded at ``now``, earliest first.

    A complaint already past its deadline needs a breach; one inside the last six hours needs a
    warning. Complaints whose event exists are left out here, so a sweep that finds nothing to do
    touches nothing (and the unique constraint only has to catch real races)."""
    return (
        Complaint.objects.open_for_clock()
        .filter(response_due_at__lte=now + WARN_BEFORE)
        .filter(Q(~_has_event(SlaKind.BREACH), response_due_at__lte=now)
                | Q(~_has_event(SlaKind.WARNING), response_due_at__gt=now))
        .order_by("response_due_at", "pk")
    )


def _record(complaint: Complaint, kind: str, now: datetime) -> SlaEvent | None:
    try:
        with transaction.atomic():
            return SlaEvent.objects.create(complaint=complaint, kind=kind, at=now,
                                           due_at=complaint.response_due_at)
    except IntegrityError:
        return None  # already recorded by an earlier or concurrent sweep


def _payload(complaint: Complaint) -> dict:
    return {"complaint": str(complaint.public_id), "due_at": complaint.response_due_at.isoformat()}


def _warn(complaint: Complaint, now: datetime) -> bool:
    """Record the 18-hour warning once; tell the assignee and the agency's admin officers."""
    if _record(complaint, SlaKind.WARNING, now) is None:
        return False
    case = complaint.case
    recipients = list(users_with_role(roles=[Role.ADMIN_OFFICER], agency=complaint.receiving_agency))
    if complaint.assignee_id and complaint.assignee.is_active:
        recipients.append(complaint.assignee)
    notify(users=recipients, kind="sla_warning", case=case,
           title=f"{case.number}: respons awal jatuh tempo "
                 f"{timezone.localtime(complaint.response_due_at):%d-%m-%Y %H:%M} WIB",
           url=reverse("cases:detail", args=[case.pk]),
           dedupe_key=f"sla_warning:{complaint.pk}")
    case_event_record(case=case, actor=None, agency=complaint.receiving_agency,
                      event_type=EventType.SLA_WARNED, payload=_payload(complaint), at=now)
    return True


def _breach(complaint: Complaint, now: datetime) -> bool:
    """Record the 24-hour breach once; escalate to the agency head and the Tim Percepatan chair."""
    if _record(complaint, SlaKind.BREACH, now) is None:
        return False
    case = complaint.case
    heads = agency_heads(agency=complaint.receiving_agency)
    chairs = users_with_role(roles=[Role.TP_KETUA])
    notify(users=[*heads, *chairs], kind="sla_breach", case=case,
           title=f"{case.number}: batas respons awal 1×24 jam terlampaui",
           url=reverse("cases:detail", args=[case.pk]),
           dedupe_key=f"sla_breach:{complaint.pk}")
    case_event_record(case=case, actor=None, agency=complaint.receiving_agency,
                      event_type=EventType.SLA_BREACHED, payload=_payload(complaint), at=now)
    return True


def _apply(complaint: Complaint, now: datetime) -> str | None:
    """Warn or breach one open complaint as ``now`` requires; returns what was recorded."""
    if complaint.response_due_at <= now:
        # A complaint first seen after its deadline (registered late, or missed while the worker
        # was down) is breached without a warning: a warning after the fact helps nobody.
        return "breached" if _breach(complaint, now) else None
    if complaint.response_due_at - WARN_BEFORE <= now:
        return "warned" if _warn(complaint, now) else None
    return None


def sla_check_complaint(*, complaint: Complaint, now: datetime | None = None) -> None:
    """Apply the SLA to one complaint at once (at registration, for a late-registered one)."""
    now = now or timezone.now()
    if not Complaint.objects.open_for_clock().filter(pk=complaint.pk).exists():
        return
    _apply(complaint, now)


def sla_sweep(*, now: datetime | None = None, batch: int = 500) -> dict[str, int]:
    """Find due-soon and overdue complaints and warn/breach each exactly once.

    Each batch is one transaction whose rows are locked with SKIP LOCKED, so concurrent sweeps
    split the work instead of doubling it; the unique constraint catches anything that slips
    through. Batches repeat until nothing due is left, so one sweep catches up after an outage."""
    now = now or timezone.now()
    counts = {"warned": 0, "breached": 0}
    for _ in range(MAX_BATCHES):
        with transaction.atomic():
            due = list(
                complaints_due(now=now)
                .select_related("case", "receiving_agency", "assignee")
                .select_for_update(skip_locked=True, of=("self",))[:batch]
            )
            for complaint in due:
                done = _apply(complaint, now)
                if done:
                    counts[done] += 1
        if len(due) < batch:
            break
    else:
        log.warning("sla_sweep stopped after %s batches; the next sweep continues", MAX_BATCHES)
    if counts["warned"] or counts["breached"]:
        log.info("sla_sweep warned=%s breached=%s", counts["warned"], counts["breached"])
    return counts
