"""The trail the law needs cannot be rewritten, not even by raw SQL (common.append_only).

The access log, the case timeline, SLA events, screenings and follow-ups refuse UPDATE and
DELETE in the database. History tables refuse DELETE always, and UPDATE except of their encrypted
columns through the one door that rotate_keys uses (``trail_rewrite``). Which tables are guarded
is derived from the models: a new audited model without its trigger fails here.
"""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from agencies.models import Role
from cases.models import CaseEvent, SlaEvent, Victim
from cases.sla import sla_sweep
from common.append_only import (
    REWRITE_FLAG,
    TRIGGER_NAME,
    is_history_model,
    rewritable_columns,
    trail_rewrite,
)
from common.audit import access_log_record
from common.models import AccessAction, AccessLog
from meetings import services
from meetings.models import FollowUp, Screening
from tests.factories import member
from tests.meetings.helpers import make_meeting, make_team, propose_and_open, register, select

ROOT = Path(__file__).resolve().parents[2]
TRAIL_MODELS = [AccessLog, CaseEvent, SlaEvent, Screening, FollowUp]


def history_models():
    return [m for m in apps.get_models() if is_history_model(m)]


def installed_triggers() -> dict[str, list[str]]:
    """{table: [trigger arguments]} of the append-only trigger, read from pg_trigger."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relname, t.tgargs, t.tgtype, p.proname FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE t.tgname = %s AND NOT t.tgisinternal", [TRIGGER_NAME])
        rows = cur.fetchall()
    found = {}
    for table, args, tgtype, function in rows:
        # tgtype bits: ROW 1, BEFORE 2, INSERT 4, DELETE 8, UPDATE 16: BEFORE UPDATE OR DELETE, per row.
        assert (tgtype, function) == (1 | 2 | 8 | 16, TRIGGER_NAME), table
        found[table] = [a.decode() for a in bytes(args).split(b"\x00")[:-1]]
    return found


def test_every_trail_and_history_table_has_its_trigger_with_its_encrypted_columns(db):
    history = history_models()
    labels = {m._meta.label for m in history}
    # The derivation finds the history of every audited model, m2m history included.
    assert {"cases.HistoricalVictim", "cases.HistoricalCaseGrant", "agencies.HistoricalAgency_services",
            "meetings.HistoricalDecision_serving_agencies"} <= labels
    audited = [m for m in apps.get_models() if not is_history_model(m) and hasattr(m, "history")]
    assert {m.history.model for m in audited} <= set(history)
    expected = {m._meta.db_table: (m, rewritable_columns(m)) for m in [*TRAIL_MODELS, *history]}
    found = installed_triggers()
    wrong = [f"{model._meta.app_label}: AppendOnly({model._meta.model_name!r})"
             for table, (model, columns) in expected.items() if found.get(table) != columns]
    assert not wrong, f"Add to a migration of the app (common.append_only): {wrong}"
    # Trail tables accept no UPDATE at all; history of identity may be re-encrypted.
    assert found["common_accesslog"] == [] and found["cases_caseevent"] == []
    assert found["cases_historicalvictim"] == ["full_name", "nik", "phone", "address", "date_of_birth"]


# --- the trail: every row as the services write it ----------------------------------------------

@pytest.fixture
def trail(uptd, polres):
    """One row of each trail table, written by the services, and the SQL to change each."""
    complaint = register(uptd, name="Wulan Sekar Arum")
    case = complaint.case
    officer = member(uptd, Role.ADMIN_OFFICER)
    log = access_log_record(user=officer, action=AccessAction.VIEW, obj=case, case=case, level="full")
    sla_sweep(now=complaint.response_due_at + timedelta(hours=1))
    team = make_team(uptd)
    meeting = make_meeting(team)
    propose_and_open(team, meeting, [complaint])
    decision = select(team, meeting, case, polres)
    action = services.action_item_add(actor=team.sekretaris, decision=decision, description="Jadwalkan visum",
                                      responsible_agency=polres,
                                      due_date=timezone.localdate() + timedelta(days=7))
    services.meeting_close(actor=team.sekretaris, meeting=meeting)
    follow_up = services.follow_up_add(actor=member(polres, Role.INVESTIGATOR), action_item=action,
                                       status="open", evidence="Koordinasi dengan RS")
    return {
        "access log": (log, "UPDATE common_accesslog SET reason = 'dihapus jejaknya' WHERE id = %s"),
        "case event": (case.events.first(),
                       "UPDATE cases_caseevent SET at = at - interval '1 day' WHERE id = %s"),
        "SLA breach": (SlaEvent.objects.get(complaint=complaint),
                       "UPDATE cases_slaevent SET at = due_at WHERE id = %s"),
        "screening": (Screening.objects.get(complaint=complaint),
                      "UPDATE meetings_screening SET outcome = 'noted' WHERE id = %s"),
        "follow-up": (follow_up, "UPDATE meetings_followup SET status = 'done' WHERE id = %s"),
    }


def refused(sql: str, params) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, params)
    except IntegrityError as exc:
        assert "Jejak audit hanya dapat ditambah" in str(exc)
        return True
    return False


def snapshot(obj) -> dict:
    return type(obj).objects.filter(pk=obj.pk).values().get()


@pytest.mark.django_db
@pytest.mark.parametrize("what", ["access log", "case event", "SLA breach", "screening", "follow-up"])
def test_the_database_refuses_to_change_or_delete_a_trail_row(trail, what):
    row, update = trail[what]
    before = snapshot(row)
    table = row._meta.db_table
    assert refused(update, [row.pk])
    assert refused(f"DELETE FROM {table} WHERE id = %s", [row.pk])  # noqa: S608
    # Not even through the door that re-encrypts history: these rows have nothing to re-encrypt.
    with trail_rewrite():
        assert refused(update, [row.pk])
    assert snapshot(row) == before


# --- history -------------------------------------------------------------------------------------

@pytest.fixture
def victim_history(uptd):
    complaint = register(uptd, name="Wulan Sekar Arum")
    victim = complaint.case.victims.get()
    return Victim.history.get(id=victim.pk)


def test_a_history_row_cannot_be_deleted_even_through_the_door(victim_history):
    pk = victim_history.history_id
    assert refused("DELETE FROM cases_historicalvictim WHERE history_id = %s", [pk])
    with trail_rewrite():
        assert refused("DELETE FROM cases_historicalvictim WHERE history_id = %s", [pk])
    assert Victim.history.filter(history_id=pk).exists()


def test_a_history_row_cannot_be_updated_outside_the_door(victim_history):
    pk = victim_history.history_id
    assert refused("UPDATE cases_historicalvictim SET full_name = '' WHERE history_id = %s", [pk])
    assert refused("UPDATE cases_historicalvictim SET history_date = now() WHERE history_id = %s", [pk])
    assert Victim.history.get(history_id=pk).full_name == "Wulan Sekar Arum"


def test_the_door_lets_encrypted_columns_change_and_nothing_else(victim_history):
    pk = victim_history.history_id
    with connection.cursor() as cur:
        cur.execute("SELECT full_name FROM cases_historicalvictim WHERE history_id = %s", [pk])
        (token,) = cur.fetchone()
    erased = Victim._meta.get_field("full_name").get_prep_value("[dihapus]")
    with trail_rewrite():
        # A change of identity and of a plain column at once is refused as a whole.
        assert refused("UPDATE cases_historicalvictim SET full_name = %s, history_change_reason = 'x' "
                       "WHERE history_id = %s", [erased, pk])
        assert not refused("UPDATE cases_historicalvictim SET full_name = %s WHERE history_id = %s",
                           [erased, pk])
    assert Victim.history.get(history_id=pk).full_name == "[dihapus]"
    # The door closes with its block, even inside a longer transaction (this test's).
    with connection.cursor() as cur:
        cur.execute("SELECT current_setting(%s, true)", [REWRITE_FLAG])
        assert cur.fetchone()[0] == "off"
    assert refused("UPDATE cases_historicalvictim SET full_name = %s WHERE history_id = %s", [token, pk])


def test_a_failed_block_does_not_leave_the_door_open(victim_history):
    with pytest.raises(RuntimeError), trail_rewrite():
        raise RuntimeError("rotation stopped")
    assert refused("UPDATE cases_historicalvictim SET full_name = '' WHERE history_id = %s",
                   [victim_history.history_id])


# --- who may open the door -----------------------------------------------------------------------

DOOR_USERS = {ROOT / "common" / "append_only.py",
              ROOT / "common" / "management" / "commands" / "rotate_keys.py"}
DOOR_NAMES = {"trail_rewrite", "REWRITE_FLAG"}


def door_uses(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name) and node.id in DOOR_NAMES \
                or isinstance(node, ast.Attribute) and node.attr in DOOR_NAMES \
                or isinstance(node, ast.alias) and node.name in DOOR_NAMES \
                or isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and "allow_history_rewrite" in node.value:
            lines.append(node.lineno)
    return lines


def test_only_rotate_keys_opens_the_door():
    """A lawful erasure (UU 27/2022) will be the second user, added here when it is reviewed."""
    apps_dirs = ["agencies", "cases", "common", "documents", "triage", "meetings", "terminations", "reports",
                 "config"]
    problems = [f"{path.relative_to(ROOT)}:{line}"
                for d in apps_dirs for path in (ROOT / d).rglob("*.py") if path not in DOOR_USERS
                for line in door_uses(path.read_text())]
    assert not problems, problems


def test_the_door_rule_catches_what_it_should():
    assert door_uses("from common.append_only import trail_rewrite") == [1]
    assert door_uses("with append_only.trail_rewrite():\n    pass") == [1]
    assert door_uses("cur.execute(\"SET LOCAL terpadu.allow_history_rewrite = 'on'\")") == [1]
    assert door_uses("with transaction.atomic():\n    pass") == []
