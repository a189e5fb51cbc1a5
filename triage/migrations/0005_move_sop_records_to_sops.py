"""SOP step records move from triage to the sops app, grouped into runs (issue 10, step 9).

For each (complaint, SOP) that has records, one ``sops.SopRun`` is created: case = the complaint's
case, complaint = the complaint, started at the earliest record's ``done_at`` by that record's
``done_by``. Each record moves into its run **keeping its id**, step, time, actor and output
reference, so the historical rows keep pointing at the same object.

History: every row of ``triage.HistoricalSopStepRecord`` is copied to
``sops.HistoricalSopStepRecord`` with its own date, type, user and reason, and the run of its
(complaint, SOP). A historical row whose record no longer exists (none do: the services never
delete a step) is copied as well, with its run when that (complaint, SOP) has one and with no run
otherwise; its reason then names the SOP it belonged to. Each new run gets one historical "+" row
whose reason says it was made by this migration (no user). The step sequence is moved past every
copied id so that no new record reuses an id that history already knows.

Reversing copies the records back when every run has a complaint and no complaint has run the same
SOP twice (otherwise the old table cannot hold them and the migration refuses to go back), then
empties the sops tables.
"""

from collections import defaultdict

from django.db import migrations
from django.db.migrations.exceptions import IrreversibleError
from django.utils import timezone

REASON_RUN = "Dipindahkan dari triage.SopStepRecord (migrasi triage 0003)"


def move_records(apps, schema_editor):
    Old = apps.get_model("triage", "SopStepRecord")
    OldHistory = apps.get_model("triage", "HistoricalSopStepRecord")
    Complaint = apps.get_model("cases", "Complaint")
    Run = apps.get_model("sops", "SopRun")
    RunHistory = apps.get_model("sops", "HistoricalSopRun")
    Step = apps.get_model("sops", "SopStepRecord")
    StepHistory = apps.get_model("sops", "HistoricalSopStepRecord")

    records = list(Old.objects.order_by("done_at", "id"))
    if not records and not OldHistory.objects.exists():
        return
    groups: dict[tuple[int, str], list] = defaultdict(list)
    for record in records:
        groups[(record.complaint_id, record.sop)].append(record)
    case_of = dict(Complaint.objects.filter(pk__in={c for c, _ in groups}).values_list("pk", "case_id"))

    now = timezone.now()
    run_of: dict[tuple[int, str], int] = {}
    for (complaint_id, sop), group in sorted(groups.items(), key=lambda kv: (kv[1][0].done_at, kv[1][0].pk)):
        first = group[0]
        run = Run.objects.create(case_id=case_of[complaint_id], complaint_id=complaint_id, sop=sop,
                                 started_at=first.done_at, started_by_id=first.done_by_id)
        RunHistory.objects.create(
            id=run.pk, case_id=run.case_id, complaint_id=complaint_id, sop=sop, started_at=run.started_at,
            started_by_id=run.started_by_id, ended_at=None, history_date=now, history_type="+",
            history_user_id=None, history_change_reason=REASON_RUN)
        run_of[(complaint_id, sop)] = run.pk
        for record in group:
            Step.objects.create(id=record.pk, run_id=run.pk, step=record.step, done_at=record.done_at,
                                done_by_id=record.done_by_id, output_ref=record.output_ref)

    live = {r.pk for r in records}
    for row in OldHistory.objects.order_by("history_id"):
        run_id = run_of.get((row.complaint_id, row.sop))
        reason = row.history_change_reason
        if row.id not in live and run_id is None:
            origin = f"triage: SOP {row.sop}, pengaduan {row.complaint_id}"
            reason = (f"{origin}; {reason}" if reason else origin)[:100]
        StepHistory.objects.create(
            id=row.id, run_id=run_id, step=row.step, done_at=row.done_at, done_by_id=row.done_by_id,
            output_ref=row.output_ref, history_date=row.history_date, history_type=row.history_type,
            history_user_id=row.history_user_id, history_change_reason=reason)

    top = max([r.pk for r in records] + list(OldHistory.objects.values_list("id", flat=True)), default=0)
    if top:
        table = Step._meta.db_table
        with schema_editor.connection.cursor() as cur:
            cur.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, true)", [table, top])


def restore_records(apps, schema_editor):
    Old = apps.get_model("triage", "SopStepRecord")
    OldHistory = apps.get_model("triage", "HistoricalSopStepRecord")
    Run = apps.get_model("sops", "SopRun")
    RunHistory = apps.get_model("sops", "HistoricalSopRun")
    Step = apps.get_model("sops", "SopStepRecord")
    StepHistory = apps.get_model("sops", "HistoricalSopStepRecord")

    runs = {r.pk: r for r in Run.objects.all()}
    if any(r.complaint_id is None for r in runs.values()):
        raise IrreversibleError("SOP runs without a complaint cannot go back to triage.SopStepRecord.")
    seen = set()
    for run in runs.values():
        key = (run.complaint_id, run.sop)
        if key in seen:
            raise IrreversibleError("A complaint ran the same SOP twice: triage.SopStepRecord cannot hold it.")
        seen.add(key)
    for step in Step.objects.order_by("id"):
        run = runs[step.run_id]
        Old.objects.create(id=step.pk, complaint_id=run.complaint_id, sop=run.sop, step=step.step,
                           done_at=step.done_at, done_by_id=step.done_by_id, output_ref=step.output_ref)
    for row in StepHistory.objects.order_by("history_id"):
        run = runs.get(row.run_id)
        if run is None:
            continue
        OldHistory.objects.create(
            id=row.id, complaint_id=run.complaint_id, sop=run.sop, step=row.step, done_at=row.done_at,
            done_by_id=row.done_by_id, output_ref=row.output_ref, history_date=row.history_date,
            history_type=row.history_type, history_user_id=row.history_user_id,
            history_change_reason=row.history_change_reason)
    top = max(list(Old.objects.values_list("id", flat=True))
              + list(OldHistory.objects.values_list("id", flat=True)), default=0)
    if top:
        with schema_editor.connection.cursor() as cur:
            cur.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, true)", [Old._meta.db_table, top])
    StepHistory.objects.all().delete()
    Step.objects.all().delete()
    RunHistory.objects.all().delete()
    Run.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("triage", "0004_text_limits"),
        ("sops", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(move_records, restore_records),
        migrations.DeleteModel(name="HistoricalSopStepRecord"),
        migrations.DeleteModel(name="SopStepRecord"),
    ]
