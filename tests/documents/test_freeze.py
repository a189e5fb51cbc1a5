"""How a signed document is frozen is one helper (documents.freeze): each document kind declares its
rows, its app's migration installs the triggers the helper generates, and this test derives from
every registered kind what must be installed — a kind whose migration is missing or out of date
fails here, printing the operation to add."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from documents import registry
from documents.freeze import FUNCTION_NAME, Freeze, trigger_name, trigger_specs
from meetings import services
from meetings.models import DecisionKind, Minutes
from meetings.signing import MINUTES, minutes_content_hash, minutes_sign
from tests.meetings.helpers import decide, make_meeting, make_team, propose_and_open, register

pytestmark = pytest.mark.django_db


def installed() -> dict[tuple[str, str], list[str]]:
    """{(table, trigger name): [arguments]} of every trigger running the freeze function."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relname, t.tgname, t.tgargs, t.tgtype FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE p.proname = %s AND NOT t.tgisinternal", [FUNCTION_NAME])
        rows = cur.fetchall()
    found = {}
    for table, name, args, tgtype in rows:
        # tgtype bits: ROW 1, BEFORE 2, INSERT 4, DELETE 8, UPDATE 16.
        assert tgtype == 1 | 2 | 4 | 8 | 16, (table, name)
        found[(table, name)] = [a.decode() for a in bytes(args).split(b"\x00")[:-1]]
    return found


def test_every_registered_kind_has_the_triggers_its_declaration_generates():
    kinds = {k.code: k for k in registry.kinds()}
    assert {"minutes", "fake_letter"} <= set(kinds)
    expected = {}
    for kind in kinds.values():
        for table, args in trigger_specs(kind.model, kind.freeze, connection).items():
            expected[(table, trigger_name(kind.model))] = (kind, args)
    found = installed()
    wrong = sorted(
        f"{kind.model._meta.app_label}: FreezeSigned({kind.model._meta.model_name!r}, "
        f"flag={kind.freeze.flag!r}, rows={list(kind.freeze.rows)!r}, once={dict(kind.freeze.once)!r})"
        for key, (kind, args) in expected.items() if found.get(key) != args)
    assert not wrong, f"Add to a migration of the app (documents.freeze): {wrong}"
    assert set(found) == set(expected), set(found) ^ set(expected)  # no trigger left over either


def test_the_minutes_freeze_covers_what_signing_minutes_always_froze():
    tables = set(trigger_specs(Minutes, MINUTES.freeze, connection))
    assert tables == {"meetings_minutes", "meetings_attendance", "meetings_decision",
                      "meetings_decision_serving_agencies", "meetings_actionitem"}
    # Follow-ups are reports on the action items and stay writable.
    assert "meetings_followup" not in tables


@pytest.mark.parametrize("freeze, problem", [
    (Freeze(rows=("meeting__decisions__serving_agencies__services",)), "many-to-many may only end"),
    (Freeze(rows=("meeting__nonsense",)), "no field named"),
    (Freeze(rows=("meeting__decisions",), once={"meeting__action_items": ("due_date",)}), "not frozen"),
    (Freeze(rows=("meeting__decisions", "meeting__decisions")), "reached twice"),
])
def test_a_declaration_the_helper_cannot_follow_is_refused(freeze, problem):
    with pytest.raises(Exception, match=problem):
        trigger_specs(Minutes, freeze, connection)


def test_a_decision_stamped_by_the_signing_cannot_be_restamped_or_cleared(uptd, rsud, signing_ca):
    team = make_team(uptd)
    complaint = register(uptd)
    meeting = make_meeting(team)
    propose_and_open(team, meeting, [complaint])
    decision = decide(team, meeting, complaint.case, DecisionKind.SELECT, serving_agencies=[rsud],
                      coordinator_agency=uptd)
    services.meeting_close(actor=team.sekretaris, meeting=meeting)
    services.minutes_mark_ready(actor=team.sekretaris, meeting=meeting)
    device = TOTPDevice.objects.create(user=team.ketua, name="uji", confirmed=True)
    minutes_sign(actor=team.ketua, meeting=meeting, password="sandi-uji-12345",
                 otp_token=f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=6):06d}",
                 shown_hash=minutes_content_hash(meeting), request=RequestFactory().post("/"))
    decision.refresh_from_db()
    assert decision.applied_at is not None  # the effect stamped it after the freeze
    for value in (timezone.now() + timedelta(days=1), None):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
            cur.execute("UPDATE meetings_decision SET applied_at = %s WHERE id = %s", [value, decision.pk])
