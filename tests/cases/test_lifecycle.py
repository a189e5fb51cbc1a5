"""The case lifecycle (docs/lifecycle.md): every move the table allows goes through the one service
and leaves one event; a move it does not allow is refused with nothing saved; the page shows the
table the code holds; and no other code assigns a status or an outcome."""

from __future__ import annotations

import ast
from collections import deque
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from agencies.models import Role
from cases import lifecycle
from cases.lifecycle import (
    CASE_TRANSITIONS,
    OUTCOME_OPEN,
    OUTCOME_TRANSITIONS,
    TransitionRefused,
    case_status_change,
    complaint_outcome_set,
)
from cases.models import Case, CaseEvent, CaseStatus, Complaint, ComplaintOutcome, EventType
from tests.factories import member
from tests.intake.helpers import complaint_input

pytestmark = pytest.mark.django_db

ALLOWED = [(f, t) for f, targets in CASE_TRANSITIONS.items() for t in targets]
#: A sample of moves the SOP forbids, each for a reason docs/lifecycle.md gives.
FORBIDDEN = [
    (CaseStatus.REGISTERED, CaseStatus.CLOSED),              # nothing is closed before it is handled
    (CaseStatus.REGISTERED, CaseStatus.IN_SERVICE),          # no service stage without selection
    (CaseStatus.AWAITING_DECISION, CaseStatus.IN_SERVICE),   # action first waits for the signed decision
    (CaseStatus.SELECTED, CaseStatus.IN_SERVICE),            # no service before the plan (R11)
    (CaseStatus.SELECTED, CaseStatus.VOIDED),                # a signed selection binds (R7)
    (CaseStatus.SELECTED, CaseStatus.REGISTERED),            # never back
    (CaseStatus.TRIAGED, CaseStatus.REGISTERED),
    (CaseStatus.PLAN_AGREED, CaseStatus.HANDLED_BY_AGENCY),  # leaving the programme is a termination
    (CaseStatus.IN_SERVICE, CaseStatus.SELECTED),
    (CaseStatus.IN_SERVICE, CaseStatus.CLOSED),              # closed only after termination
    (CaseStatus.TERMINATED, CaseStatus.IN_SERVICE),          # only through reopening (R27)
    (CaseStatus.POST_SERVICE_MONITORING, CaseStatus.IN_SERVICE),
    (CaseStatus.CLOSED, CaseStatus.IN_SERVICE),
    (CaseStatus.CLOSED, CaseStatus.TERMINATED),
    (CaseStatus.VOIDED, CaseStatus.REGISTERED),              # nothing out of voided
    (CaseStatus.VOIDED, CaseStatus.SELECTED),
]


def _path_to(status: str) -> list[str]:
    """The shortest walk through the table from registered to ``status``."""
    came_from: dict[str, str | None] = {CaseStatus.REGISTERED: None}
    queue = deque([CaseStatus.REGISTERED])
    while queue:
        here = queue.popleft()
        for nxt in CASE_TRANSITIONS[here]:
            if nxt not in came_from:
                came_from[nxt] = here
                queue.append(nxt)
    assert status in came_from, f"{status} cannot be reached from registered"
    path = []
    while status != CaseStatus.REGISTERED:
        path.append(status)
        status = came_from[status]
    return path[::-1]


@pytest.fixture
def case_in(uptd, open_case):
    """case_in(status) -> (case, head): a case of uptd brought to ``status`` through the service."""
    head = member(uptd, Role.HEAD)

    def _make(status):
        case = open_case(uptd, actor=head)
        for step in _path_to(status):
            case_status_change(actor=head, case=case, to=step, reason="test_walk")
        assert Case.objects.get(pk=case.pk).status == status
        return case, head

    return _make


def _status_events(case):
    return CaseEvent.objects.filter(case=case, event_type=EventType.STATUS_CHANGED)


