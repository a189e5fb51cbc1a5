"""The case lifecycle: which status may follow which, and the one service each change goes through.

Two tables of plain data say what may follow what — ``CASE_TRANSITIONS`` for the case status and
``OUTCOME_TRANSITIONS`` for a complaint's outcome — and two services apply them:
``case_status_change`` and ``complaint_outcome_set``. Each locks the row, checks the move against
its table (refusing with ``TransitionRefused``, nothing saved), saves with ``update_fields`` and
writes the timeline event in the caller's transaction. Nothing else assigns ``Case.status`` or
``Complaint.outcome``.

The services check *what may follow what*; *who may act* stays with the calling service (triage,
intake, signing, and the plans, terminations and reopening to come), which checks its policy first.

``docs/lifecycle.md`` renders both tables (``manage.py lifecycle_docs`` rewrites it; a test fails
when it differs from this module) and explains each move with its rule of ``docs/rules.md``.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from agencies.models import Agency, User
from cases import events
from cases.models import Case, CaseStatus, Complaint, ComplaintOutcome
from common.audit import save_with_history
from common.errors import ApplicationError

S = CaseStatus

#: Case status: from -> the statuses that may follow it. The order is the flow of docs/lifecycle.md:
#: intake -> triage / action first -> meeting -> plan -> service -> termination -> post-service
#: monitoring -> closed, and reopening back into service (R27).
CASE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.REGISTERED: (S.TRIAGED, S.AWAITING_DECISION, S.SELECTED, S.HANDLED_BY_AGENCY, S.VOIDED),
    S.TRIAGED: (S.AWAITING_DECISION, S.SELECTED, S.HANDLED_BY_AGENCY, S.VOIDED),
    S.AWAITING_DECISION: (S.SELECTED, S.HANDLED_BY_AGENCY, S.VOIDED),
    S.SELECTED: (S.PLAN_AGREED, S.HANDLED_BY_AGENCY, S.TERMINATED),
    # A complaint not selected may still be voided (entered in error, a duplicate: R1); when it was
    # the case's last, the case is voided with it.
    S.HANDLED_BY_AGENCY: (S.SELECTED, S.TERMINATED, S.CLOSED, S.VOIDED),
    S.PLAN_AGREED: (S.IN_SERVICE, S.TERMINATED),
    S.IN_SERVICE: (S.TERMINATED,),
    S.TERMINATED: (S.POST_SERVICE_MONITORING, S.CLOSED, S.REOPENED),
    S.POST_SERVICE_MONITORING: (S.CLOSED, S.REOPENED),
    S.CLOSED: (S.REOPENED,),
    S.REOPENED: (S.PLAN_AGREED, S.IN_SERVICE, S.TERMINATED),
    S.VOIDED: (),
}

#: A complaint is open while its outcome is blank.
OUTCOME_OPEN = ""

#: Complaint outcome: from -> the outcomes that may follow it. An outcome is final — a complaint
#: that ended is not re-opened (its case may be, through the case status) — except that one not
#: selected may still be voided.
OUTCOME_TRANSITIONS: dict[str, tuple[str, ...]] = {
    OUTCOME_OPEN: (ComplaintOutcome.SELECTED, ComplaintOutcome.HANDLED_BY_AGENCY,
                   ComplaintOutcome.REFERRED, ComplaintOutcome.OUTSIDE_CRITERIA, ComplaintOutcome.VOIDED),
    **{outcome: () for outcome in ComplaintOutcome.values},
    # Void stays possible until a signed selection (R1): screening or a decision not to select does
    # not make a complaint entered in error real.
    **{outcome: (ComplaintOutcome.VOIDED,) for outcome in (
        ComplaintOutcome.HANDLED_BY_AGENCY, ComplaintOutcome.OUTSIDE_CRITERIA, ComplaintOutcome.REFERRED)},
}

# Messages shared by pages, API and tests (format with the labels of from and to, in the same
# language as the message).
CASE_TRANSITION_REFUSED = _('Status kasus tidak dapat diubah dari "{from_}" menjadi "{to}".')
OUTCOME_TRANSITION_REFUSED = _('Hasil akhir pengaduan tidak dapat diubah dari "{from_}" menjadi "{to}".')
STATUS_UNKNOWN = _("Status tidak dikenal.")
OUTCOME_UNKNOWN = _("Hasil akhir tidak dikenal.")
#: How an open complaint reads in a message and in docs/lifecycle.md.
OUTCOME_OPEN_LABEL = _("Belum ada hasil akhir")

#: Reasons are codes (``triage``, ``decision_select`` …), never free text: they go into the
#: timeline, which carries no identity.
_REASON_CODE = re.compile(r"[a-z][a-z0-9_]{0,49}")


class TransitionRefused(ApplicationError):
    """The table does not allow this move; nothing was saved."""


def case_status_label(status: str) -> str:
    """The status's label in the active language."""
    return str(CaseStatus(status).label)


def outcome_label(outcome: str) -> str:
    """The outcome's label in the active language (an open complaint has none yet)."""
    if outcome == OUTCOME_OPEN:
        return str(OUTCOME_OPEN_LABEL)
    return str(ComplaintOutcome(outcome).label)


def case_status_allowed(from_: str, to: str) -> bool:
    return to in CASE_TRANSITIONS.get(from_, ())


def outcome_allowed(from_: str, to: str) -> bool:
    return to in OUTCOME_TRANSITIONS.get(from_, ())


