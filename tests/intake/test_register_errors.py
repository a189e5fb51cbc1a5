"""Issue 12, point 5: registration errors are found at once — one submit lists every error (the
forms', the service's, the missing victim's) in a summary linking to each field; the child-consent
rule reads the relations chosen for the accused; the kecamatan is one of the chosen city's."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencies.models import Role
from cases.consent import CHILD_CONSENT_REQUIRED
from cases.intake import services as intake
from cases.intake.services import PerpetratorInput, VictimInput, complaint_register
from cases.models import Case, Complaint, Consent, Perpetrator, Victim
from common import limits
from tests.factories import member
from tests.intake.helpers import complaint_input
from tests.intake.test_register import _post_data

pytestmark = pytest.mark.django_db

GAMBIR = "31.71.01"  # Kota Jakarta Pusat
TEBET = "31.74.01"  # Kota Jakarta Selatan


def _summary(html: str) -> list[tuple[str, str]]:
    """The error summary's links: (href, text)."""
    box = re.search(r'<section class="card error-summary" id="error-summary" role="alert".*?</section>',
                    html, re.S)
    assert box, "no error summary at the top of the form"
    return [(href, re.sub(r"<[^>]+>", "", text)) for href, text in
            re.findall(r'<a href="([^"]+)">(.*?)</a>', box.group(0), re.S)]


def _nothing_saved():
    assert not Case.objects.exists() and not Complaint.objects.exists() and not Victim.objects.exists()
    assert not Consent.objects.exists()


def test_one_submit_lists_the_missing_victim_with_the_forms_own_errors(client, uptd):
    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    resp = client.post(reverse("cases:register"), _post_data(**{
        "victims-0-full_name": "", "victims-0-nik": "", "chronology": ""}))
    assert resp.status_code == 400
    links = dict(_summary(resp.content.decode()))
    # Today the missing victim is reported only on the next submit, once the chronology is given.
    assert str(intake.NO_VICTIM) in links["#id_victims-0-full_name"]
    assert "Korban 1" in links["#id_victims-0-full_name"]
    assert links["#id_chronology"].startswith("Kronologi singkat:")
    _nothing_saved()


def test_one_submit_lists_the_service_rules_with_the_forms_own_errors(client, uptd):
    """A child's own consent while no parent is accused, and a kecamatan of another city, are
    refused in the same round as a missing chronology — each linked to its field."""
    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    resp = client.post(reverse("cases:register"), _post_data(**{
        "chronology": "", "victims-0-category": "child", "victims-0-region": "3174",
        "victims-0-kecamatan": GAMBIR, "perpetrators-0-relation": "acquaintance", "consent_by": "victim"}))
    assert resp.status_code == 400
    links = _summary(resp.content.decode())
    hrefs = [href for href, _ in links]
    # In the page's order: the victim's fields, the incident, then consent.
    assert hrefs == ["#id_victims-0-kecamatan", "#id_chronology", "#id_consent_by"]
    text = dict(links)
    kecamatan = text["#id_victims-0-kecamatan"]
    assert "Gambir" in kecamatan and "Jakarta Selatan" in kecamatan
    assert str(CHILD_CONSENT_REQUIRED) in text["#id_consent_by"]
    _nothing_saved()


def test_a_field_error_is_not_said_twice(client, uptd):
    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    resp = client.post(reverse("cases:register"), _post_data(chronology="", violence_types=[]))
    hrefs = [href for href, _ in _summary(resp.content.decode())]
    assert hrefs.count("#id_chronology") == 1 and hrefs.count("#id_violence_types") == 1


def test_a_valid_form_shows_no_summary(client, uptd):
    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    page = client.get(reverse("cases:register")).content.decode()
    assert 'id="error-summary"' not in page


# --- the kecamatan -----------------------------------------------------------------------------

def test_the_kecamatan_is_chosen_from_dki_jakartas_list_filtered_by_the_city(client, uptd):
    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    page = client.get(reverse("cases:register")).content.decode()
    select = re.search(r'<select name="victims-0-kecamatan"[^>]*>.*?</select>', page, re.S).group(0)
    assert 'data-city="id_victims-0-region"' in select
    assert re.search(rf'<option value="{TEBET}" data-region="3174">Tebet</option>', select)
    assert '<optgroup label="Kota Jakarta Pusat">' in select
    assert select.count("<option value=\"31.") == 44


def test_a_kecamatan_outside_the_chosen_city_is_refused_at_its_field_and_nothing_is_saved(uptd):
    data = complaint_input(victims=[VictimInput(full_name="Sekar Ayu", category="adult_woman",
                                                region="3174", kecamatan=GAMBIR)])
    with pytest.raises(ValidationError) as exc:
        complaint_register(actor=member(uptd, Role.ADMIN_OFFICER), receiving_agency=uptd, data=data)
    [message] = exc.value.message_dict["victims-0-kecamatan"]
    assert message == ("Kecamatan Gambir tidak berada di Kota Jakarta Selatan. Pilih kecamatan dari "
                       "daftar Kota Jakarta Selatan, atau ubah kota/kabupatennya.")
    _nothing_saved()


@pytest.mark.parametrize("code", ["32.76.01", "Tebet", "31.74.99"])
def test_an_invented_kecamatan_code_is_refused(uptd, code):
    data = complaint_input(victims=[VictimInput(full_name="Sekar Ayu", category="adult_woman",
                                                region="3174", kecamatan=code)])
    with pytest.raises(ValidationError) as exc:
        complaint_register(actor=member(uptd, Role.ADMIN_OFFICER), receiving_agency=uptd, data=data)
    assert exc.value.message_dict["victims-0-kecamatan"] == [intake.KECAMATAN_UNKNOWN]
    _nothing_saved()


