"""Reads of SOP runs and the step tracker — limited by construction to what the user may see.

Every run is looked up inside a case from ``cases.selectors.case_get_for_user`` (the same Http404
for a missing run, a run of another case and a case that is not the user's).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Case as CaseWhen
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, When
from django.http import Http404
from django.utils import timezone

from cases.models import AccessLevel, Case, Complaint
from cases.selectors import case_get_for_user
from sops.catalogue import Sop, SopStep, get_sop
from sops.models import SopRun, SopStepRecord

#: Complaint columns a run page needs — never the encrypted ones.
_COMPLAINT_BRIEF = ("complaint__id", "complaint__public_id", "complaint__case_id", "complaint__channel",
                    "complaint__received_at", "complaint__outcome", "complaint__receiving_agency_id")
_RUN_COLUMNS = ("id", "case_id", "complaint_id", "sop", "started_at", "started_by_id", "ended_at")


def _runs() -> QuerySet[SopRun]:
    """Runs with ``clock_from``: when the run's clock starts. The first run of an SOP for a complaint
    is timed from the complaint's receipt (the SOP starts when the complaint comes in); a later run
    of the same SOP, or a run without a complaint, from its own start."""
    earlier = SopRun.objects.filter(complaint=OuterRef("complaint"), sop=OuterRef("sop")).filter(
        Q(started_at__lt=OuterRef("started_at"))
        | Q(started_at=OuterRef("started_at"), pk__lt=OuterRef("pk")))
    return (SopRun.objects.select_related("complaint", "started_by")
            .only(*_RUN_COLUMNS, *_COMPLAINT_BRIEF, "started_by__id", "started_by__username",
                  "started_by__first_name", "started_by__last_name", "started_by__full_name")
            .annotate(clock_from=CaseWhen(When(Q(complaint__isnull=False) & ~Exists(earlier),
                                               then=F("complaint__received_at")),
                                          default=F("started_at"))))


def sop_run_get_for_user(*, user, case_id, run_id, level: int = AccessLevel.SUMMARY) -> SopRun:
    """The run ``run_id`` of case ``case_id``, checked for ``user`` at ``level`` on the case."""
    case = case_get_for_user(user=user, id=case_id, level=level)
    try:
        pk = int(run_id)
    except (TypeError, ValueError):
        raise Http404 from None
    run = _runs().filter(case=case, pk=pk).first()
    if run is None:
        raise Http404
    run.case = case  # keep the access annotation on the shared instance
    return run


def sop_run_list(*, case: Case) -> list[SopRun]:
    """The case's runs, oldest first, each with ``done`` (steps recorded) and ``last_done_at``.
    One query whatever the number of runs."""
    runs = list(_runs().filter(case=case)
                .annotate(done=Count("steps"), last_done_at=Max("steps__done_at"))
                .order_by("started_at", "id"))
    for run in runs:
        run.case = case
        run.definition = get_sop(run.sop)
    return runs


def sop_run_current(*, complaint: Complaint, sop: str) -> SopRun | None:
    """The complaint's current run of ``sop``: the latest that has not ended."""
    return (_runs().filter(complaint=complaint, sop=sop, ended_at__isnull=True)
            .order_by("-started_at", "-id").first())


def sop_steps_for_complaint(*, complaint: Complaint) -> QuerySet[SopStepRecord]:
    """Every step recorded in the complaint's runs, in the order done."""
    return (SopStepRecord.objects.filter(run__complaint=complaint)
            .select_related("done_by", "run").order_by("done_at", "id"))


# --- tracker ---------------------------------------------------------------------------------------

@dataclass
class SopRow:
    step: SopStep
    record: SopStepRecord | None = None
    elapsed_minutes: int | None = None
    late: bool = False
    out_of_order: bool = False
    overdue_pending: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass
class SopTracker:
    sop: Sop
    rows: list[SopRow]
    run: SopRun | None = None

    @property
    def done(self) -> int:
        return sum(1 for r in self.rows if r.record)

    @property
    def late(self) -> int:
        return sum(1 for r in self.rows if r.late)

    @property
    def out_of_order(self) -> int:
        return sum(1 for r in self.rows if r.out_of_order)

    @property
    def required(self) -> int:
        return sum(1 for r in self.rows if not r.step.optional)


def _minutes(delta) -> int:
    return int(delta.total_seconds() // 60)


def sop_tracker(*, run: SopRun | None, sop: Sop | None = None, clock_from: datetime | None = None,
                now: datetime | None = None, show_pending: bool = True) -> SopTracker:
    """Each step of the run's SOP with when/by whom, and the flags the page shows:

    - late: more minutes elapsed since the previous recorded step (or since the run's clock
      started, for the first) than the standard time;
    - out of order: done before a step that comes earlier in the SOP, or while an earlier
      required step has not been recorded;
    - overdue (pending): the next required step is not recorded and its standard time since the
      last recorded step has passed.

    Without a run (nothing recorded yet) pass ``sop`` and ``clock_from``. One query (the records
    with their users); a run from these selectors carries its ``clock_from``."""
    now = now or timezone.now()
    if run is not None:
        sop = get_sop(run.sop)
        clock_from = getattr(run, "clock_from", None) or run.started_at
        records = {r.step: r for r in run.steps.select_related("done_by")}
    else:
        records = {}
    rows: list[SopRow] = []
    last_index = -1
    for i, step in enumerate(sop.steps):
        row = SopRow(step=step, record=records.get(step.code))
        rows.append(row)
        if row.record is None:
            continue
        last_index = i
        earlier = [records[s.code] for s in sop.steps[:i] if s.code in records]
        reference = max((e.done_at for e in earlier), default=clock_from)
        if earlier and row.record.done_at < reference:
            row.out_of_order = True
            row.notes.append("Dicatat lebih awal dari langkah sebelumnya.")
        else:
            row.elapsed_minutes = _minutes(row.record.done_at - reference)
            if step.minutes is not None and row.elapsed_minutes > step.minutes:
                row.late = True
                row.notes.append(f"Terlambat: {row.elapsed_minutes} menit (standar {step.minutes} menit).")
        missing = [s.code for s in sop.steps[:i] if s.code not in records and not s.optional]
        if missing:
            row.out_of_order = True
            row.notes.append("Langkah sebelumnya belum dicatat: " + ", ".join(missing) + ".")
    if show_pending:
        pending = next((r for r in rows[last_index + 1:] if r.record is None and not r.step.optional), None)
        if pending is not None and pending.step.minutes is not None:
            reference = max((r.done_at for r in records.values()), default=clock_from)
            waited = _minutes(now - reference)
            if waited > pending.step.minutes:
                pending.overdue_pending = True
                pending.notes.append(f"Belum dicatat; {waited} menit sejak langkah terakhir "
                                     f"(standar {pending.step.minutes} menit).")
    return SopTracker(sop=sop, rows=rows, run=run)


def complaint_sop_tracker(*, complaint: Complaint, sop: Sop, now: datetime | None = None,
                          show_pending: bool = True) -> SopTracker:
    """The tracker of the complaint's current run of ``sop`` (an empty one timed from the
    complaint's receipt when the SOP has not been run for it). Two queries."""
    run = sop_run_current(complaint=complaint, sop=sop.code)
    return sop_tracker(run=run, sop=sop, clock_from=complaint.received_at, now=now,
                       show_pending=show_pending)
