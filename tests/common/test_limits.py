"""Requests have limits (README, "Security"): every free text has a maximum length that the model, the page
and the API enforce alike, and a request body that is too large is refused with 413 — JSON under
/api/, a page that says what to do everywhere else. Nothing is ever half-saved."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse

from agencies.models import Role
from cases.intake import services as intake
from cases.models import Attachment, Case, Complaint, Reporter, Victim
from common import limits
from meetings import services as meeting_services
from meetings.models import CasePresentation, JointAssessment, Minutes
from tests.factories import member
from tests.intake.helpers import complaint_input
from tests.meetings.helpers import make_meeting, make_team, propose_and_open, register

pytestmark = pytest.mark.django_db

DOMAIN_APPS = ["agencies", "cases", "common", "triage", "meetings", "terminations", "reports"]
#: Text the system writes itself, never a person: a PEM certificate and an encrypted private key.
MACHINE_TEXT = {("common", "signercertificate", "cert_pem"), ("common", "signercertificate", "encrypted_key")}
#: Seen in the walk-through: a chronology of 209,000 characters was stored.
HUGE = "Kronologi yang terlalu panjang. " * 6_532  # 209,024 characters
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def nothing_saved():
    return not (Case.objects.exists() or Complaint.objects.exists() or Victim.objects.exists()
                or Reporter.objects.exists())


def page_data(**extra):
    data = {
        "channel": "walk_in", "violence_types": ["kdrt"], "chronology": "Kronologi singkat uji.",
        "consent_by": "victim", "consent_to_share": "on", "safe_to_contact": "on",
        "victims-TOTAL_FORMS": "1", "victims-INITIAL_FORMS": "0",
        "victims-0-full_name": "Ratna Dewi Kusuma", "victims-0-category": "adult_woman",
        "victims-0-sex": "f", "victims-0-nik": "3174054101900077",
        "perpetrators-TOTAL_FORMS": "1", "perpetrators-INITIAL_FORMS": "0",
        "perpetrators-0-relation": "spouse",
    }
    data.update(extra)
    return data


def api_payload(**extra):
    payload = {
        "channel": "hotline", "violence_types": ["kdrt"], "chronology": "Pelapor menelepon SAPA 129.",
        "victims": [{"full_name": "Larasati Ayuningtyas", "category": "adult_woman"}],
        "consent_to_share": True, "consent_by": "victim",
    }
    payload.update(extra)
    return payload


@pytest.fixture
def officer(uptd, client):
    user = member(uptd, Role.ADMIN_OFFICER)
    client.force_login(user)
    return user


# --- the model: every text column has a limit that full_clean checks --------------------------------

def test_every_free_text_column_of_the_domain_models_has_a_limit_the_model_checks():
    missing = []
    for app in DOMAIN_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue  # copies of the audited model's columns, written from it
            for field in model._meta.concrete_fields:
                if not isinstance(field, models.TextField):
                    continue
                if (app, model._meta.model_name, field.name) in MACHINE_TEXT:
                    continue
                checked = any(isinstance(v, MaxLengthValidator) and v.limit_value == field.max_length
                              for v in field.validators)
                if field.max_length is None or not checked:
                    missing.append(f"{model._meta.label}.{field.name}")
    assert missing == []


def test_the_encrypted_chronology_is_limited_by_its_plaintext(uptd):
    complaint = Complaint(chronology="x" * (limits.CHRONOLOGY + 1))
    with pytest.raises(ValidationError) as exc:
        complaint.full_clean(exclude=[f.name for f in Complaint._meta.fields if f.name != "chronology"])
    assert str(limits.CHRONOLOGY) in " ".join(exc.value.message_dict["chronology"])


def test_the_service_refuses_a_long_chronology_before_writing_anything(uptd):
    with pytest.raises(ValidationError) as exc:
        intake.complaint_register(actor=member(uptd, Role.ADMIN_OFFICER), receiving_agency=uptd,
                                  data=complaint_input(chronology=HUGE))
    assert str(limits.CHRONOLOGY) in " ".join(exc.value.message_dict["chronology"])
    assert nothing_saved()


# --- the 209,000-character chronology, through the page and through the API ------------------------

def test_a_209000_character_chronology_is_refused_on_the_page_with_the_limit_and_nothing_saved(
        client, officer):
    resp = client.post(reverse("cases:register"), page_data(chronology=HUGE))
    assert resp.status_code == 400
    form = resp.context["form"]
    assert list(form.errors) == ["chronology"]
    assert str(limits.CHRONOLOGY) in form.errors["chronology"][0]
    assert form.errors["chronology"][0] in resp.content.decode()
    assert nothing_saved()


def test_a_209000_character_chronology_is_refused_by_the_api_with_a_field_error(client, officer):
    resp = client.post("/api/complaints/", api_payload(chronology=HUGE), content_type="application/json")
    assert resp.status_code == 400
    body = resp.json()
    assert list(body) == ["chronology"]
    assert str(limits.CHRONOLOGY) in body["chronology"][0]
    assert nothing_saved()


def test_a_chronology_at_the_limit_is_accepted_one_more_character_is_not_page(client, officer):
    resp = client.post(reverse("cases:register"), page_data(chronology="k" * (limits.CHRONOLOGY + 1)))
    assert resp.status_code == 400 and nothing_saved()
    resp = client.post(reverse("cases:register"), page_data(chronology="k" * limits.CHRONOLOGY))
    assert resp.status_code == 302
    assert len(Complaint.objects.get().chronology) == limits.CHRONOLOGY


def test_a_chronology_at_the_limit_is_accepted_one_more_character_is_not_api(client, officer):
    resp = client.post("/api/complaints/", api_payload(chronology="k" * (limits.CHRONOLOGY + 1)),
                       content_type="application/json")
    assert resp.status_code == 400 and nothing_saved()
    resp = client.post("/api/complaints/", api_payload(chronology="k" * limits.CHRONOLOGY),
                       content_type="application/json")
    assert resp.status_code == 201, resp.content
    assert len(Complaint.objects.get().chronology) == limits.CHRONOLOGY


@pytest.mark.parametrize("reporter, field", [
    ({"full_name": "n" * (limits.NAME + 1)}, "full_name"),
    ({"relation": "r" * (limits.RELATION + 1)}, "relation"),
    ({"address": "a" * (limits.ADDRESS + 1)}, "address"),
])
def test_the_api_refuses_a_reporter_text_longer_than_its_column(client, officer, reporter, field):
    """Before the limits, these reached the database: a 500 for the relation, any length for the rest."""
    resp = client.post("/api/complaints/", api_payload(reporter={"is_victim": False, **reporter}),
                       content_type="application/json")
    assert resp.status_code == 400
    assert field in resp.json()["reporter"]
    assert nothing_saved()


# --- the meeting's texts -----------------------------------------------------------------------------

def test_minutes_notes_over_the_limit_are_refused_on_the_page_and_the_saved_notes_kept(client, uptd):
    team = make_team(uptd)
    meeting = make_meeting(team)
    meeting_services.minutes_update_notes(actor=team.sekretaris, meeting=meeting, notes="Catatan awal.")
    client.force_login(team.sekretaris)
    url = reverse("meetings:minutes", args=[meeting.pk])
    resp = client.post(url, {"notes": "n" * (limits.MINUTES_NOTES + 1)})
    assert resp.status_code == 400
    assert str(limits.MINUTES_NOTES) in resp.context["form"].errors["notes"][0]
    assert Minutes.objects.get(meeting=meeting).notes == "Catatan awal."
    resp = client.post(url, {"notes": "n" * limits.MINUTES_NOTES})
    assert resp.status_code == 302
    assert len(Minutes.objects.get(meeting=meeting).notes) == limits.MINUTES_NOTES


def test_the_minutes_service_refuses_notes_over_the_limit(uptd):
    team = make_team(uptd)
    meeting = make_meeting(team)
    with pytest.raises(ValidationError) as exc:
        meeting_services.minutes_update_notes(actor=team.sekretaris, meeting=meeting,
                                              notes="n" * (limits.MINUTES_NOTES + 1))
    assert "notes" in exc.value.message_dict
    assert Minutes.objects.get(meeting=meeting).notes == ""


@pytest.fixture
def agenda_item(uptd):
    team = make_team(uptd)
    meeting = make_meeting(team)
    propose_and_open(team, meeting, [register(uptd)])
    return team, meeting.agenda.get()


def test_the_meeting_api_refuses_a_presentation_over_its_limit_and_takes_one_at_it(client, uptd,
                                                                                  agenda_item):
    _team, item = agenda_item
    client.force_login(member(uptd, Role.PENDAMPING))
    url = f"/api/meetings/{item.meeting_id}/agenda/{item.pk}/presentation/"
    text = {"current_condition": "Stabil.", "obstacles": "Visum belum dijadwalkan."}
    resp = client.post(url, {"chronology": "k" * (limits.PRESENTATION_CHRONOLOGY + 1), **text},
                       content_type="application/json")
    assert resp.status_code == 400
    assert str(limits.PRESENTATION_CHRONOLOGY) in resp.json()["chronology"][0]
    assert not CasePresentation.objects.exists()
    resp = client.post(url, {"chronology": "k" * limits.PRESENTATION_CHRONOLOGY, **text},
                       content_type="application/json")
    assert resp.status_code == 200


def test_assessment_notes_over_the_limit_are_shown_under_the_note_and_nothing_saved(client,
                                                                                   agenda_item):
    team, item = agenda_item
    client.force_login(team.sekretaris)
    data = {f"{p}_rating": "2" for p in ("violence", "urgency", "psychosocial", "coordination")}
    data["urgency_notes"] = "u" * (limits.NOTE + 1)
    resp = client.post(reverse("meetings:assessment", args=[item.meeting_id, item.pk]), data)
    assert resp.status_code == 400
    assert str(limits.NOTE) in resp.context["assessment_form"].errors["urgency_notes"][0]
    assert not JointAssessment.objects.exists()


# --- request bodies ----------------------------------------------------------------------------------

def test_a_body_over_the_limit_gets_413_json_from_the_api_and_nothing_is_saved(client, officer, settings):
    body = json.dumps(api_payload(chronology="k" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)))
    resp = client.post("/api/complaints/", body, content_type="application/json")
    assert resp.status_code == 413
    assert resp["Content-Type"] == "application/json"
    assert resp.json()["limit_bytes"] == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert "1 MB" in resp.json()["detail"]
    assert nothing_saved()


def test_a_form_over_the_limit_gets_the_413_page_and_nothing_is_saved(client, officer, settings):
    resp = client.post(reverse("cases:register"),
                       page_data(chronology="k" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)))
    assert resp.status_code == 413
    page = resp.content.decode()
    assert 'id="request-too-large"' in page and "Kiriman terlalu besar" in page
    assert "1 MB" in page and str(limits.CHRONOLOGY) in page
    assert "<header" in page  # the site's own layout, not a bare error
    assert nothing_saved()


@pytest.fixture
def complaint(uptd, signing_ca):
    return intake.complaint_register(actor=member(uptd, Role.ADMIN_OFFICER), receiving_agency=uptd,
                                     data=complaint_input())


def test_an_upload_larger_than_an_attachment_gets_the_413_page(client, uptd, complaint, settings,
                                                               monkeypatch):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4_096
    monkeypatch.setattr(limits, "ATTACHMENT_MAX_BYTES", 16_384)
    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    url = reverse("cases:attach", args=[complaint.case_id, complaint.public_id])
    resp = client.post(url, {"file": SimpleUploadedFile("besar.pdf", PDF + b"0" * 30_000)})
    assert resp.status_code == 413 and 'id="request-too-large"' in resp.content.decode()
    assert not Attachment.objects.exists()
    # A file within the attachment limit still passes (the body is larger than the text limit).
    resp = client.post(url, {"file": SimpleUploadedFile("kecil.pdf", PDF + b"0" * 8_000)})
    assert resp.status_code == 302 and Attachment.objects.count() == 1


def test_too_much_text_beside_an_upload_is_413_too_not_a_bare_400(client, uptd, complaint, settings):
    """Django itself refuses this one (RequestDataTooBig): it answers the same 413 page."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4_096
    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    url = reverse("cases:attach", args=[complaint.case_id, complaint.public_id])
    resp = client.post(url, {"catatan": "c" * 6_000, "file": SimpleUploadedFile("kecil.pdf", PDF)})
    assert resp.status_code == 413 and 'id="request-too-large"' in resp.content.decode()
    assert not Attachment.objects.exists()


def test_any_other_bad_request_gets_a_page_that_explains(client, db):
    resp = client.get("/", HTTP_HOST="bukan-host-terpadu.example")
    assert resp.status_code == 400
    assert 'id="bad-request"' in resp.content.decode()
    resp = client.get("/api/me/", HTTP_HOST="bukan-host-terpadu.example")
    assert resp.status_code == 400 and resp.json()["detail"]