def test_every_status_is_in_the_table_and_every_status_can_be_reached():
    assert set(CASE_TRANSITIONS) == set(CaseStatus.values)
    for targets in CASE_TRANSITIONS.values():
        assert set(targets) <= set(CaseStatus.values)
    for status in CaseStatus.values:
        if status != CaseStatus.REGISTERED:
            assert _path_to(status)
    assert set(OUTCOME_TRANSITIONS) == {OUTCOME_OPEN, *ComplaintOutcome.values}


@pytest.mark.parametrize("from_, to", ALLOWED, ids=[f"{f}->{t}" for f, t in ALLOWED])
def test_every_allowed_move_goes_through_the_service_and_writes_one_event(case_in, uptd, from_, to):
    case, head = case_in(from_)
    events_before = _status_events(case).count()
    history_before = case.history.count()

    returned = case_status_change(actor=head, case=case, to=to, reason="sop_step")

    assert returned.status == to and Case.objects.get(pk=case.pk).status == to
    assert _status_events(case).count() == events_before + 1
    event = _status_events(case).last()
    assert event.payload == {"from": from_, "to": to, "reason": "sop_step"}
    assert event.actor == head and event.agency == uptd
    assert case.history.count() == history_before + 1
    assert case.history.first().history_user == head


def test_the_forbidden_sample_is_not_in_the_table():
    assert not set(FORBIDDEN) & set(ALLOWED)


@pytest.mark.parametrize("from_, to", FORBIDDEN, ids=[f"{f}->{t}" for f, t in FORBIDDEN])
def test_a_forbidden_move_is_refused_naming_both_statuses_and_nothing_is_saved(case_in, from_, to):
    case, head = case_in(from_)
    events_before = CaseEvent.objects.filter(case=case).count()
    history_before = case.history.count()

    with pytest.raises(TransitionRefused) as exc:
        case_status_change(actor=head, case=case, to=to, reason="sop_step")

    assert exc.value.message == lifecycle.CASE_TRANSITION_REFUSED.format(
        from_=CaseStatus(from_).label, to=CaseStatus(to).label)
    case.refresh_from_db()
    assert case.status == from_
    assert CaseEvent.objects.filter(case=case).count() == events_before
    assert case.history.count() == history_before


def test_the_refusal_reads_in_indonesian(case_in):
    case, head = case_in(CaseStatus.CLOSED)
    with pytest.raises(TransitionRefused) as exc:
        case_status_change(actor=head, case=case, to=CaseStatus.IN_SERVICE, reason="sop_step")
    assert exc.value.message == 'Status kasus tidak dapat diubah dari "Ditutup" menjadi "Dalam layanan".'


def test_the_service_reads_the_locked_row_not_the_callers_copy(case_in):
    """A caller holding a stale copy cannot slip a forbidden move through."""
    case, head = case_in(CaseStatus.TRIAGED)
    stale = Case.objects.get(pk=case.pk)
    case_status_change(actor=head, case=case, to=CaseStatus.VOIDED, reason="sop_step")
    assert stale.status == CaseStatus.TRIAGED
    with pytest.raises(TransitionRefused):
        case_status_change(actor=head, case=stale, to=CaseStatus.SELECTED, reason="sop_step")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.VOIDED


def test_moving_to_the_status_the_case_has_writes_nothing(case_in):
    case, head = case_in(CaseStatus.TRIAGED)
    events_before = CaseEvent.objects.filter(case=case).count()
    history_before = case.history.count()
    case_status_change(actor=head, case=case, to=CaseStatus.TRIAGED, reason="sop_step")
    assert CaseEvent.objects.filter(case=case).count() == events_before
    assert case.history.count() == history_before


def test_closing_dates_the_case_and_reopening_clears_the_date(case_in):
    case, head = case_in(CaseStatus.POST_SERVICE_MONITORING)
    assert case.closed_at is None
    case_status_change(actor=head, case=case, to=CaseStatus.CLOSED, reason="sop_step")
    case.refresh_from_db()
    assert case.closed_at is not None
    case_status_change(actor=head, case=case, to=CaseStatus.REOPENED, reason="sop_step")
    case.refresh_from_db()
    assert case.closed_at is None
    assert case.history.filter(status=CaseStatus.CLOSED, closed_at__isnull=False).exists()


