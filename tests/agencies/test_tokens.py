"""API tokens (django-rest-knox): created and revoked on the profile page only in a session that
passed TOTP where the user has it; shown once; hashed at rest; revoking stops the API at once."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from agencies.auth_views import TOKEN_NEEDS_TOTP, TOKEN_REVOKE_NEEDS_TOTP
from agencies.models import Role
from tests.factories import member

pytestmark = pytest.mark.django_db

PROFILE = "/akun/profil/"
CREATE = "/akun/profil/token/"


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def shown_token(page: str) -> str | None:
    found = re.search(r'<code class="secret">([^<]+)</code>', page)
    return found.group(1) if found else None


def create_token(client) -> str:
    assert client.post(CREATE).status_code == 302
    token = shown_token(client.get(PROFILE).content.decode())
    assert token
    return token


def api_me(token: str):
    # A fresh client: no session cookie, only the Authorization header.
    return Client().get("/api/me/", HTTP_AUTHORIZATION=f"Token {token}")


def stored_anywhere(text: str) -> list[str]:
    """Every table whose rows contain ``text``, and every session whose (encoded) data does."""
    from django.contrib.sessions.models import Session

    found = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names(cur):
            quoted = connection.ops.quote_name(table)
            cur.execute(f"SELECT 1 FROM {quoted} t WHERE t::text LIKE %s LIMIT 1",  # noqa: S608
                        [f"%{text}%"])
            if cur.fetchone():
                found.append(table)
    found += [f"session {s.pk}" for s in Session.objects.all() if text in str(s.get_decoded())]
    return found


def test_officer_creates_a_token_shown_once_that_works_on_the_api(client, uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    client.force_login(officer)
    assert client.post(CREATE).status_code == 302
    first = client.get(PROFILE).content.decode()
    token = shown_token(first)
    assert token and 'id="new-token"' in first
    again = client.get(PROFILE).content.decode()
    assert shown_token(again) is None and token not in again

    resp = api_me(token)
    assert resp.status_code == 200 and resp.json()["username"] == officer.username
    # A token request does not start a session.
    assert "sessionid" not in resp.cookies


def test_token_is_hashed_at_rest(client, uptd):
    from django.core.cache import cache

    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    client.post(CREATE)
    # Between creation and display the plain token waits in the cache only, not in the database
    # (the session holds a random reference to it).
    pending = cache.get(f"new-token:{client.session['_new_token_ref']}")
    assert pending and stored_anywhere(pending) == []
    token = shown_token(client.get(PROFILE).content.decode())
    assert token == pending
    assert stored_anywhere(token) == []
    assert cache.get(f"new-token:{client.session.get('_new_token_ref')}") is None
    row = AuthToken.objects.get()
    assert token.startswith(row.token_key) and len(row.token_key) < len(token)
    assert row.digest != token and token not in row.digest
    # The check itself finds what is stored: the digest is.
    assert stored_anywhere(row.digest) == ["knox_authtoken"]


def test_revoking_a_token_makes_the_api_answer_401(client, uptd):
    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    token = create_token(client)
    assert api_me(token).status_code == 200
    key = AuthToken.objects.get().token_key
    assert client.post(reverse("token-revoke", args=[key])).status_code == 302
    assert not AuthToken.objects.exists()
    assert api_me(token).status_code == 401


def test_garbage_token_is_401(db):
    assert api_me("bukan-token-sungguhan").status_code == 401


def test_cannot_revoke_someone_elses_token(client, uptd):
    owner = member(uptd, Role.ADMIN_OFFICER)
    instance, token = AuthToken.objects.create(user=owner)
    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    assert client.post(reverse("token-revoke", args=[instance.token_key])).status_code == 404
    assert api_me(token).status_code == 200


def test_totp_role_without_otp_in_the_session_is_refused(client, uptd):
    head = member(uptd, Role.HEAD)
    TOTPDevice.objects.create(user=head, name="ponsel", confirmed=True)
    client.force_login(head)  # password only: the session did not pass TOTP
    resp = client.post(CREATE, follow=True)
    assert not AuthToken.objects.exists()
    # Sent to the profile, which the TOTP gate turns into the code page, with the reason shown.
    assert resp.redirect_chain[0][0] == PROFILE
    assert resp.request["PATH_INFO"] == "/akun/otp/"
    assert str(TOKEN_NEEDS_TOTP) in resp.content.decode()


def test_totp_role_without_any_device_is_refused_too(client, uptd):
    client.force_login(member(uptd, Role.SYSTEM_ADMIN))
    client.post(CREATE)
    assert not AuthToken.objects.exists()


def test_user_with_optional_totp_must_pass_it_before_creating_a_token(client, uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    device = TOTPDevice.objects.create(user=officer, name="ponsel", confirmed=True)
    client.force_login(officer)
    page = client.get(PROFILE).content.decode()
    assert 'id="token-needs-totp"' in page and f'action="{CREATE}"' not in page
    resp = client.post(CREATE, follow=True)
    assert str(TOKEN_NEEDS_TOTP) in resp.content.decode()
    assert not AuthToken.objects.exists()

    client.post("/akun/otp/", {"otp_token": code_for(device), "next": PROFILE})
    assert f'action="{CREATE}"' in client.get(PROFILE).content.decode()
    assert api_me(create_token(client)).status_code == 200


def test_totp_role_after_passing_totp_creates_a_token_that_works(client, uptd):
    head = member(uptd, Role.HEAD)
    device = TOTPDevice.objects.create(user=head, name="ponsel", confirmed=True)
    client.post("/akun/masuk/", {"username": head.username, "password": "sandi-uji-12345"})
    client.post("/akun/otp/", {"otp_token": code_for(device)})
    token = create_token(client)
    assert api_me(token).status_code == 200


def test_revoking_needs_totp_where_the_user_has_it(client, uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    instance, token = AuthToken.objects.create(user=officer)
    device = TOTPDevice.objects.create(user=officer, name="ponsel", confirmed=True)
    client.force_login(officer)
    resp = client.post(reverse("token-revoke", args=[instance.token_key]), follow=True)
    assert str(TOKEN_REVOKE_NEEDS_TOTP) in resp.content.decode()
    assert api_me(token).status_code == 200

    client.post("/akun/otp/", {"otp_token": code_for(device)})
    assert client.post(reverse("token-revoke", args=[instance.token_key])).status_code == 302
    assert api_me(token).status_code == 401


def test_anonymous_cannot_create_tokens(client, db):
    resp = client.post(CREATE)
    assert resp.status_code == 302 and resp["Location"].startswith("/akun/masuk/")
    assert not AuthToken.objects.exists()