def test_the_kecamatan_is_stored_as_its_kemendagri_code_and_gives_its_city(uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    complaint = complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input(
        victims=[VictimInput(full_name="Sekar Ayu", category="adult_woman", kecamatan="317401")]))
    victim = complaint.victims.get()
    assert (victim.kecamatan, victim.region) == (TEBET, "3174")


def test_the_api_refuses_a_kecamatan_of_another_city(client, uptd):
    from tests.intake.test_api import PAYLOAD

    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    victims = [{"full_name": "Sekar Ayu", "category": "adult_woman", "region": "3174", "kecamatan": GAMBIR}]
    resp = client.post("/api/complaints/", {**PAYLOAD, "victims": victims}, content_type="application/json")
    assert resp.status_code == 400
    assert "Gambir" in resp.json()["victims-0-kecamatan"][0]
    _nothing_saved()
    resp = client.post("/api/complaints/", {**PAYLOAD, "victims": [{**victims[0], "kecamatan": TEBET}]},
                       content_type="application/json")
    assert resp.status_code == 201, resp.content
    assert Victim.objects.get().kecamatan == TEBET


# --- the child-consent rule reads the relations chosen --------------------------------------------

def test_a_child_consents_herself_when_the_accused_chosen_is_her_parent(uptd):
    """The relation "Orang tua/wali" is enough: no second tick is needed for the rule to know."""
    complaint = complaint_register(actor=member(uptd, Role.ADMIN_OFFICER), receiving_agency=uptd,
                                   data=complaint_input(
        victims=[VictimInput(full_name="Anak Melati", category="child", estimated_age=12)],
        perpetrators=[PerpetratorInput(relation="parent")], consent_by="victim"))
    assert Consent.objects.get(victim__complaint=complaint).given_by == "victim"
    assert Perpetrator.objects.get(complaint=complaint).links.get().is_guardian


def test_the_page_reads_the_relation_chosen_for_the_accused(client, uptd):
    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    resp = client.post(reverse("cases:register"), _post_data(**{
        "victims-0-category": "child", "perpetrators-0-relation": "parent", "consent_by": "victim"}))
    assert resp.status_code == 302
    assert Consent.objects.get().given_by == "victim"


def test_the_child_consent_message_says_the_rule_in_plain_words(uptd):
    data = complaint_input(victims=[VictimInput(full_name="Anak Cempaka", category="child")],
                           perpetrators=[PerpetratorInput(relation="teacher")], consent_by="victim")
    with pytest.raises(ValidationError) as exc:
        complaint_register(actor=member(uptd, Role.ADMIN_OFFICER), receiving_agency=uptd, data=data)
    assert exc.value.message_dict["consent_by"] == [
        "Korban anak: persetujuan berbagi data diberikan oleh orang tua atau wali anak. Anak sendiri "
        "hanya boleh memberi persetujuan bila orang tua atau walinya adalah terlapor (hubungan terlapor "
        "“Orang tua/wali”)."]
    _nothing_saved()


# --- counters and the upload limit ---------------------------------------------------------------

def test_free_texts_carry_their_limit_for_the_counter(client, uptd):
    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    page = client.get(reverse("cases:register")).content.decode()
    chronology = re.search(r'<textarea name="chronology"[^>]*>', page).group(0)
    assert f'maxlength="{limits.CHRONOLOGY}"' in chronology
    assert 'data-counter="{count} dari {max} karakter"' in chronology
    for name in ("safe_contact", "stated_needs_note", "incident_place", "victims-0-address"):
        assert re.search(rf'name="{name}"[^>]*data-counter=', page), name


def test_the_attachment_input_carries_the_upload_limit(client, uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    client.force_login(officer)
    resp = client.post(reverse("cases:register"), _post_data())
    page = client.get(resp["Location"]).content.decode()
    file_input = re.search(r'<input type="file" name="file"[^>]*>', page).group(0)
    assert f'data-max-bytes="{limits.ATTACHMENT_MAX_BYTES}"' in file_input
    assert "data-too-big=" in file_input and "{size}" in file_input


def test_pages_show_the_city_and_kecamatan_by_name(uptd):
    complaint = complaint_register(actor=member(uptd, Role.ADMIN_OFFICER), receiving_agency=uptd,
                                   data=complaint_input(victims=[VictimInput(
                                       full_name="Sekar Ayu", category="adult_woman", kecamatan=TEBET)]))
    victim = complaint.victims.get()
    assert (victim.get_region_display(), victim.get_kecamatan_display()) == ("Kota Jakarta Selatan", "Tebet")


def test_the_verification_page_tells_the_browser_the_limit_the_server_lets_through(client):
    from django.conf import settings

    from documents.verification import MAX_UPLOAD

    page = client.get(reverse("verify")).content.decode()
    file_input = re.search(r'<input type="file" name="berkas"[^>]*>', page).group(0)
    body = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + limits.ATTACHMENT_MAX_BYTES  # what the middleware allows
    assert f'data-max-bytes="{min(MAX_UPLOAD, body)}"' in file_input


def test_a_post_without_the_victim_rows_is_refused_with_a_summary_not_a_500(client, uptd):
    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    resp = client.post(reverse("cases:register"), {"channel": "walk_in", "chronology": "Uji."})
    assert resp.status_code == 400
    assert 'id="error-summary"' in resp.content.decode()
    _nothing_saved()
