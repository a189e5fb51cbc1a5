"""SOP API: the same services and access rules as the pages; domain errors map to HTTP.

``test_sop_step_over_the_api`` moved here from tests/triage/test_api.py with the route (same URL);
its assertions are unchanged, its messages now come from sops.services."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.models import Role
from sops import services
from sops.models import SopRun
from tests.factories import member
from tests.triage.conftest import SECRET_NAME, SECRET_NIK

pytestmark = pytest.mark.django_db
JSON = "application/json"


def runs_url(case, run=None, steps=False):
    url = f"/api/cases/{case.pk}/sop-runs/"
    if run is not None:
        url += f"{run.pk}/"
    return url + ("steps/" if steps else "")


def test_sop_step_over_the_api(client, uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    client.force_login(people["officer"])
    url = f"/api/cases/{complaint.case.pk}/sop-steps/"
    resp = client.post(url, {"sop": "V", "step": "1", "output_ref": "Formulir 3"}, content_type=JSON)
    assert resp.status_code == 201 and resp.json()["step"] == "1"
    resp = client.post(url, {"sop": "V", "step": "1"}, content_type=JSON)
    assert resp.status_code == 400 and resp.json()["detail"] == services.STEP_ALREADY_RECORDED
    resp = client.post(url, {"sop": "V", "step": "zz"}, content_type=JSON)
    assert resp.status_code == 400 and services.STEP_UNKNOWN in resp.json()["step"]


def test_start_a_run_record_steps_and_read_the_tracker(client, uptd, people, register):
    received = timezone.now() - timedelta(hours=2)
    complaint = register(uptd, actor=people["officer"], channel="outreach", received_at=received,
                         received_at_reason="Dicatat setelah penjangkauan")
    case = complaint.case
    client.force_login(people["officer"])
    resp = client.post(runs_url(case), {"sop": "I", "complaint": str(complaint.public_id)}, content_type=JSON)
    assert resp.status_code == 201, resp.content
    run = SopRun.objects.get(pk=resp.json()["id"])
    assert run.complaint == complaint and resp.json()["complaint"] == str(complaint.public_id)

    when = (received + timedelta(minutes=40)).isoformat()
    resp = client.post(runs_url(case, run, steps=True),
                       {"step": "2", "done_at": when, "output_ref": "Agenda 3"}, content_type=JSON)
    assert resp.status_code == 201 and resp.json()["run"] == run.pk and resp.json()["sop"] == "I"
    resp = client.post(runs_url(case, run, steps=True), {"step": "2"}, content_type=JSON)
    assert resp.status_code == 400 and resp.json()["detail"] == services.STEP_ALREADY_RECORDED

    data = client.get(runs_url(case, run)).json()
    rows = {r["step"]: r for r in data["steps"]}
    # Step 2 (10 min standard) 40 min after the complaint came in, step 1 not recorded.
    assert rows["2"]["late"] and rows["2"]["out_of_order"] and rows["2"]["elapsed_minutes"] == 40
    assert rows["2"]["output_ref"] == "Agenda 3" and rows["1"]["done_at"] is None
    assert (data["done"], data["late"], data["out_of_order"]) == (1, 1, 1)

    listed = client.get(runs_url(case)).json()
    assert [(r["id"], r["sop"], r["done"]) for r in listed] == [(run.pk, "I", 1)]
    # The triage detail lists the complaint's steps with their run.
    steps = client.get(f"/api/cases/{case.pk}/triage/").json()["sop_steps"]
    assert [(s["run"], s["sop"], s["step"]) for s in steps] == [(run.pk, "I", "2")]
    text = "".join(client.get(u).content.decode() for u in (runs_url(case), runs_url(case, run)))
    assert SECRET_NAME not in text and SECRET_NIK not in text


def test_bad_input_is_400_and_saves_nothing(client, uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    other = register(uptd, actor=people["officer"])
    client.force_login(people["officer"])
    case = complaint.case
    assert client.post(runs_url(case), {"sop": "IX"}, content_type=JSON).status_code == 400
    resp = client.post(runs_url(case), {"sop": "I", "complaint": str(other.public_id)}, content_type=JSON)
    assert resp.status_code == 400 and resp.json()["complaint"] == [services.COMPLAINT_NOT_IN_CASE]
    assert not SopRun.objects.exists()
    run = services.sop_run_start(actor=people["officer"], case=case, sop="I", complaint=complaint)
    future = (timezone.now() + timedelta(days=1)).isoformat()
    resp = client.post(runs_url(case, run, steps=True), {"step": "1", "done_at": future}, content_type=JSON)
    assert resp.status_code == 400 and resp.json()["done_at"] == [services.STEP_IN_FUTURE]
    assert not run.steps.exists()


def test_other_agency_gets_404_and_a_viewer_of_the_case_403(client, uptd, polres, people, register):
    complaint = register(uptd, actor=people["officer"])
    run = services.sop_run_start(actor=people["officer"], case=complaint.case, sop="I", complaint=complaint)
    theirs = register(polres, actor=people["investigator"])
    their_run = services.sop_run_start(actor=people["investigator"], case=theirs.case, sop="II")
    case = complaint.case

    client.force_login(people["investigator"])
    for url in (runs_url(case), runs_url(case, run)):
        resp = client.get(url)
        assert resp.status_code == 404 and case.number not in resp.content.decode()
    for url, body in ((runs_url(case), {"sop": "I"}), (runs_url(case, run, steps=True), {"step": "1"})):
        assert client.post(url, body, content_type=JSON).status_code == 404
    # Their own run inside our case's URL, and ours inside theirs: 404 both ways.
    assert client.get(runs_url(case, their_run)).status_code == 404
    client.force_login(people["officer"])
    assert client.get(runs_url(theirs.case, run)).status_code == 404
    assert client.get(runs_url(case, their_run)).status_code == 404

    team = member(uptd, Role.TP_ANGGOTA)  # sees every case at summary, acts on none
    client.force_login(team)
    assert client.get(runs_url(case, run)).status_code == 200
    assert client.post(runs_url(case), {"sop": "I"}, content_type=JSON).status_code == 403
    assert client.post(runs_url(case, run, steps=True), {"step": "1"}, content_type=JSON).status_code == 403
    assert SopRun.objects.count() == 2 and not run.steps.exists()


def test_run_list_query_count_is_constant(client, uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    client.force_login(people["officer"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(runs_url(complaint.case)).status_code == 200
        return len(ctx.captured_queries)

    services.sop_run_start(actor=people["officer"], case=complaint.case, sop="I", complaint=complaint)
    few = count()
    for sop in ("II", "III", "III", "IV", "V"):
        run = services.sop_run_start(actor=people["officer"], case=complaint.case, sop=sop,
                                     complaint=complaint)
        services.sop_step_record(actor=people["officer"], run=run, step="1")
    assert count() == few


def test_sop_routes_are_in_the_schema(client, uptd, people):
    client.force_login(people["officer"])
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    for p in ("/api/cases/{id}/sop-runs/", "/api/cases/{id}/sop-runs/{run}/",
              "/api/cases/{id}/sop-runs/{run}/steps/", "/api/cases/{id}/sop-steps/"):
        assert p in paths
