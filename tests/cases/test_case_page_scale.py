"""Issue 14 follow-up: the case page does not grow with the number of agencies. The grant form
(every active agency in a dropdown) and the consent form (every agency as a "named agency" checkbox)
are loaded when the head or the admin officer opens them (``cases:grant`` / ``cases:consent-record``
GET), not rendered on every view of the case (docs/performance.md, "Case detail")."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Role
from cases.intake.services import complaint_register
from tests.factories import AgencyFactory, member
from tests.intake.helpers import complaint_input

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _agencies(n):
    for i in range(n):
        AgencyFactory(code=f"lembaga-{i}", name=f"Lembaga Uji {i:03d}", kind="hospital")


def _page(client, url):
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url)
    assert resp.status_code == 200
    html = resp.content.decode()
    return {"options": len(re.findall(r"<option\b", html)),
            "checkboxes": len(re.findall(r'type="checkbox"', html)),
            "agency names": html.count("Lembaga Uji"),
            "queries": len(ctx.captured_queries)}


@pytest.mark.parametrize("role", [Role.HEAD, Role.ADMIN_OFFICER])
def test_the_case_page_is_the_same_at_5_and_at_200_agencies(role, uptd, login_verified):
    case = complaint_register(actor=member(uptd, Role.ADMIN_OFFICER), receiving_agency=uptd,
                              data=complaint_input()).case
    client = Client()
    login_verified(client, member(uptd, role))
    url = reverse("cases:detail", args=[case.pk])
    _agencies(5)
    few = _page(client, url)
    for i in range(195):
        AgencyFactory(code=f"lembaga-x{i}", name=f"Lembaga Uji x{i:03d}", kind="police_unit")
    many = _page(client, url)
    assert many == few
    assert few["agency names"] == 0


def test_the_head_opens_the_grant_form_and_it_lists_the_agencies(uptd, rsud, login_verified):
    case = complaint_register(actor=member(uptd, Role.ADMIN_OFFICER), receiving_agency=uptd,
                              data=complaint_input()).case
    _agencies(3)
    client = Client()
    login_verified(client, member(uptd, Role.HEAD))
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="grant-open"' in page and f'hx-get="{reverse("cases:grant", args=[case.pk])}"' in page
    assert 'id="grant-form"' not in page

    fragment = client.get(reverse("cases:grant", args=[case.pk]), **HTMX)
    html = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in html and 'id="grant-form"' in html
    assert "RSUD Uji" in html and "Lembaga Uji 002" in html and ">UPTD PPA Uji<" not in html

    # Without JavaScript the link opens the case page with the form in it.
    resp = client.get(reverse("cases:grant", args=[case.pk]))
    assert resp.status_code == 302 and resp["Location"].endswith("?buka=akses#grants")
    full = client.get(resp["Location"]).content.decode()
    assert 'id="grant-form"' in full and "RSUD Uji" in full and 'id="timeline"' in full
    # Only for the head: another user's ?buka=akses is the plain page.
    officer = Client()
    login_verified(officer, member(uptd, Role.ADMIN_OFFICER))
    plain = officer.get(reverse("cases:detail", args=[case.pk]) + "?buka=akses").content.decode()
    assert 'id="grant-form"' not in plain and "RSUD Uji" not in plain


def test_only_the_head_of_the_case_gets_the_grant_form(uptd, rsud, login_verified):
    case = complaint_register(actor=member(uptd, Role.ADMIN_OFFICER), receiving_agency=uptd,
                              data=complaint_input()).case
    url = reverse("cases:grant", args=[case.pk])
    for user in (member(uptd, Role.ADMIN_OFFICER), member(rsud, Role.HEAD)):
        client = Client()
        login_verified(client, user)
        assert client.get(url, **HTMX).status_code == 404


def test_the_consent_form_is_loaded_when_opened_with_the_named_agencies(uptd, rsud, login_verified):
    case = complaint_register(actor=member(uptd, Role.ADMIN_OFFICER), receiving_agency=uptd,
                              data=complaint_input()).case
    client = Client()
    login_verified(client, member(uptd, Role.ADMIN_OFFICER))
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="consent-open"' in page and 'id="consent-record-form"' not in page
    html = client.get(reverse("cases:consent-record", args=[case.pk]), **HTMX).content.decode()
    assert 'id="consent-record-form"' in html and "RSUD Uji" in html and "<html" not in html
    resp = client.get(reverse("cases:consent-record", args=[case.pk]))
    assert resp.status_code == 302 and resp["Location"].endswith("?buka=persetujuan#consents")
    full = client.get(resp["Location"]).content.decode()
    assert 'id="consent-record-form"' in full and "RSUD Uji" in full
    other = Client()
    login_verified(other, member(rsud, Role.HEAD))
    assert other.get(reverse("cases:consent-record", args=[case.pk]), **HTMX).status_code == 404
