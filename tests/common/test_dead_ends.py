"""Issue 12 point 8: no dead ends. A refusal is a styled Indonesian page with the menu (403 and a
failed CSRF check), and the TOTP page shows no menu or counts before the second factor."""

import pytest
from django.test import Client
from django.urls import reverse

from agencies.models import Role
from tests.factories import member

pytestmark = pytest.mark.django_db


def test_a_refused_page_is_indonesian_styled_and_keeps_the_menu(client, uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    client.force_login(officer)
    resp = client.get(reverse("acting-heads"))  # heads only
    assert resp.status_code == 403
    html = resp.content.decode()
    assert "Akses ditolak" in html
    assert "kepala lembaga Anda" in html
    assert "Forbidden" not in html
    assert 'id="mainnav"' in html  # the menu: the officer goes on from here
    assert reverse("cases:queue") in html
    assert "terpadu.css" in html


def test_a_refused_api_call_gets_json_not_a_page(client, uptd):
    from common.error_views import permission_denied

    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    request = client.get(reverse("home")).wsgi_request
    request.path = "/api/anything/"
    resp = permission_denied(request)
    assert resp.status_code == 403 and resp["Content-Type"] == "application/json"


def test_a_stale_form_gets_an_indonesian_page_with_the_menu(uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    # "Tandai semua dibaca" posted without the form's token (e.g. from a page left open too long).
    resp = client.post(reverse("notifications:mark-read"))
    assert resp.status_code == 403
    html = resp.content.decode()
    assert "Formulir tidak dapat diproses" in html
    assert "Tidak ada yang disimpan" in html
    assert "CSRF verification failed" not in html and "Forbidden" not in html
    assert 'id="mainnav"' in html


def test_totp_page_shows_no_menu_or_counts_before_the_second_factor(client, uptd):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from common.notifications import notify

    head = member(uptd, Role.HEAD)
    TOTPDevice.objects.create(user=head, name="uji", confirmed=True)
    notify(users=[head], kind="test", title="Uji", dedupe_key="uji")
    client.force_login(head)
    resp = client.get(reverse("otp-verify"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Verifikasi dua langkah" in html
    assert 'id="mainnav"' not in html
    assert reverse("notifications:inbox") not in html
    assert reverse("cases:queue") not in html
    assert "Notifikasi (1)" not in html
    assert reverse("logout") in html  # she can still sign out


def test_totp_enrolment_page_shows_no_menu_either(client, uptd):
    client.force_login(member(uptd, Role.HEAD))
    resp = client.get(reverse("otp-enrol"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert 'id="mainnav"' not in html
    assert reverse("notifications:inbox") not in html


def test_after_the_second_factor_the_menu_and_counts_are_back(client, uptd, login_verified):
    from common.notifications import notify

    head = member(uptd, Role.HEAD)
    notify(users=[head], kind="test", title="Uji", dedupe_key="uji")
    login_verified(client, head)
    html = client.get(reverse("home")).content.decode()
    assert 'id="mainnav"' in html
    assert "Notifikasi (1)" in html
