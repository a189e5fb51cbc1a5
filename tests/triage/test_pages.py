"""Triage pages: the form, the result and why, the head's override, the emergency panel, the SOP
tracker, the emergency list. Other agencies get 404; no page shows identity."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role
from cases.models import AccessLevel, CaseEvent, EventType
from cases.services import case_grant_access
from sops import services as sop_services
from sops.models import SopStepRecord
from tests.factories import member
from tests.triage.conftest import SECRET_NAME, SECRET_NIK, triage_answers
from triage import services
from triage.models import RiskLevel, TriageAssessment

pytestmark = pytest.mark.django_db


def url(name, case, **params):
    u = reverse(f"triage:{name}", args=[case.pk])
    return u + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def no_identity(html: str) -> bool:
    return SECRET_NAME not in html and "Rahayu" not in html and SECRET_NIK not in html


def test_staff_sees_the_form_with_the_skb_wording_and_no_identity(client, uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    client.force_login(people["konselor"])  # summary level: initials only
    resp = client.get(url("detail", complaint.case))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "mengalami kondisi psikologis berat, termasuk risiko bunuh diri" in html
    assert "melibatkan pelaku yang merupakan pejabat publik" in html
    assert 'id="triage-form"' in html and "SRK" in html
    assert no_identity(html)


def test_recording_on_the_page_shows_risk_eligibility_and_why(client, uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    client.force_login(people["konselor"])
    resp = client.post(url("record", complaint.case), {
        "complaint": complaint.public_id, "complexity_conditions": ["power_relation", "multi_institution"],
        "needs_multiple_services": "ya", "cross_region": "tidak", "notes": "Perlu pendampingan hukum."})
    assert resp.status_code == 302
    page = client.get(resp["Location"]).content.decode()
    assert 'id="risk-level"' in page and "Sedang" in page and "memenuhi kriteria" in page
    assert "Kriteria 2 terpenuhi" in page and "Kriteria 4 tidak terpenuhi" in page
    assert "Kriteria 5" in page
    assert CaseEvent.objects.filter(case=complaint.case, event_type=EventType.TRIAGE_RECORDED).count() == 1
    # Re-triage asks for confirmation: it replaces the earlier result.
    assert 'id="triage-form" novalidate data-confirm=' in page


def test_unanswered_questions_and_bad_choices_show_field_errors_and_save_nothing(client, uptd, people,
                                                                              register):
    complaint = register(uptd, actor=people["officer"])
    client.force_login(people["officer"])
    resp = client.post(url("record", complaint.case), {"emergency_conditions": ["bogus"]})
    html = resp.content.decode()
    assert resp.status_code == 400
    assert "Jawab ya atau tidak." in html and 'role="alert"' in html
    assert not TriageAssessment.objects.exists()


def test_emergency_on_the_page_opens_the_panel_with_refer_form_and_crisis_steps(
        client, uptd, people, register, providers, login_verified):
    complaint = register(uptd, actor=people["officer"])
    client.force_login(people["officer"])
    resp = client.post(url("record", complaint.case), {
        "complaint": complaint.public_id, "emergency_conditions": ["threat_to_life"],
        "complexity_conditions": ["power_relation"],  # as registered (R23)
        "needs_multiple_services": "ya", "cross_region": "tidak"})
    assert resp.status_code == 302
    officer_page = client.get(resp["Location"]).content.decode()
    assert 'id="emergency"' in officer_page and "Menunggu penetapan formal" in officer_page
    assert 'id="refer-form"' not in officer_page  # only the head refers
    assert 'id="crisis-steps"' in officer_page and "Catat: sudah dilakukan" in officer_page

    login_verified(client, people["head"])
    head_page = client.get(url("detail", complaint.case)).content.decode()
    assert 'id="refer-form"' in head_page and "data-confirm" in head_page
    # The multi-select offers the agencies that provide the needed services (medis, konseling).
    assert "RS Provinsi" in head_page and "Dinas Sosial" in head_page and "LBH Jakarta" not in head_page

    resp = client.post(url("refer", complaint.case), {
        "complaint": complaint.public_id, "agencies": [providers["hospital"].pk], "hours": 48})
    assert resp.status_code == 302
    grant = complaint.case.grants.get()
    assert grant.level == AccessLevel.SERVICE and grant.expires_at < timezone.now() + timedelta(hours=49)
    page = client.get(url("detail", complaint.case)).content.decode()
    assert "RS Provinsi" in page and "dicatat" in page  # crisis step 4 recorded by the referral

    # The referred hospital now sees the page (service level), still without identity.
    client.force_login(providers["nurse"])
    nurse_page = client.get(url("detail", complaint.case))
    assert nurse_page.status_code == 200 and no_identity(nurse_page.content.decode())


def test_refer_form_errors_are_shown(client, uptd, people, register, providers, login_verified):
    complaint = register(uptd, actor=people["officer"])
    services.triage_record(actor=people["officer"], complaint=complaint,
                           **triage_answers(emergency_conditions=["severe_injury"]))
    login_verified(client, people["head"])
    resp = client.post(url("refer", complaint.case), {"hours": "999"})
    html = resp.content.decode()
    assert resp.status_code == 400
    assert "Pilih minimal satu lembaga tujuan rujukan." in html
    assert not complaint.case.grants.exists()


def test_crisis_step_button_records_the_step(client, uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    services.triage_record(actor=people["officer"], complaint=complaint,
                           **triage_answers(emergency_conditions=["no_safe_place"]))
    client.force_login(people["konselor"])
    resp = client.post(url("sop-step", complaint.case), {
        "complaint": complaint.public_id, "sop": "IV", "step": "5a", "output_ref": "Rumah aman"})
    assert resp.status_code == 302
    rec = SopStepRecord.objects.get(run__sop="IV", step="5a")
    assert rec.done_by == people["konselor"] and rec.output_ref == "Rumah aman"
    assert CaseEvent.objects.filter(case=complaint.case, event_type=EventType.CRISIS_STEP).count() == 1


def test_head_override_requires_a_reason_on_the_page(client, uptd, people, register, login_verified):
    complaint = register(uptd, actor=people["officer"])
    services.triage_record(actor=people["officer"], complaint=complaint, **triage_answers())
    login_verified(client, people["head"])
    page = client.get(url("detail", complaint.case)).content.decode()
    assert 'id="override-form"' in page and "data-confirm" in page

    resp = client.post(url("override", complaint.case), {"complaint": complaint.public_id,
                                                        "risk_level": "high", "reason": ""})
    assert resp.status_code == 400
    assert "Alasan perubahan tingkat risiko wajib diisi." in resp.content.decode()
    assert TriageAssessment.objects.get().risk_level == RiskLevel.LOW

    resp = client.post(url("override", complaint.case), {
        "complaint": complaint.public_id, "risk_level": "high",
        "reason": "Pelaku tinggal serumah dan mengancam."})
    assert resp.status_code == 302
    page = client.get(resp["Location"]).content.decode()
    assert "Pelaku tinggal serumah dan mengancam." in page and "Tinggi" in page
    assert CaseEvent.objects.filter(event_type=EventType.RISK_OVERRIDDEN).count() == 1


def test_override_form_is_not_for_staff(client, uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    services.triage_record(actor=people["officer"], complaint=complaint, **triage_answers())
    client.force_login(people["officer"])
    assert 'id="override-form"' not in client.get(url("detail", complaint.case)).content.decode()
    resp = client.post(url("override", complaint.case),
                       {"risk_level": "high", "reason": "Alasan panjang sekali"})
    assert resp.status_code == 404


def test_sop_tracker_on_the_page(client, uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    client.force_login(people["officer"])
    resp = client.post(url("sop-step", complaint.case), {
        "complaint": complaint.public_id, "sop": "I", "step": "2", "output_ref": "Agenda 7"})
    assert resp.status_code == 302
    page = client.get(url("detail", complaint.case, sop="I")).content.decode()
    assert 'id="sop-table"' in page and "Agenda 7" in page and "10 menit" in page
    assert "tidak berurutan" in page  # step 1 (client registration) was not recorded first
    # A future time is refused on the field.
    resp = client.post(url("sop-step", complaint.case), {
        "complaint": complaint.public_id, "sop": "I", "step": "3",
        "done_at": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")})
    assert resp.status_code == 400
    assert "Waktu pelaksanaan tidak boleh di masa depan." in resp.content.decode()


@pytest.mark.parametrize("name, method", [("detail", "get"), ("record", "post"), ("sop-step", "post")])
def test_other_agency_and_ministry_get_404_without_the_case_number(client, uptd, people, register, name,
                                                                   method):
    complaint = register(uptd, actor=people["officer"])
    for outsider in (people["investigator"], people["viewer"]):
        client.force_login(outsider)
        resp = getattr(client, method)(url(name, complaint.case))
        assert resp.status_code == 404
        assert complaint.case.number not in resp.content.decode()


def test_missing_case_and_foreign_complaint_answer_404(client, uptd, polres, people, register):
    complaint = register(uptd, actor=people["officer"])
    other = register(polres, actor=member(polres, Role.INVESTIGATOR))
    client.force_login(people["officer"])
    assert client.get(reverse("triage:detail", args=[complaint.case.pk + 10_000])).status_code == 404
    # A complaint id of another case (another agency's) inside our case's URL.
    assert client.get(url("detail", complaint.case, pengaduan=other.public_id)).status_code == 404
    assert client.get(url("detail", complaint.case, pengaduan="bukan-uuid")).status_code == 404


def test_expired_emergency_grant_gives_404_on_the_page(client, uptd, people, register, providers):
    complaint = register(uptd, actor=people["officer"])
    services.triage_record(actor=people["officer"], complaint=complaint,
                           **triage_answers(emergency_conditions=["severe_injury"]))
    complaint.case.refresh_from_db()
    (grant,) = services.emergency_refer(actor=people["head"], case=complaint.case,
                                        agencies=[providers["hospital"]])
    client.force_login(providers["nurse"])
    assert client.get(url("detail", complaint.case)).status_code == 200
    grant.expires_at = timezone.now() - timedelta(minutes=1)
    grant.save()
    assert client.get(url("detail", complaint.case)).status_code == 404


# --- query counts -------------------------------------------------------------------------------------

def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_emergency_list_query_count_is_constant(client, uptd, people, register, providers, login_verified):
    login_verified(client, people["ketua"])

    def grow_to(n):
        while CaseEvent.objects.filter(event_type=EventType.EMERGENCY_DECLARED).count() < n:
            c = register(uptd, actor=people["officer"])
            services.triage_record(actor=people["officer"], complaint=c,
                                   **triage_answers(emergency_conditions=["threat_to_life"]))
            c.case.refresh_from_db()
            services.emergency_refer(actor=people["head"], case=c.case, agencies=[providers["hospital"]])
        return _queries(client, reverse("triage:emergency-list"))

    small, large = grow_to(2), grow_to(30)
    assert small == large
    page = client.get(reverse("triage:emergency-list")).content.decode()
    assert page.count("<tr>") == 31 and no_identity(page)


def test_triage_page_query_count_does_not_grow_with_steps(client, uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    services.triage_record(actor=people["officer"], complaint=complaint,
                           **triage_answers(emergency_conditions=["severe_psych"]))
    client.force_login(people["officer"])
    path = url("detail", complaint.case, sop="IV")
    sop_services.sop_complaint_step_record(actor=people["officer"], complaint=complaint, sop="IV", step="1")
    few = _queries(client, path)
    for step in ("2", "3", "4", "5a", "5p", "5b", "5c", "6"):
        sop_services.sop_complaint_step_record(actor=member(uptd, Role.PENDAMPING), complaint=complaint,
                                               sop="IV", step=step)
    assert _queries(client, path) == few


def test_team_member_sees_the_page_read_only(client, uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    services.triage_record(actor=people["officer"], complaint=complaint, **triage_answers())
    tp = member(uptd, Role.TP_ANGGOTA)
    client.force_login(tp)
    page = client.get(url("detail", complaint.case)).content.decode()
    assert 'id="result"' in page and 'id="triage-form"' not in page and 'id="sop-step-form"' not in page
    assert client.post(url("record", complaint.case), {"needs_multiple_services": "ya",
                                                       "cross_region": "ya"}).status_code == 404


def test_grant_to_other_agency_at_summary_still_cannot_triage(client, uptd, people, register, providers):
    complaint = register(uptd, actor=people["officer"])
    case_grant_access(actor=people["head"], case=complaint.case, agency=providers["hospital"],
                      level=AccessLevel.SUMMARY)
    client.force_login(providers["nurse"])
    assert client.get(url("detail", complaint.case)).status_code == 200
    resp = client.post(url("record", complaint.case), {"needs_multiple_services": "ya", "cross_region": "ya"})
    assert resp.status_code == 404


def test_sop_table_numbers_its_steps_under_no_not_tidak(client, uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    client.force_login(people["officer"])
    page = client.get(url("detail", complaint.case, sop="I")).content.decode()
    assert 'id="sop-table"' in page
    assert "<th>No</th>" in page and 'data-label="No"' in page
    assert "<th>Tidak</th>" not in page and 'data-label="Tidak"' not in page