@pytest.mark.parametrize("reason", ["", "Korban Sari meminta ditutup", "Triage", "a" * 51])
def test_the_reason_is_a_code_never_free_text(case_in, reason):
    case, head = case_in(CaseStatus.REGISTERED)
    with pytest.raises(ValueError):
        case_status_change(actor=head, case=case, to=CaseStatus.TRIAGED, reason=reason)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REGISTERED
    assert not _status_events(case).exists()


def test_an_unknown_status_is_refused(case_in):
    case, head = case_in(CaseStatus.REGISTERED)
    with pytest.raises(TransitionRefused, match=str(lifecycle.STATUS_UNKNOWN)):
        case_status_change(actor=head, case=case, to="archived", reason="sop_step")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REGISTERED


# --- complaint outcome -----------------------------------------------------------------------------

@pytest.fixture
def open_complaint(uptd):
    from cases.intake.services import complaint_register

    officer = member(uptd, Role.ADMIN_OFFICER)
    return complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input()), officer


@pytest.mark.parametrize("to", OUTCOME_TRANSITIONS[OUTCOME_OPEN])
def test_an_open_complaint_takes_each_outcome_with_one_event(open_complaint, to):
    complaint, officer = open_complaint
    voided = to == ComplaintOutcome.VOIDED
    expected_type = EventType.COMPLAINT_VOIDED if voided else EventType.COMPLAINT_OUTCOME
    complaint_outcome_set(actor=officer, complaint=complaint, to=to, reason="sop_step",
                          void_reason="Tercatat ganda")
    complaint.refresh_from_db()
    assert complaint.outcome == to and complaint.outcome_at is not None
    assert complaint.void_reason == ("Tercatat ganda" if to == ComplaintOutcome.VOIDED else "")
    events = CaseEvent.objects.filter(case=complaint.case, event_type=expected_type)
    assert events.count() == 1
    payload = {"complaint": str(complaint.public_id), "from": "", "to": to, "reason": "sop_step"}
    if to != ComplaintOutcome.VOIDED:
        payload["outcome"] = to
    assert events.get().payload == payload
    # The officer's words for a void stay on the complaint, never in the timeline.
    assert "Tercatat ganda" not in str(list(CaseEvent.objects.values_list("payload", flat=True)))


@pytest.mark.parametrize("first, then", [
    (ComplaintOutcome.SELECTED, ComplaintOutcome.HANDLED_BY_AGENCY),
    (ComplaintOutcome.HANDLED_BY_AGENCY, ComplaintOutcome.SELECTED),
    (ComplaintOutcome.OUTSIDE_CRITERIA, ComplaintOutcome.HANDLED_BY_AGENCY),
    (ComplaintOutcome.SELECTED, ComplaintOutcome.VOIDED),
    (ComplaintOutcome.VOIDED, ComplaintOutcome.SELECTED),
    (ComplaintOutcome.SELECTED, OUTCOME_OPEN),
])
def test_an_outcome_is_final(open_complaint, first, then):
    """Final — but for a void of a complaint not selected (below)."""
    complaint, officer = open_complaint
    complaint_outcome_set(actor=officer, complaint=complaint, to=first, reason="sop_step")
    events_before = CaseEvent.objects.filter(case=complaint.case).count()
    history_before = complaint.history.count()
    with pytest.raises(TransitionRefused) as exc:
        complaint_outcome_set(actor=officer, complaint=complaint, to=then, reason="sop_step")
    assert exc.value.message == lifecycle.outcome_transition_refused_message(first, then)
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert complaint.outcome == first
    assert CaseEvent.objects.filter(case=complaint.case).count() == events_before
    assert complaint.history.count() == history_before


