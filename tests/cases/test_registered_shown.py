"""What was registered is shown again, by access level (docs/access.md "What was registered"):
summary sees the violence, month, needs, consent basis and the not-safe flag; service also the safe
way to contact, the perpetrators' relations, age band and disability; full — only after
"Tampilkan identitas", logged — also the chronology, place, names, NIK, phones, addresses, date of
birth and the reporter. Each level sees its row and not the next one's, on the page and in the API."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Role
from cases import services
from cases.intake.services import PerpetratorInput, ReporterInput, VictimInput, complaint_register
from cases.models import AccessLevel, GrantSource
from common.models import AccessAction, AccessLog
from tests.factories import ServiceFactory, member
from tests.intake.helpers import complaint_input

pytestmark = pytest.mark.django_db

SAFE_CONTACT = "Hubungi hanya lewat kakaknya setelah pukul 19.00"
CHRONOLOGY = "Korban dipukul di dapur setelah bertengkar soal uang belanja."
PLACE = "Rumah kontrakan di gang belakang pasar"
PERPETRATOR = "Bambang Sutejo"
REPORTER = "Siti Kakak Korban"
REPORTER_PHONE = "0813-9999-1111"


@pytest.fixture
def registered(uptd):
    """A complaint that says the victim is NOT safe to contact, with everything filled."""
    ServiceFactory(code="psikolog-uji", name="Pendampingan psikologis")
    officer = member(uptd, Role.ADMIN_OFFICER)
    data = complaint_input(
        victims=[VictimInput(full_name="Wulan Sekar Arum", category="disability", nik="3174054101900099",
                             phone="0812-3456-7000", address="Jl. Melati 7", date_of_birth=date(1990, 1, 1),
                             disability="sensory", region="3174")],
        violence_forms=["physical"], incident_date=date(2026, 3, 14), incident_place=PLACE,
        chronology=CHRONOLOGY, stated_needs=["psikolog-uji"],
        perpetrators=[PerpetratorInput(relation="spouse", full_name=PERPETRATOR, power_relation=True)],
        reporter=ReporterInput(is_victim=False, full_name=REPORTER, phone=REPORTER_PHONE, relation="kakak"),
        safe_to_contact=False, safe_contact=SAFE_CONTACT,
    )
    return complaint_register(actor=officer, receiving_agency=uptd, data=data).case


def _service_user(case, uptd, rsud):
    services.case_grant_access(actor=member(uptd, Role.HEAD), case=case, agency=rsud,
                               level=AccessLevel.SERVICE, source=GrantSource.MANUAL)
    return member(rsud, Role.HEALTH_WORKER)


SUMMARY_TEXTS = ["KDRT", "Fisik", "Maret 2026", "Pendampingan psikologis", "Korban sendiri",
                 "Tidak aman dihubungi"]
SERVICE_TEXTS = [SAFE_CONTACT, "Suami/istri/pasangan", "25–44", "Sensorik"]
FULL_TEXTS = [CHRONOLOGY, PLACE, PERPETRATOR, "Wulan Sekar Arum", "3174054101900099", "Jl. Melati 7",
              "01 Jan 1990", REPORTER, REPORTER_PHONE]  # the page writes the date of birth as it writes dates
DOB_ISO = "1990-01-01"  # as the API gives it


def _page(client, user, case):
    client.force_login(user)
    resp = client.get(reverse("cases:detail", args=[case.pk]))
    assert resp.status_code == 200
    return resp.content.decode()


def test_summary_user_sees_the_violence_needs_and_consent_but_not_how_to_contact(client, uptd, registered):
    html = _page(client, member(uptd, Role.KONSELOR), registered)
    for text in SUMMARY_TEXTS:
        assert text in html, text
    for text in SERVICE_TEXTS + FULL_TEXTS:
        assert text not in html, text
    # Labels, never the internal codes.
    assert "psikolog-uji" not in html and ">physical<" not in html


def test_service_user_sees_how_to_contact_and_relations_but_not_the_chronology(client, uptd, rsud,
                                                                                 registered):
    html = _page(client, _service_user(registered, uptd, rsud), registered)
    for text in SUMMARY_TEXTS + SERVICE_TEXTS:
        assert text in html, text
    for text in FULL_TEXTS:
        assert text not in html, text


def test_full_user_sees_the_chronology_only_after_the_logged_reveal(client, uptd, registered):
    officer = member(uptd, Role.ADMIN_OFFICER)
    html = _page(client, officer, registered)
    for text in SUMMARY_TEXTS + SERVICE_TEXTS:
        assert text in html, text
    for text in FULL_TEXTS:
        assert text not in html, text
    assert "Tampilkan identitas" in html

    resp = client.post(reverse("cases:reveal", args=[registered.pk]))
    assert resp.status_code == 200
    html = resp.content.decode()
    for text in SUMMARY_TEXTS + SERVICE_TEXTS + FULL_TEXTS:
        assert text in html, text
    assert DOB_ISO not in html
    assert AccessLog.objects.filter(user=officer, action=AccessAction.REVEAL_IDENTITY,
                                    object_id=str(registered.pk)).count() == 1


def test_not_safe_warning_stands_at_the_top_for_whoever_may_contact(client, uptd, rsud, registered):
    for user in (member(uptd, Role.ADMIN_OFFICER), member(uptd, Role.KONSELOR),
                 _service_user(registered, uptd, rsud)):
        html = _page(client, user, registered)
        assert 'id="not-safe-to-contact"' in html
        # At the top: before the summary card, the complaints and the timeline.
        assert html.index('id="not-safe-to-contact"') < html.index('id="identity"') < html.index(
            'id="complaints"')
    # A Tim Percepatan member does not contact victims: the flag, not the warning.
    from tests.factories import AgencyFactory

    member_tp = member(AgencyFactory(kind="social_service"), Role.TP_ANGGOTA)
    html = _page(client, member_tp, registered)
    assert "Tidak aman dihubungi" in html and 'id="not-safe-to-contact"' not in html


def test_api_gives_each_level_its_sections(client, uptd, rsud, registered):
    url = f"/api/cases/{registered.pk}/"
    client.force_login(member(uptd, Role.KONSELOR))
    body = client.get(url).json()["registered"]
    assert body["level"] == "summary" and body["service"] is None and body["full"] is None
    [c] = body["summary"]["complaints"]
    assert c["violence_types"] == ["KDRT"] and c["violence_forms"] == ["Fisik"]
    assert c["incident_month"] == "Maret 2026" and c["stated_needs"] == ["Pendampingan psikologis"]
    assert body["summary"]["not_safe_to_contact"] is True
    assert [k["given_by"] for k in body["summary"]["consent_basis"]] == ["Korban sendiri"]
    assert SAFE_CONTACT not in str(body) and "Suami" not in str(body)

    client.force_login(_service_user(registered, uptd, rsud))
    body = client.get(url).json()["registered"]
    assert body["level"] == "service" and body["full"] is None
    [c] = body["service"]["complaints"]
    assert c["safe_contact"] == SAFE_CONTACT and c["perpetrator_relations"] == ["Suami/istri/pasangan"]
    assert body["service"]["victims"] == [{"initials": "WSA", "age_band": "25–44", "disability": "Sensorik"}]
    for text in FULL_TEXTS + [DOB_ISO]:
        assert text not in str(body), text

    # Full access still reads identity only through the logged reveal, never in this GET.
    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    resp = client.get(url)
    for text in FULL_TEXTS + [DOB_ISO]:
        assert text not in resp.content.decode(), text
    assert resp.json()["registered"]["full"] is None


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_victims_perpetrators_and_complaints(client, uptd, registered):
    officer = member(uptd, Role.ADMIN_OFFICER)
    client.force_login(officer)
    page, api = reverse("cases:detail", args=[registered.pk]), f"/api/cases/{registered.pk}/"
    before = (_count(client, page), _count(client, api))
    more = complaint_input(
        victims=[VictimInput(full_name="Dewi Lestari", category="adult_woman"),
                 VictimInput(full_name="Ayu Ningsih", category="family")],
        perpetrators=[PerpetratorInput(relation="family"), PerpetratorInput(relation="stranger")],
        stated_needs=["psikolog-uji"], incident_date=date(2026, 4, 2))
    complaint_register(actor=officer, receiving_agency=uptd, data=more, join_case=registered)
    assert (_count(client, page), _count(client, api)) == before
    html = client.get(page).content.decode()
    assert "Keluarga lain" in html and "April 2026" in html


def test_api_gives_the_full_section_only_through_the_logged_reveal(client, uptd, registered):
    url = f"/api/cases/{registered.pk}/reveal/registered/"
    konselor = member(uptd, Role.KONSELOR)
    client.force_login(konselor)
    resp = client.post(url, {}, content_type="application/json")
    assert resp.status_code == 403
    for text in FULL_TEXTS + [DOB_ISO]:
        assert text not in resp.content.decode(), text
    assert not AccessLog.objects.filter(user=konselor, action=AccessAction.REVEAL_IDENTITY).exists()

    officer = member(uptd, Role.ADMIN_OFFICER)
    client.force_login(officer)
    body = client.post(url, {}, content_type="application/json").json()
    assert body["level"] == "full"
    [c] = body["full"]["complaints"]
    assert c["chronology"] == CHRONOLOGY and c["incident_place"] == PLACE
    assert c["perpetrator_names"] == [PERPETRATOR]
    assert c["reporter"]["full_name"] == REPORTER and c["reporter"]["phone"] == REPORTER_PHONE
    [v] = body["full"]["victims"]
    assert (v["full_name"], v["nik"], v["date_of_birth"]) == ("Wulan Sekar Arum", "3174054101900099",
                                                              DOB_ISO)
    assert body["service"]["complaints"][0]["safe_contact"] == SAFE_CONTACT
    assert body["summary"]["complaints"][0]["violence_types"] == ["KDRT"]
    assert AccessLog.objects.filter(user=officer, action=AccessAction.REVEAL_IDENTITY,
                                    object_id=str(registered.pk)).count() == 1
