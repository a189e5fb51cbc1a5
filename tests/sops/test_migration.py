"""The data migration triage 0003 moves the step records of triage into SOP runs.

The old tables are created for the test from the migration state just before 0003 (inside the
test's transaction: PostgreSQL rolls the DDL back), filled with a tiny dataset, and the migration's
own function is run with that state's apps registry."""

import importlib
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from sops import selectors, services
from sops.models import SopRun, SopStepRecord

pytestmark = pytest.mark.django_db

migration = importlib.import_module("triage.migrations.0005_move_sop_records_to_sops")
BEFORE = [("triage", "0004_text_limits"), ("sops", "0001_initial")]


@pytest.fixture
def old_apps():
    """The apps registry before the move, with the old triage tables present."""
    apps = MigrationLoader(connection).project_state(BEFORE).apps
    with connection.schema_editor() as editor:
        editor.create_model(apps.get_model("triage", "SopStepRecord"))
        editor.create_model(apps.get_model("triage", "HistoricalSopStepRecord"))
    return apps


def _old_record(apps, *, complaint, sop, step, done_at, done_by, output_ref="", history_user=None):
    Old = apps.get_model("triage", "SopStepRecord")
    OldHistory = apps.get_model("triage", "HistoricalSopStepRecord")
    record = Old.objects.create(complaint_id=complaint.pk, sop=sop, step=step, done_at=done_at,
                                done_by_id=done_by.pk, output_ref=output_ref)
    OldHistory.objects.create(id=record.pk, complaint_id=complaint.pk, sop=sop, step=step, done_at=done_at,
                              done_by_id=done_by.pk, output_ref=output_ref, history_date=done_at,
                              history_type="+", history_user_id=(history_user or done_by).pk)
    return record


def test_each_complaint_and_sop_becomes_a_run_keeping_who_and_when(old_apps, uptd, people, register):
    t0 = timezone.now() - timedelta(days=2)
    walk_in = register(uptd, actor=people["officer"], received_at=t0,
                       received_at_reason="Dicatat setelah korban ditenangkan")
    other = register(uptd, actor=people["officer"], received_at=t0,
                     received_at_reason="Dicatat setelah korban ditenangkan")
    head, konselor, officer = people["head"], people["konselor"], people["officer"]
    # Complaint 1: SOP V steps 2a (recorded first, but later in time) and 1; SOP IV step 4.
    late = _old_record(old_apps, complaint=walk_in, sop="V", step="2a", done_at=t0 + timedelta(minutes=95),
                       done_by=konselor, output_ref="Identifikasi")
    early = _old_record(old_apps, complaint=walk_in, sop="V", step="1", done_at=t0 + timedelta(minutes=20),
                        done_by=officer, output_ref="Formulir 7")
    crisis = _old_record(old_apps, complaint=walk_in, sop="IV", step="4", done_at=t0 + timedelta(minutes=50),
                         done_by=head, output_ref="Rujukan darurat: rs-prov")
    # Complaint 2: SOP I step 2.
    single = _old_record(old_apps, complaint=other, sop="I", step="2", done_at=t0 + timedelta(hours=3),
                         done_by=officer)
    # A record changed once: its history has two rows.
    OldHistory = old_apps.get_model("triage", "HistoricalSopStepRecord")
    OldHistory.objects.create(id=single.pk, complaint_id=other.pk, sop="I", step="2", done_at=single.done_at,
                              done_by_id=officer.pk, output_ref="Agenda 12",
                              history_date=t0 + timedelta(hours=4), history_type="~", history_user_id=head.pk)

    migration.move_records(old_apps, connection.schema_editor())

    runs = {(r.complaint_id, r.sop): r for r in SopRun.objects.all()}
    assert set(runs) == {(walk_in.pk, "V"), (walk_in.pk, "IV"), (other.pk, "I")}
    v = runs[(walk_in.pk, "V")]
    assert v.case == walk_in.case and v.started_at == early.done_at and v.started_by == officer
    assert v.ended_at is None and runs[(other.pk, "I")].case == other.case
    # Records keep their ids, steps, times, actors and output references.
    moved = {s.pk: s for s in SopStepRecord.objects.all()}
    assert set(moved) == {late.pk, early.pk, crisis.pk, single.pk}
    assert (moved[late.pk].run, moved[late.pk].step, moved[late.pk].done_at, moved[late.pk].done_by,
            moved[late.pk].output_ref) == (v, "2a", late.done_at, konselor, "Identifikasi")
    assert moved[crisis.pk].run == runs[(walk_in.pk, "IV")] and moved[crisis.pk].done_by == head
    # History is copied with its dates, types and users, attached to the run.
    history = list(moved[single.pk].history.order_by("history_date"))
    assert [(h.history_type, h.history_user, h.output_ref, h.run_id) for h in history] == [
        ("+", officer, "", runs[(other.pk, "I")].pk), ("~", head, "Agenda 12", runs[(other.pk, "I")].pk)]
    assert v.history.get().history_change_reason == migration.REASON_RUN
    # The tracker reads the moved run as it read the complaint's records: step 1 on time (20 of 30
    # min from the receipt), 2a late (75 of 30 min).
    run = selectors.sop_run_get_for_user(user=officer, case_id=walk_in.case_id, run_id=v.pk)
    rows = {r.step.code: r for r in selectors.sop_tracker(run=run).rows}
    assert rows["1"].elapsed_minutes == 20 and not rows["1"].late
    assert rows["2a"].late and rows["2a"].elapsed_minutes == 75
    # New records never reuse an id history already knows, and the moved run takes new steps.
    new = services.sop_step_record(actor=officer, run=v, step="2b")
    assert new.pk > max(moved)


def test_history_of_a_record_that_no_longer_exists_is_kept(old_apps, uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    OldHistory = old_apps.get_model("triage", "HistoricalSopStepRecord")
    when = timezone.now()
    for kind in ("+", "-"):
        OldHistory.objects.create(id=4242, complaint_id=complaint.pk, sop="II", step="1", done_at=when,
                                  done_by_id=people["officer"].pk, output_ref="Surat", history_date=when,
                                  history_type=kind, history_user_id=people["officer"].pk)

    migration.move_records(old_apps, connection.schema_editor())

    assert not SopRun.objects.exists() and not SopStepRecord.objects.exists()
    Historical = SopStepRecord.history.model
    rows = list(Historical.objects.filter(id=4242).order_by("history_id"))
    assert [(r.history_type, r.step, r.output_ref, r.run_id) for r in rows] == [
        ("+", "1", "Surat", None), ("-", "1", "Surat", None)]
    assert rows[0].history_change_reason == f"triage: SOP II, pengaduan {complaint.pk}"
    run = services.sop_run_start(actor=people["officer"], case=complaint.case, sop="II", complaint=complaint)
    assert services.sop_step_record(actor=people["officer"], run=run, step="1").pk > 4242


def test_nothing_to_move_is_a_no_op(old_apps):
    migration.move_records(old_apps, connection.schema_editor())
    assert not SopRun.objects.exists()
