"""The 1×24-hour initial-response SLA (SKB B.2): warn at 18 h, record a breach at 24 h.

One deadline rule (``common.deadlines``): no countdown tasks; deadlines are columns, and the beat
sweep finds what is due in one indexed query (the partial index ``complaint_open_due_idx`` on
complaints open for the clock, by deadline). "Open for the clock" is
``cases.models.intake.OPEN_FOR_CLOCK``: no successful first response yet and not voided. A decision
or a screening outcome does not stop the clock (R1). Each (complaint, kind) happens once —
``SlaEvent``'s unique constraint, not a habit — so sweeps may run twice, late, or concurrently;
after a worker outage one sweep catches up on everything missed, batch by batch.

The clock is the application's: ``now`` defaults to ``timezone.now()`` and tests pass it or move it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.urls import reverse

from agencies.models import Role
from agencies.selectors import agency_heads, users_with_role
from cases import events
from cases.models import Complaint, SlaEvent
from cases.models.intake import RESPONSE_SLA, RESPONSE_WARNING_AFTER, SlaKind
from common.deadlines import AlertTable, Deadline, Stage, deadline_check, deadline_due, deadline_sweep
from common.notifications import notify
from common.timefmt import datetime_label

log = logging.getLogger(__name__)

WARN_BEFORE = RESPONSE_SLA - RESPONSE_WARNING_AFTER  # 6 h before the deadline


def _warn(complaint: Complaint, alert: SlaEvent) -> None:
    """The 18-hour warning: tell the assignee and the agency's admin officers."""
    case = complaint.case
    recipients = list(users_with_role(roles=[Role.ADMIN_OFFICER], agency=complaint.receiving_agency))
    if complaint.assignee_id and complaint.assignee.is_active:
        recipients.append(complaint.assignee)
    notify(users=recipients, kind="sla_warning", case=case,
           title=f"{case.number}: respons awal jatuh tempo "
                 f"{datetime_label(complaint.response_due_at, lang='id')}",
           url=reverse("cases:detail", args=[case.pk]),
           dedupe_key=f"sla_warning:{complaint.pk}")
    events.sla_warned(case=case, agency=complaint.receiving_agency, complaint=complaint, at=alert.at)


def _breach(complaint: Complaint, alert: SlaEvent) -> None:
    """The 24-hour breach: escalate to the agency head and the Tim Percepatan chair."""
    case = complaint.case
    heads = agency_heads(agency=complaint.receiving_agency)
    chairs = users_with_role(roles=[Role.TP_KETUA])
    notify(users=[*heads, *chairs], kind="sla_breach", case=case,
           title=f"{case.number}: batas respons awal 1×24 jam terlampaui",
           url=reverse("cases:detail", args=[case.pk]),
           dedupe_key=f"sla_breach:{complaint.pk}")
    events.sla_breached(case=case, agency=complaint.receiving_agency, complaint=complaint, at=alert.at)


#: A complaint first seen after its deadline (registered late, or missed while the worker was
#: down) is breached without a warning: a warning after the fact helps nobody.
RESPONSE_DEADLINE = Deadline(
    name="cases.sla",
    subjects=Complaint.objects.open_for_clock,
    due="response_due_at",
    stages=(Stage(SlaKind.WARNING, -WARN_BEFORE, _warn), Stage(SlaKind.BREACH, timedelta(0), _breach)),
    alerts=AlertTable(SlaEvent, subject="complaint", due="due_at"),
    related=("case", "receiving_agency", "assignee"),
)


def complaints_due(*, now: datetime):
    """Open complaints that need a warning or a breach recorded at ``now``, earliest first."""
    return deadline_due(RESPONSE_DEADLINE, now=now)


def sla_check_complaint(*, complaint: Complaint, now: datetime | None = None) -> None:
    """Apply the SLA to one complaint at once (at registration, for a late-registered one)."""
    deadline_check(RESPONSE_DEADLINE, subject=complaint, now=now)


def sla_sweep(*, now: datetime | None = None, batch: int = 500) -> dict[str, int]:
    """Find due-soon and overdue complaints and warn/breach each exactly once (SKIP LOCKED
    batches; see ``common.deadlines``)."""
    done = deadline_sweep(RESPONSE_DEADLINE, now=now, batch=batch)
    counts = {"warned": done[SlaKind.WARNING], "breached": done[SlaKind.BREACH]}
    if counts["warned"] or counts["breached"]:
        log.info("sla_sweep warned=%s breached=%s", counts["warned"], counts["breached"])
    return counts