def test_an_unknown_outcome_is_refused(open_complaint):
    complaint, officer = open_complaint
    with pytest.raises(TransitionRefused, match=str(lifecycle.OUTCOME_UNKNOWN)):
        complaint_outcome_set(actor=officer, complaint=complaint, to="archived", reason="sop_step")
    assert Complaint.objects.get(pk=complaint.pk).outcome == OUTCOME_OPEN


# --- the page and the code ---------------------------------------------------------------------------

def test_docs_lifecycle_shows_the_table_the_code_holds():
    text = (Path(settings.BASE_DIR) / "docs" / "lifecycle.md").read_text(encoding="utf-8")
    assert lifecycle.DOCS_BEGIN in text and lifecycle.DOCS_END in text
    assert lifecycle.docs_with_tables(text) == text, (
        "docs/lifecycle.md differs from cases/lifecycle.py: run `manage.py lifecycle_docs`")
    for from_, to in ALLOWED:
        assert f"(`{from_}`)" in text and f"(`{to}`)" in text


APP_DIRS = ("agencies", "cases", "common", "meetings", "reports", "terminations", "triage", "config")


def status_writes(source: str) -> list[int]:
    """Lines that assign a case's ``status`` or any ``outcome`` attribute, or pass them to
    ``update_with_history``."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            for t in ast.walk(target):
                if not isinstance(t, ast.Attribute):
                    continue
                if t.attr == "outcome" or (t.attr == "status" and "case" in ast.unparse(t.value).lower()):
                    lines.append(node.lineno)
        if (isinstance(node, ast.Call) and ast.unparse(node.func).endswith("update_with_history")
                and any(k.arg in ("status", "outcome") for k in node.keywords)):
            lines.append(node.lineno)
    return lines


def test_the_checker_finds_what_it_looks_for():
    assert status_writes("case.status = 'closed'") == [1]
    assert status_writes("s.case.status = x") == [1]
    assert status_writes("c.outcome = 'selected'") == [1]
    assert status_writes("update_with_history(qs, actor=a, status='closed')") == [1]
    assert status_writes("meeting.status = 'open'\nminutes.status = 's'") == []


def test_only_the_lifecycle_module_writes_a_case_status_or_an_outcome():
    root = Path(settings.BASE_DIR)
    offenders = []
    for app in APP_DIRS:
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts or path == root / "cases" / "lifecycle.py":
                continue
            offenders += [f"{path.relative_to(root)}:{n}" for n in status_writes(path.read_text())]
    assert offenders == []


@pytest.mark.parametrize("first", [ComplaintOutcome.HANDLED_BY_AGENCY, ComplaintOutcome.OUTSIDE_CRITERIA,
                                   ComplaintOutcome.REFERRED])
def test_a_complaint_not_selected_may_still_be_voided(open_complaint, first):
    """R1: void stays possible until a signed selection; only the selection is binding."""
    complaint, officer = open_complaint
    complaint_outcome_set(actor=officer, complaint=complaint, to=first, reason="sop_step")
    complaint_outcome_set(actor=officer, complaint=complaint, to=ComplaintOutcome.VOIDED,
                          reason="complaint_voided", void_reason="Tercatat ganda oleh petugas")
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert complaint.outcome == ComplaintOutcome.VOIDED
    voided = CaseEvent.objects.filter(case=complaint.case, event_type=EventType.COMPLAINT_VOIDED).get()
    assert voided.payload["from"] == first and voided.payload["to"] == ComplaintOutcome.VOIDED


def test_the_refusal_reads_in_english_with_english_labels(case_in, english_catalogue):
    case, head = case_in(CaseStatus.CLOSED)
    with translation.override("en"), pytest.raises(TransitionRefused) as exc:
        case_status_change(actor=head, case=case, to=CaseStatus.IN_SERVICE, reason="sop_step")
    assert exc.value.message == 'The case status cannot change from "Closed" to "In service".'
