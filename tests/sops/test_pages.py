"""SOP pages of a case: the runs, starting one, one run's tracker and its step form. Other agencies
get 404 without the case number; no page shows identity."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role
from cases.models import CaseEvent, EventType
from sops import services
from sops.models import SopRun
from tests.factories import member
from tests.triage.conftest import SECRET_NAME, SECRET_NIK

pytestmark = pytest.mark.django_db


def runs_url(case):
    return reverse("sops:case-runs", args=[case.pk])


def run_url(run, name="run"):
    return reverse(f"sops:{name}", kwargs={"pk": run.case_id, "run": run.pk})


def no_identity(html: str) -> bool:
    return SECRET_NAME not in html and "Rahayu" not in html and SECRET_NIK not in html


def test_staff_start_sop_iii_twice_and_record_each_runs_steps(client, uptd, people, register):
    complaint = register(uptd, actor=people["officer"], channel="outreach")
    case = complaint.case
    client.force_login(people["officer"])
    page = client.get(runs_url(case)).content.decode()
    assert "Belum ada pelaksanaan SOP." in page and 'id="sop-run-start-form"' in page and no_identity(page)

    for _ in range(2):
        resp = client.post(reverse("sops:run-start", args=[case.pk]),
                           {"sop": "III", "complaint": str(complaint.public_id)})
        assert resp.status_code == 302
    first, second = SopRun.objects.filter(case=case).order_by("pk")
    assert resp["Location"] == run_url(second)

    resp = client.post(run_url(first, "run-step"), {"step": "1", "output_ref": "Agenda jangkauan 4"})
    assert resp.status_code == 302
    resp = client.post(run_url(second, "run-step"), {"step": "1", "output_ref": "Agenda jangkauan 9"})
    assert resp.status_code == 302
    one = client.get(run_url(first)).content.decode()
    two = client.get(run_url(second)).content.decode()
    assert 'id="sop-table"' in one and "Agenda jangkauan 4" in one and "Agenda jangkauan 9" not in one
    assert "Agenda jangkauan 9" in two and "Agenda jangkauan 4" not in two
    assert "SOP III" in one and 'id="sop-step-form"' in one and no_identity(one + two)
    listing = client.get(runs_url(case)).content.decode()
    assert listing.count('data-run="') == 2
    assert CaseEvent.objects.filter(case=case, event_type=EventType.SOP_STEP).count() == 2


def test_bad_input_shows_the_error_and_saves_nothing(client, uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    case = complaint.case
    client.force_login(people["officer"])
    resp = client.post(reverse("sops:run-start", args=[case.pk]), {"sop": "IX"})
    assert resp.status_code == 400 and not SopRun.objects.exists()
    run = services.sop_run_start(actor=people["officer"], case=case, sop="I", complaint=complaint)
    resp = client.post(run_url(run, "run-step"), {
        "step": "3", "done_at": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")})
    assert resp.status_code == 400
    assert "Waktu pelaksanaan tidak boleh di masa depan." in resp.content.decode()
    resp = client.post(run_url(run, "run-step"), {"step": "5a"})  # a step of SOP II, not I
    assert resp.status_code == 400
    assert "Langkah ini tidak ada dalam SOP yang dipilih." in resp.content.decode()
    services.sop_step_record(actor=people["officer"], run=run, step="1")
    resp = client.post(run_url(run, "run-step"), {"step": "1"})
    assert resp.status_code == 400 and str(services.STEP_ALREADY_RECORDED) in resp.content.decode()
    assert run.steps.count() == 1


@pytest.mark.parametrize("name, method", [("case-runs", "get"), ("run-start", "post"), ("run", "get"),
                                          ("run-step", "post")])
def test_other_agency_and_ministry_get_404_without_the_case_number(client, uptd, people, register, name,
                                                                   method):
    complaint = register(uptd, actor=people["officer"])
    run = services.sop_run_start(actor=people["officer"], case=complaint.case, sop="I", complaint=complaint)
    url = runs_url(complaint.case) if name == "case-runs" else (
        reverse("sops:run-start", args=[complaint.case.pk]) if name == "run-start" else run_url(run, name))
    for outsider in (people["investigator"], people["viewer"]):
        client.force_login(outsider)
        resp = getattr(client, method)(url, {"sop": "I", "step": "1"} if method == "post" else None)
        assert resp.status_code == 404
        assert complaint.case.number not in resp.content.decode()
    assert SopRun.objects.count() == 1 and not run.steps.exists()


def test_a_run_of_another_case_answers_404(client, uptd, polres, people, register):
    ours = register(uptd, actor=people["officer"])
    mine = register(uptd, actor=people["officer"])
    run = services.sop_run_start(actor=people["officer"], case=mine.case, sop="I", complaint=mine)
    client.force_login(people["officer"])
    wrong = reverse("sops:run", kwargs={"pk": ours.case.pk, "run": run.pk})
    assert client.get(wrong).status_code == 404
    missing = reverse("sops:run", kwargs={"pk": ours.case.pk, "run": run.pk + 10_000})
    assert client.get(missing).status_code == 404


def test_team_member_sees_runs_read_only(client, uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    run = services.sop_run_start(actor=people["officer"], case=complaint.case, sop="I", complaint=complaint)
    client.force_login(member(uptd, Role.TP_ANGGOTA))
    page = client.get(runs_url(complaint.case)).content.decode()
    assert 'data-run="' in page and 'id="sop-run-start-form"' not in page
    page = client.get(run_url(run)).content.decode()
    assert 'id="sop-table"' in page and 'id="sop-step-form"' not in page
    assert client.post(run_url(run, "run-step"), {"step": "1"}).status_code == 404
    assert client.post(reverse("sops:run-start", args=[complaint.case.pk]), {"sop": "I"}).status_code == 404
    assert not run.steps.exists() and SopRun.objects.count() == 1


def test_triage_page_links_to_the_run_it_shows(client, uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    client.force_login(people["officer"])
    client.post(reverse("triage:sop-step", args=[complaint.case.pk]),
                {"complaint": complaint.public_id, "sop": "I", "step": "1"})
    run = SopRun.objects.get()
    page = client.get(reverse("triage:detail", args=[complaint.case.pk]) + "?sop=I").content.decode()
    assert run_url(run) in page and 'id="sop-runs-link"' in page


def test_run_page_query_count_does_not_grow_with_steps(client, uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    run = services.sop_run_start(actor=people["officer"], case=complaint.case, sop="IV", complaint=complaint)
    services.sop_step_record(actor=people["officer"], run=run, step="1")
    client.force_login(people["officer"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(run_url(run)).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for step in ("2", "3", "4", "5a", "5p", "5b"):
        services.sop_step_record(actor=member(uptd, Role.PENDAMPING), run=run, step=step)
    assert count() == few
