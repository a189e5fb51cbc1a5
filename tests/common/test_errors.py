"""One error style: a service's refusal names the field it is about, and lands under that field on
the page's form and under that key in the API's answer; a refusal about the action as a whole
stays above the form and in ``detail``. The project's refusal for a role is ``ActionNotAllowed``,
not a second ``PermissionDenied`` next to Django's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role
from cases import services as case_services
from cases.models import AccessLevel
from common import errors
from common.api import exception_handler
from common.errors import ActionNotAllowed, ApplicationError, error_text, error_to_form
from meetings import services as meeting_services
from meetings.models import Meeting
from tests.factories import member

JSON = "application/json"


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False)


def test_a_refusal_about_a_field_lands_under_it_and_one_about_the_action_above_the_form():
    form = ReasonForm({"reason": "singkat"})
    assert form.is_valid()
    error_to_form(form, ApplicationError("Alasan terlalu singkat.", field="reason"))
    error_to_form(form, ApplicationError("Kasus ini sudah ditutup."))
    assert form.errors["reason"] == ["Alasan terlalu singkat."]
    assert form.non_field_errors() == ["Kasus ini sudah ditutup."]


def test_a_field_the_form_does_not_have_is_shown_above_it_rather_than_lost():
    form = ReasonForm({"reason": "x"})
    assert form.is_valid()
    error_to_form(form, ValidationError({"reason": ["Terlalu pendek."], "complaint": ["Bukan milik kasus."],
                                         "__all__": ["Ditolak."]}))
    assert form.errors["reason"] == ["Terlalu pendek."]
    assert form.non_field_errors() == ["Bukan milik kasus.", "Ditolak."]


def test_a_refusal_after_a_redirect_reads_as_one_text():
    assert error_text(ApplicationError("Rapat ini dibatalkan.", field="reason")) == "Rapat ini dibatalkan."
    assert error_text(ValidationError({"a": ["Satu."], "b": ["Dua."]})) == "Satu. Dua."


@pytest.mark.parametrize(("exc", "status", "body"), [
    (ApplicationError("Alasan wajib diisi.", field="reason"), 400, {"reason": ["Alasan wajib diisi."]}),
    (ApplicationError("Rapat ini dibatalkan."), 400, {"detail": "Rapat ini dibatalkan."}),
    (ActionNotAllowed("Bukan wewenang Anda.", field="reason"), 403, {"detail": "Bukan wewenang Anda."}),
    (ValidationError({"note": ["Wajib diisi."]}), 400, {"note": ["Wajib diisi."]}),
])
def test_the_api_answers_a_refusal_in_the_same_two_shapes(exc, status, body):
    resp = exception_handler(exc, {})
    assert (resp.status_code, resp.data) == (status, body)


def test_the_projects_refusal_for_a_role_does_not_shadow_djangos_permission_denied():
    assert not hasattr(errors, "PermissionDenied")
    assert issubclass(ActionNotAllowed, ApplicationError)
    assert not issubclass(ActionNotAllowed, PermissionDenied)


# --- the same refusal, on a page and on the API --------------------------------------------------

@pytest.mark.django_db
def test_a_meeting_without_place_is_refused_under_the_place_field_on_page_and_api(client, uptd):
    secretary = member(uptd, Role.TP_SEKRETARIS)
    client.force_login(secretary)
    starts = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    page = client.post(reverse("meetings:create"), {"starts_at": starts, "place": "", "online_link": ""})
    assert page.status_code == 400
    assert page.context["form"].errors["place"] == [meeting_services.PLACE_REQUIRED]
    assert not page.context["form"].non_field_errors()

    later = (timezone.now() + timedelta(days=2)).isoformat()
    api = client.post(reverse("api:meeting-list"), {"starts_at": later}, content_type=JSON)
    assert api.status_code == 400
    assert api.json() == {"place": [meeting_services.PLACE_REQUIRED]}
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_a_reveal_without_its_reason_is_refused_under_reason_on_the_api(client, uptd, rsud, open_case,
                                                                        login_verified):
    case = open_case(uptd)
    case_services.case_grant_access(actor=member(uptd, Role.HEAD), case=case, agency=rsud,
                                    level=AccessLevel.SERVICE)
    login_verified(client, member(rsud, Role.HEAD))
    resp = client.post(reverse("api:case-reveal", args=[case.pk]), {"reason": "pendek"}, content_type=JSON)
    assert resp.status_code == 400
    assert resp.json() == {"reason": [case_services.REVEAL_REASON_REQUIRED]}
    assert case.victims.get().full_name not in resp.content.decode()


# --- the same refusal, in English ------------------------------------------------------------------

@pytest.mark.django_db
def test_a_caller_reading_english_gets_the_refusal_and_the_404_in_english(client, uptd, english_catalogue):
    client.force_login(member(uptd, Role.TP_SEKRETARIS))
    later = (timezone.now() + timedelta(days=2)).isoformat()
    api = client.post(reverse("api:meeting-list"), {"starts_at": later}, content_type=JSON,
                      HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 400
    assert api.json() == {"place": ["A place or meeting link is required."]}
    missing = client.get(reverse("api:meeting-detail", args=[999999]), HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 404 and missing.json() == {"detail": "Not found."}
