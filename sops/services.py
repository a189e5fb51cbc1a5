"""SOP writes: start a run of an SOP on a case, record a step of a run. Each runs in one transaction;
a step writes its timeline event there (``SOP_STEP``, or ``CRISIS_STEP`` for the crisis steps of
SOP IV). Starting a run is kept in the run's history (who, when).

``sop_complaint_step_record`` is the complaint's shortcut used by the triage page and the
``/sop-steps/`` API (``sop_complaint_step_ensure`` by the emergency referral): it records on the
complaint's current run of the SOP and starts one when there is none, as recording a step always
did before runs existed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import User
from cases.models import Case, Complaint, ComplaintOutcome
from common.audit import save_with_history
from common.errors import ActionNotAllowed, ApplicationError
from sops import events, policies
from sops.catalogue import get_sop
from sops.models import SopRun, SopStepRecord
from sops.selectors import sop_run_current

# Messages shared by pages, API and tests.
NO_COMPLAINT = _("Kasus ini belum memiliki pengaduan.")
START_NOT_ALLOWED = _("Hanya petugas lembaga penerima yang dapat memulai pelaksanaan SOP.")
STEP_NOT_ALLOWED = _("Hanya petugas lembaga penerima yang dapat mencatat langkah SOP.")
SOP_UNKNOWN = _("SOP tidak dikenal.")
COMPLAINT_NOT_IN_CASE = _("Pengaduan ini bukan bagian dari kasus ini.")
COMPLAINT_VOIDED = _("Pengaduan ini sudah dibatalkan.")
RUN_ENDED = _("Pelaksanaan SOP ini sudah selesai.")
START_IN_FUTURE = _("Waktu mulai tidak boleh di masa depan.")
START_BEFORE_RECEIVED = _("Waktu mulai tidak boleh sebelum pengaduan diterima.")
STEP_UNKNOWN = _("Langkah ini tidak ada dalam SOP yang dipilih.")
STEP_IN_FUTURE = _("Waktu pelaksanaan tidak boleh di masa depan.")
STEP_BEFORE_RECEIVED = _("Waktu pelaksanaan tidak boleh sebelum pengaduan diterima.")
STEP_ALREADY_RECORDED = _("Langkah ini sudah dicatat untuk pelaksanaan SOP ini.")

FUTURE_TOLERANCE = timedelta(minutes=1)


def _earliest(case: Case, complaint: Complaint | None) -> datetime:
    """Nothing of a run happens before its complaint was received (before the case was opened,
    for a run without a complaint)."""
    return complaint.received_at if complaint is not None else case.opened_at


def _lock_run(run: SopRun) -> SopRun:
    return (SopRun.objects.select_for_update(of=("self",))
            .select_related("case__receiving_agency", "complaint__receiving_agency").get(pk=run.pk))


def _start(*, actor: User, case: Case, sop: str, complaint: Complaint | None,
           started_at: datetime | None) -> SopRun:
    now = timezone.now()
    started_at = started_at or now
    errors: dict[str, list[str]] = {}
    if get_sop(sop) is None:
        errors["sop"] = [SOP_UNKNOWN]
    if started_at > now + FUTURE_TOLERANCE:
        errors["started_at"] = [START_IN_FUTURE]
    elif started_at < _earliest(case, complaint):
        errors["started_at"] = [START_BEFORE_RECEIVED]
    if errors:
        raise ValidationError(errors)
    run = SopRun(case=case, complaint=complaint, sop=sop, started_at=min(started_at, now), started_by=actor)
    run.full_clean(exclude=["case", "complaint", "started_by"])
    save_with_history(run, actor=actor)
    return run


def _check_complaint(*, case: Case, complaint: Complaint | None) -> None:
    if complaint is None:
        return
    if complaint.case_id != case.pk:
        raise ApplicationError(COMPLAINT_NOT_IN_CASE)
    if complaint.outcome == ComplaintOutcome.VOIDED:
        raise ApplicationError(COMPLAINT_VOIDED)


@transaction.atomic
def sop_run_start(*, actor: User, case: Case, sop: str, complaint: Complaint | None = None,
                  started_at: datetime | None = None) -> SopRun:
    """Start a run of ``sop`` on the case (for ``complaint`` when given). A case may run the same
    SOP more than once; each run holds its own steps. ``started_at`` (default now) may be set back
    to when the SOP really started, never before the complaint was received."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if complaint is not None:
        complaint = Complaint.objects.select_related("receiving_agency").get(pk=complaint.pk)
    if not policies.can_start_run(actor, case=case, complaint=complaint):
        raise ActionNotAllowed(START_NOT_ALLOWED)
    _check_complaint(case=case, complaint=complaint)
    return _start(actor=actor, case=case, sop=sop, complaint=complaint, started_at=started_at)


