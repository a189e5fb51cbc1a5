"""SOP services read like the Perbup: given a case, when an SOP is run and its steps are done,
then… Every step writes its CaseEvent in its own transaction (asserted).

The first four tests moved here from tests/triage/test_services.py with the SOP steps (they record
on the complaint's run through ``sop_complaint_step_record``); their assertions are unchanged."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from agencies.models import Role
from cases.intake.services import complaint_void
from cases.models import CaseEvent, EventType
from common.errors import ActionNotAllowed, ApplicationError
from sops import selectors, services
from sops.models import SopRun, SopStepRecord
from tests.factories import member

pytestmark = pytest.mark.django_db


def events(case, event_type):
    return CaseEvent.objects.filter(case=case, event_type=event_type)


# --- moved from tests/triage/test_services.py ------------------------------------------------------

def test_sop_step_is_recorded_with_its_event(uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    rec = services.sop_complaint_step_record(actor=people["officer"], complaint=complaint, sop="I", step="2",
                                             output_ref="Buku agenda no. 12")
    assert rec.done_by == people["officer"] and rec.output_ref == "Buku agenda no. 12"
    ev = events(complaint.case, EventType.SOP_STEP).get()
    assert ev.payload["sop"] == "I" and ev.payload["step"] == "2" and ev.payload["standard_minutes"] == 10


def test_crisis_steps_write_crisis_events(uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    for step in ("5a", "5p"):
        services.sop_complaint_step_record(actor=people["konselor"], complaint=complaint, sop="IV", step=step)
    assert events(complaint.case, EventType.CRISIS_STEP).count() == 2
    assert not events(complaint.case, EventType.SOP_STEP).exists()


@pytest.mark.parametrize("sop, step, shift, field, message", [
    ("IX", "1", timedelta(0), "sop", services.SOP_UNKNOWN),
    ("I", "99", timedelta(0), "step", services.STEP_UNKNOWN),
    ("I", "5a", timedelta(0), "step", services.STEP_UNKNOWN),  # 5a is a step of SOP II, not I
    ("I", "1", timedelta(hours=2), "done_at", services.STEP_IN_FUTURE),
    ("I", "1", -timedelta(days=3), "done_at", services.STEP_BEFORE_RECEIVED),
])
def test_sop_step_validation(uptd, people, register, sop, step, shift, field, message):
    complaint = register(uptd, actor=people["officer"])
    with pytest.raises(ValidationError) as exc:
        services.sop_complaint_step_record(actor=people["officer"], complaint=complaint, sop=sop, step=step,
                                           done_at=timezone.now() + shift)
    assert message in exc.value.message_dict[field]
    assert not SopStepRecord.objects.exists()
    assert not events(complaint.case, EventType.SOP_STEP).exists()
    assert not SopRun.objects.exists()  # a refused step starts no run


def test_a_step_is_recorded_once_and_only_by_receiving_staff(uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    services.sop_complaint_step_record(actor=people["officer"], complaint=complaint, sop="V", step="1")
    with pytest.raises(ApplicationError, match=str(services.STEP_ALREADY_RECORDED)):
        services.sop_complaint_step_record(actor=people["officer"], complaint=complaint, sop="V", step="1")
    with pytest.raises(ActionNotAllowed):
        services.sop_complaint_step_record(actor=people["investigator"], complaint=complaint, sop="V",
                                           step="2a")
    assert SopStepRecord.objects.count() == 1


# --- runs ------------------------------------------------------------------------------------------

def test_a_case_runs_sop_iii_twice_with_two_runs_and_separate_steps(uptd, people, register):
    """An outreach (SOP III) is done, and later a second outreach on the same case: each run holds its
    own steps, so step 1 is recorded once in each."""
    complaint = register(uptd, actor=people["officer"], channel="outreach")
    case = complaint.case
    pendamping = member(uptd, Role.PENDAMPING)
    first = services.sop_run_start(actor=people["officer"], case=case, sop="III", complaint=complaint)
    for step in ("1", "2", "3"):
        services.sop_step_record(actor=people["head"], run=first, step=step)
    services.sop_step_record(actor=pendamping, run=first, step="4", output_ref="Rencana penjangkauan 1")

    second = services.sop_run_start(actor=people["head"], case=case, sop="III", complaint=complaint)
    services.sop_step_record(actor=people["officer"], run=second, step="1", output_ref="Agenda jangkauan 2")

    assert first.pk != second.pk and case.sop_runs.filter(sop="III").count() == 2
    assert sorted(first.steps.values_list("step", flat=True)) == ["1", "2", "3", "4"]
    assert list(second.steps.values_list("step", "output_ref")) == [("1", "Agenda jangkauan 2")]
    assert second.started_by == people["head"] and second.history.get().history_user == people["head"]
    # The timeline names the run of each step.
    runs_of_step_1 = sorted(events(case, EventType.SOP_STEP).filter(payload__step="1")
                            .values_list("payload__run", flat=True))
    assert runs_of_step_1 == [first.pk, second.pk]
    # Each run has its own tracker; the complaint's shortcut works on the latest run.
    trackers = {run.pk: selectors.sop_tracker(run=run) for run in selectors.sop_run_list(case=case)}
    assert (trackers[first.pk].done, trackers[second.pk].done) == (4, 1)
    services.sop_complaint_step_record(actor=people["officer"], complaint=complaint, sop="III", step="2")
    assert second.steps.count() == 2 and first.steps.count() == 4


def test_the_database_allows_a_step_once_per_run(uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    run = services.sop_run_start(actor=people["officer"], case=complaint.case, sop="I", complaint=complaint)
    other = services.sop_run_start(actor=people["officer"], case=complaint.case, sop="I", complaint=complaint)
    SopStepRecord.objects.create(run=run, step="1", done_by=people["officer"])
    SopStepRecord.objects.create(run=other, step="1", done_by=people["officer"])  # another run: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        SopStepRecord.objects.create(run=run, step="1", done_by=people["konselor"])
    assert SopStepRecord.objects.filter(run=run).count() == 1


def test_a_run_without_a_complaint_is_recorded_by_the_cases_receiving_staff(uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    run = services.sop_run_start(actor=people["konselor"], case=complaint.case, sop="II")
    rec = services.sop_step_record(actor=people["officer"], run=run, step="1", output_ref="Surat permohonan")
    assert run.complaint is None and rec.run == run
    ev = events(complaint.case, EventType.SOP_STEP).get()
    assert ev.payload == {"run": run.pk, "sop": "II", "step": "1", "done_at": rec.done_at.isoformat(),
                          "standard_minutes": 5}
    with pytest.raises(ActionNotAllowed, match=str(services.STEP_NOT_ALLOWED)):
        services.sop_step_record(actor=people["investigator"], run=run, step="2")
    with pytest.raises(ActionNotAllowed, match=str(services.START_NOT_ALLOWED)):
        services.sop_run_start(actor=people["investigator"], case=complaint.case, sop="II")


@pytest.mark.parametrize("bad", ["sop", "foreign_complaint", "voided", "future"])
def test_starting_a_run_refuses_bad_input_and_saves_nothing(uptd, people, register, bad):
    complaint = register(uptd, actor=people["officer"])
    other = register(uptd, actor=people["officer"])
    kwargs = {"actor": people["officer"], "case": complaint.case, "sop": "I", "complaint": complaint}
    if bad == "sop":
        kwargs["sop"] = "IX"
    elif bad == "foreign_complaint":
        kwargs["complaint"] = other  # a complaint of another case
    elif bad == "voided":
        complaint_void(actor=people["officer"], complaint=complaint, reason="Tercatat ganda")
    else:
        kwargs["started_at"] = timezone.now() + timedelta(hours=1)
    expected = {"sop": (ValidationError, None), "future": (ValidationError, None),
                "foreign_complaint": (ApplicationError, services.COMPLAINT_NOT_IN_CASE),
                "voided": (ApplicationError, services.COMPLAINT_VOIDED)}[bad]
    with pytest.raises(expected[0]) as exc:
        services.sop_run_start(**kwargs)
    if expected[1]:
        assert exc.value.message == expected[1]
    assert not SopRun.objects.exists()


def test_steps_of_a_voided_complaints_run_are_refused(uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    run = services.sop_run_start(actor=people["officer"], case=complaint.case, sop="I", complaint=complaint)
    complaint_void(actor=people["officer"], complaint=complaint, reason="Tercatat ganda")
    with pytest.raises(ApplicationError, match=str(services.COMPLAINT_VOIDED)):
        services.sop_step_record(actor=people["officer"], run=run, step="1")
    assert not run.steps.exists()


# --- late / out of order on runs -------------------------------------------------------------------

def test_flags_are_per_run_and_a_later_run_is_timed_from_its_own_start(uptd, people, register):
    """The first run of SOP V for a complaint is timed from the complaint's receipt (as the tracker
    always was); a second run from when it was started."""
    received = timezone.now() - timedelta(hours=5)
    complaint = register(uptd, actor=people["officer"], received_at=received,
                         received_at_reason="Dicatat setelah korban ditenangkan")
    officer = people["officer"]
    first = services.sop_run_start(actor=officer, case=complaint.case, sop="V", complaint=complaint,
                                   started_at=received + timedelta(minutes=5))
    services.sop_step_record(actor=officer, run=first, step="1", done_at=received + timedelta(minutes=20))
    services.sop_step_record(actor=officer, run=first, step="2a", done_at=received + timedelta(minutes=95))
    services.sop_step_record(actor=officer, run=first, step="4", done_at=received + timedelta(minutes=100))

    second = services.sop_run_start(actor=officer, case=complaint.case, sop="V", complaint=complaint,
                                    started_at=received + timedelta(hours=3))
    services.sop_step_record(actor=officer, run=second, step="1",
                             done_at=received + timedelta(hours=3, minutes=10))

    runs = {r.pk: r for r in selectors.sop_run_list(case=complaint.case)}
    one = {r.step.code: r for r in selectors.sop_tracker(run=runs[first.pk]).rows}
    assert one["1"].elapsed_minutes == 20 and not one["1"].late  # from the receipt, not the run's start
    assert one["2a"].late and one["2a"].elapsed_minutes == 75
    assert one["4"].out_of_order and "2b" in " ".join(one["4"].notes)
    two = selectors.sop_tracker(run=runs[second.pk])
    assert two.rows[0].elapsed_minutes == 10 and (two.done, two.late, two.out_of_order) == (1, 0, 0)
    # Recorded out of order in the second run only where it is so in that run.
    services.sop_step_record(actor=officer, run=second, step="3",
                             done_at=received + timedelta(hours=3, minutes=20))
    two = selectors.sop_tracker(run=selectors.sop_run_get_for_user(
        user=officer, case_id=complaint.case.pk, run_id=second.pk))
    assert two.out_of_order == 1 and {r.step.code for r in two.rows if r.out_of_order} == {"3"}


def test_a_refusal_reads_in_english(uptd, people, register, english_catalogue):
    complaint = register(uptd, actor=people["officer"])
    with translation.override("en"), pytest.raises(ActionNotAllowed) as refused:
        services.sop_run_start(actor=people["investigator"], case=complaint.case, sop="II")
    assert refused.value.message == "Only staff of the receiving agency can start an SOP run."
