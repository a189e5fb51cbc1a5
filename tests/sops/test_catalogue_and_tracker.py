"""The five Perbup SOPs as data, and the tracker's late / out-of-order flags (moved from
tests/triage/test_sop.py with the SOPs; the steps are recorded on the complaint's run)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from agencies.models import Role
from sops import selectors, services
from sops.catalogue import ACTOR_LABELS, CRISIS_STEPS, SOPS, default_sop_for, get_sop

pytestmark = pytest.mark.django_db


def test_five_sops_with_unique_steps_actors_and_outputs():
    assert list(SOPS) == ["I", "II", "III", "IV", "V"]
    for sop in SOPS.values():
        codes = [s.code for s in sop.steps]
        assert len(codes) == len(set(codes)), sop.code
        for step in sop.steps:
            assert step.actor in ACTOR_LABELS and step.output and step.name
            assert step.minutes is None or step.minutes > 0
            assert step.min_minutes is None or step.min_minutes < step.minutes


def test_seed_standard_times():
    # Perbup HSS 63/2021 (docs/sops.md): I registration 15, agenda 10, identification 15–30,
    # needs 30, agreement 15, investigation 30–60; IV identity 5, calming 15–30, escort 30;
    # V registration 30; II identification 1 h.
    i = get_sop("I")
    assert [(s.minutes, s.min_minutes) for s in i.steps[:6]] == [
        (15, None), (10, None), (30, 15), (30, None), (15, None), (60, 30)]
    iv = get_sop("IV")
    assert iv.step("1").minutes == 5 and iv.step("2").min_minutes == 15 and iv.step("5a").minutes == 30
    assert get_sop("V").step("1").minutes == 30
    assert get_sop("II").step("6").minutes == 60
    assert get_sop("I").step("3").standard_time == "15–30 menit"
    assert get_sop("IV").step("9").standard_time == "sesuai waktu layanan"


def test_crisis_steps_are_the_referral_letter_the_escort_and_police_help():
    assert [(s.code, s.actor) for s in CRISIS_STEPS] == [
        ("4", Role.HEAD), ("5a", Role.PENDAMPING), ("5p", Role.PENDAMPING)]
    assert "Surat pengantar rujukan" in CRISIS_STEPS[0].output
    assert "kepolisian" in CRISIS_STEPS[2].name and CRISIS_STEPS[2].optional


def test_default_sop(uptd, register, people):
    walk_in = register(uptd, actor=people["officer"])
    outreach = register(uptd, actor=people["officer"], channel="outreach")
    assert default_sop_for(walk_in) == "I"
    assert default_sop_for(outreach) == "III"
    assert default_sop_for(walk_in, is_emergency=True) == "IV"


def test_tracker_flags_late_and_out_of_order_steps(uptd, register, people):
    received = timezone.now() - timedelta(hours=3)
    complaint = register(uptd, actor=people["officer"], received_at=received,
                         received_at_reason="Dicatat setelah korban ditenangkan")
    officer = people["officer"]
    sop = get_sop("V")
    # Step 1 (30 min standard) done 20 min after receipt: on time.
    services.sop_complaint_step_record(actor=officer, complaint=complaint, sop="V", step="1",
                                       done_at=received + timedelta(minutes=20))
    # Step 2a (15–30 min) done 75 min after step 1: late.
    services.sop_complaint_step_record(actor=officer, complaint=complaint, sop="V", step="2a",
                                       done_at=received + timedelta(minutes=95))
    # Step 4 recorded while 2b and 3 are not: out of order.
    services.sop_complaint_step_record(actor=officer, complaint=complaint, sop="V", step="4",
                                       done_at=received + timedelta(minutes=100))
    # Step 3 done *before* step 2a's time, after step 4 was recorded: out of order.
    services.sop_complaint_step_record(actor=officer, complaint=complaint, sop="V", step="3",
                                       done_at=received + timedelta(minutes=60))

    rows = {r.step.code: r for r in selectors.complaint_sop_tracker(complaint=complaint, sop=sop).rows}
    assert rows["1"].record and not rows["1"].late and not rows["1"].out_of_order
    assert rows["1"].elapsed_minutes == 20
    assert rows["2a"].late and rows["2a"].elapsed_minutes == 75 and not rows["2a"].out_of_order
    assert rows["3"].out_of_order and "lebih awal" in " ".join(rows["3"].notes)
    assert rows["4"].out_of_order and "2b" in " ".join(rows["4"].notes)
    assert rows["2b"].record is None
    tracker = selectors.complaint_sop_tracker(complaint=complaint, sop=sop)
    assert (tracker.done, tracker.late, tracker.required) == (4, 1, 7)
    assert tracker.out_of_order == 2


def test_tracker_flags_a_pending_step_past_its_standard_time(uptd, register, people):
    with time_machine.travel(timezone.now() - timedelta(hours=2), tick=False):
        complaint = register(uptd, actor=people["officer"])
        services.sop_complaint_step_record(actor=people["officer"], complaint=complaint, sop="I", step="1")
    rows = selectors.complaint_sop_tracker(complaint=complaint, sop=get_sop("I")).rows
    assert rows[1].overdue_pending and rows[1].record is None
    assert not any(r.overdue_pending for r in rows[2:])


def test_optional_steps_are_never_missing(uptd, register, people):
    complaint = register(uptd, actor=people["officer"])
    for step in ("1", "2", "3", "4", "5b"):  # 5a (returned for correction) is optional
        services.sop_complaint_step_record(actor=people["officer"], complaint=complaint, sop="II", step=step)
    tracker = selectors.complaint_sop_tracker(complaint=complaint, sop=get_sop("II"))
    rows = {r.step.code: r for r in tracker.rows}
    assert not rows["5b"].out_of_order