def _validate_step(*, sop: str, step: str, done_at: datetime, now: datetime, earliest: datetime) -> None:
    errors: dict[str, list[str]] = {}
    definition = get_sop(sop)
    if definition is None:
        errors["sop"] = [SOP_UNKNOWN]
    elif definition.step(step) is None:
        errors["step"] = [STEP_UNKNOWN]
    if done_at > now + FUTURE_TOLERANCE:
        errors["done_at"] = [STEP_IN_FUTURE]
    elif done_at < earliest:
        errors["done_at"] = [STEP_BEFORE_RECEIVED]
    if errors:
        raise ValidationError(errors)


def _record(*, actor: User, run: SopRun, step: str, done_at: datetime | None,
            output_ref: str) -> SopStepRecord:
    """Validate and save a step of the locked ``run``, with its timeline event."""
    if run.ended_at is not None:
        raise ApplicationError(RUN_ENDED)
    if run.complaint is not None and run.complaint.outcome == ComplaintOutcome.VOIDED:
        raise ApplicationError(COMPLAINT_VOIDED)
    now = timezone.now()
    done_at = done_at or now
    _validate_step(sop=run.sop, step=step, done_at=done_at, now=now,
                   earliest=_earliest(run.case, run.complaint))
    if run.steps.filter(step=step).exists():
        raise ApplicationError(STEP_ALREADY_RECORDED)
    done_at = min(done_at, now)
    record = SopStepRecord(run=run, step=step, done_at=done_at, done_by=actor,
                           output_ref=(output_ref or "").strip()[:200])
    try:
        with transaction.atomic():
            save_with_history(record, actor=actor)
    except IntegrityError:  # the unique (run, step) constraint: a concurrent request won
        raise ApplicationError(STEP_ALREADY_RECORDED) from None
    definition = get_sop(run.sop).step(step)
    (events.crisis_step if definition.crisis else events.sop_step)(
        actor=actor, run=run, step=step, done_at=done_at, standard_minutes=definition.minutes,
        agency=run.complaint.receiving_agency if run.complaint is not None else run.case.receiving_agency,
    )
    return record


@transaction.atomic
def sop_step_record(*, actor: User, run: SopRun, step: str, done_at: datetime | None = None,
                    output_ref: str = "") -> SopStepRecord:
    """Record that ``step`` of the run's SOP was done, when (default now; not in the future, not
    before the complaint was received) and by whom — once per run. The tracker
    (sops.selectors.sop_tracker) flags it late or out of order against the catalogue."""
    run = _lock_run(run)
    if not policies.can_record_step(actor, run):
        raise ActionNotAllowed(STEP_NOT_ALLOWED)
    return _record(actor=actor, run=run, step=step, done_at=done_at, output_ref=output_ref)


@transaction.atomic
def sop_complaint_step_record(*, actor: User, complaint: Complaint, sop: str, step: str,
                              done_at: datetime | None = None, output_ref: str = "") -> SopStepRecord:
    """Record a step of ``sop`` for the complaint on its current run (the latest that has not
    ended), starting a run at the step's time when there is none."""
    complaint = (Complaint.objects.select_for_update(of=("self",))
                 .select_related("case", "receiving_agency").get(pk=complaint.pk))
    if not policies.can_start_run(actor, case=complaint.case, complaint=complaint):
        raise ActionNotAllowed(STEP_NOT_ALLOWED)
    if complaint.outcome == ComplaintOutcome.VOIDED:
        raise ApplicationError(COMPLAINT_VOIDED)
    run = sop_run_current(complaint=complaint, sop=sop)
    if run is None:
        # The step's checks come first: a refused step starts no run.
        now = timezone.now()
        _validate_step(sop=sop, step=step, done_at=done_at or now, now=now, earliest=complaint.received_at)
        run = _start(actor=actor, case=complaint.case, sop=sop, complaint=complaint,
                     started_at=done_at or now)
    run = _lock_run(run)
    return _record(actor=actor, run=run, step=step, done_at=done_at, output_ref=output_ref)


@transaction.atomic
def sop_complaint_step_ensure(*, actor: User, complaint: Complaint, sop: str, step: str,
                              done_at: datetime | None = None, output_ref: str = "") -> SopStepRecord:
    """The step of the complaint's current run of ``sop``, recorded now (as
    ``sop_complaint_step_record``) unless it already is: for an action that *is* a step (signing the
    emergency referral is SOP IV step 4) and may be repeated."""
    run = sop_run_current(complaint=complaint, sop=sop)
    existing = run.steps.filter(step=step).first() if run is not None else None
    if existing is not None:
        return existing
    return sop_complaint_step_record(actor=actor, complaint=complaint, sop=sop, step=step, done_at=done_at,
                                     output_ref=output_ref)