def case_transition_refused_message(from_: str, to: str) -> str:
    return CASE_TRANSITION_REFUSED.format(from_=case_status_label(from_), to=case_status_label(to))


def outcome_transition_refused_message(from_: str, to: str) -> str:
    return OUTCOME_TRANSITION_REFUSED.format(from_=outcome_label(from_), to=outcome_label(to))


def check_reason_code(reason: str) -> None:
    if not _REASON_CODE.fullmatch(reason or ""):
        # A programming error, not user input: the reason must be a code.
        raise ValueError("A lifecycle reason is a lower-case code such as 'triage'.")


@transaction.atomic
def case_status_change(*, actor: User | None, case: Case, to: str, reason: str,
                       agency: Agency | None = None) -> Case:
    """Move ``case`` to status ``to`` if the table allows it from the status it has now (read under
    a row lock), and write STATUS_CHANGED {from, to, reason}. Moving to the status it already has
    is no change: nothing is written (a retried or repeated step is harmless). ``case`` — the
    caller's instance — is updated in place and returned."""
    check_reason_code(reason)
    if to not in CASE_TRANSITIONS:
        raise TransitionRefused(STATUS_UNKNOWN)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    from_ = locked.status
    if from_ != to:
        if not case_status_allowed(from_, to):
            raise TransitionRefused(case_transition_refused_message(from_, to),
                                    extra={"from": from_, "to": to})
        locked.status = to
        fields = ["status", "updated_at"]
        if to == CaseStatus.CLOSED:
            locked.closed_at = timezone.now()
            fields.append("closed_at")
        elif to == CaseStatus.REOPENED:
            locked.closed_at = None  # history keeps when it was closed
            fields.append("closed_at")
        save_with_history(locked, actor=actor, update_fields=fields)
        events.status_changed(case=locked, actor=actor, agency=agency, from_=from_, to=to, reason=reason)
    case.status, case.closed_at, case.updated_at = locked.status, locked.closed_at, locked.updated_at
    return case


@transaction.atomic
def complaint_outcome_set(*, actor: User | None, complaint: Complaint, to: str, reason: str,
                          void_reason: str = "") -> Complaint:
    """Give ``complaint`` the outcome ``to`` if the table allows it (an open complaint only), and
    write COMPLAINT_VOIDED (to voided) or COMPLAINT_OUTCOME (any other), each with {complaint,
    from, to, reason}; COMPLAINT_OUTCOME also keeps its earlier key ``outcome``. ``void_reason`` is
    the officer's words for a void: stored on the complaint (encrypted history), never in the
    timeline. The caller checks who may end the complaint and validates the void reason."""
    check_reason_code(reason)
    if to not in OUTCOME_TRANSITIONS:
        raise TransitionRefused(OUTCOME_UNKNOWN)
    locked = (Complaint.objects.select_for_update(of=("self",)).select_related("case")
              .get(pk=complaint.pk))
    from_ = locked.outcome
    if from_ != to:
        if not outcome_allowed(from_, to):
            raise TransitionRefused(outcome_transition_refused_message(from_, to),
                                    extra={"from": from_, "to": to})
        locked.outcome = to
        locked.outcome_at = timezone.now()
        fields = ["outcome", "outcome_at"]
        if to == ComplaintOutcome.VOIDED:
            locked.void_reason = (void_reason or "").strip()[:300]
            fields.append("void_reason")
        save_with_history(locked, actor=actor, update_fields=fields)
        write = events.complaint_voided if to == ComplaintOutcome.VOIDED else events.complaint_outcome
        write(case=locked.case, actor=actor, complaint=locked, from_=from_, to=to, reason=reason)
    complaint.outcome, complaint.outcome_at = locked.outcome, locked.outcome_at
    complaint.void_reason = locked.void_reason
    return complaint


# --- docs/lifecycle.md ----------------------------------------------------------------------------

DOCS_BEGIN = "<!-- lifecycle-tables:begin (generated by `manage.py lifecycle_docs`; do not edit) -->"
DOCS_END = "<!-- lifecycle-tables:end -->"


def transition_tables_markdown() -> str:
    """Both tables as Markdown, exactly as docs/lifecycle.md shows them between the markers (with
    the Indonesian labels, whatever language is active)."""
    with override("id"):
        return _transition_tables_markdown()


def _transition_tables_markdown() -> str:
    lines = ["### Case status (`Case.status`)", "",
             "| from | may move to |", "|---|---|"]
    for from_, targets in CASE_TRANSITIONS.items():
        to = ", ".join(f"{case_status_label(t)} (`{t}`)" for t in targets) or "— (final)"
        lines.append(f"| {case_status_label(from_)} (`{from_}`) | {to} |")
    lines += ["", "### Complaint outcome (`Complaint.outcome`)", "",
              "| from | may move to |", "|---|---|"]
    for from_, targets in OUTCOME_TRANSITIONS.items():
        to = ", ".join(f"{outcome_label(t)} (`{t}`)" for t in targets) or "— (final)"
        code = f"`{from_}`" if from_ else "blank"
        lines.append(f"| {outcome_label(from_)} ({code}) | {to} |")
    return "\n".join(lines)


def docs_with_tables(text: str) -> str:
    """``text`` (docs/lifecycle.md) with the block between the markers regenerated."""
    head, _, rest = text.partition(DOCS_BEGIN)
    _, _, tail = rest.partition(DOCS_END)
    return f"{head}{DOCS_BEGIN}\n{transition_tables_markdown()}\n{DOCS_END}{tail}"
