"""Sign-in hardening, each rule next to its opposite: wrong password, django-axes lockout and its
unlock, session rotation, idle timeout, and TOTP for the roles that need it."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.auth_views import LOGIN_INVALID, OTP_INVALID, SESSION_IDLE_ENDED
from agencies.models import Role
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

PASSWORD = "sandi-uji-12345"
JAKARTA = ZoneInfo("Asia/Jakarta")
LOGIN = "/akun/masuk/"
OTP = "/akun/otp/"
ENROL = "/akun/otp/daftar/"


def sign_in(client, user_or_name, password=PASSWORD, **extra):
    username = getattr(user_or_name, "username", user_or_name)
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def code_for(device: TOTPDevice) -> str:
    """The code an authenticator app shows now."""
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{value:0{device.digits}d}"


def hidden_next(page: str) -> str:
    return re.search(r'<input type="hidden" name="next" value="([^"]*)">', page).group(1)


def totp_user(agency, role=Role.HEAD, *, device=True):
    user = member(agency, role)
    dev = TOTPDevice.objects.create(user=user, name="ponsel", confirmed=True) if device else None
    return user, dev


# --- password ------------------------------------------------------------------------------------

def test_wrong_password_shows_a_clear_message_and_does_not_sign_in(client, uptd):
    user = member(uptd, Role.ADMIN_OFFICER)
    resp = sign_in(client, user, password="salah-sekali")
    assert resp.status_code == 200
    page = resp.content.decode()
    assert str(LOGIN_INVALID) in page and 'role="alert"' in page
    assert signed_in_user_id(client) is None


def test_unknown_user_gets_the_same_message(client, uptd):
    resp = sign_in(client, "tidak-ada", password="apa-saja-123")
    assert str(LOGIN_INVALID) in resp.content.decode()


def test_right_password_signs_in_and_lands_on_home(client, uptd):
    user = member(uptd, Role.ADMIN_OFFICER)
    resp = sign_in(client, user)
    assert resp.status_code == 302 and resp["Location"] == reverse("home")
    assert signed_in_user_id(client) == str(user.pk)


def test_login_next_is_kept_when_local_and_dropped_when_foreign(client, uptd):
    user = member(uptd, Role.ADMIN_OFFICER)
    resp = client.post(f"{LOGIN}?next=/kasus/", {"username": user.username, "password": PASSWORD})
    assert resp["Location"] == "/kasus/"
    client.logout()
    resp = client.post(f"{LOGIN}?next=https://jahat.example/", {"username": user.username,
                                                                 "password": PASSWORD})
    assert resp["Location"] == reverse("home")


# --- lockout (django-axes: username + IP) --------------------------------------------------------

def fail(client, username, times, **extra):
    resp = None
    for _ in range(times):
        resp = sign_in(client, username, password="salah-sekali", **extra)
    return resp


def test_lockout_after_the_limit_refuses_even_the_right_password(client, uptd):
    user = member(uptd, Role.ADMIN_OFFICER)
    last = fail(client, user, settings.AXES_FAILURE_LIMIT)
    assert last.status_code == 429
    resp = sign_in(client, user)
    assert resp.status_code == 429
    assert "Akun terkunci sementara" in resp.content.decode()
    assert signed_in_user_id(client) is None


def test_one_failure_less_than_the_limit_still_lets_the_right_password_in(client, uptd):
    user = member(uptd, Role.ADMIN_OFFICER)
    resp = fail(client, user, settings.AXES_FAILURE_LIMIT - 1)
    assert resp.status_code == 200 and str(LOGIN_INVALID) in resp.content.decode()
    assert sign_in(client, user).status_code == 302
    assert signed_in_user_id(client) == str(user.pk)


def test_lockout_is_per_username_and_ip(client, uptd):
    user = member(uptd, Role.ADMIN_OFFICER)
    colleague = member(uptd, Role.ADMIN_OFFICER)
    fail(client, user, settings.AXES_FAILURE_LIMIT)
    # The same IP with another username, and the same username from another IP, still work.
    assert sign_in(client, colleague).status_code == 302
    client.logout()
    assert sign_in(client, user, REMOTE_ADDR="10.20.30.40").status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, uptd):
    user = member(uptd, Role.ADMIN_OFFICER)
    for i in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, user, password="salah", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert sign_in(client, user, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429


def test_limit_comes_from_settings(client, uptd, settings):
    settings.AXES_FAILURE_LIMIT = 2
    user = member(uptd, Role.ADMIN_OFFICER)
    fail(client, user, 2)
    assert sign_in(client, user).status_code == 429


def test_management_command_unlocks_a_username(client, uptd):
    user = member(uptd, Role.ADMIN_OFFICER)
    fail(client, user, settings.AXES_FAILURE_LIMIT)
    assert sign_in(client, user).status_code == 429
    call_command("axes_reset_username", user.username)
    assert sign_in(client, user).status_code == 302


def test_admin_unlocks_by_deleting_the_access_attempt(client, uptd, login_verified):
    user = member(uptd, Role.ADMIN_OFFICER)
    fail(client, user, settings.AXES_FAILURE_LIMIT)
    attempt = AccessAttempt.objects.get(username=user.username)

    admin_client = client.__class__()
    # Staff reach the admin only after TOTP.
    login_verified(admin_client, UserFactory(is_staff=True, is_superuser=True))
    listing = admin_client.get(reverse("admin:axes_accessattempt_changelist") + "?locked_out=yes")
    assert user.username in listing.content.decode()
    resp = admin_client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]),
                             {"post": "yes"})
    assert resp.status_code == 302
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    assert sign_in(client, user).status_code == 302


def test_success_resets_the_failure_count(client, uptd):
    user = member(uptd, Role.ADMIN_OFFICER)
    fail(client, user, settings.AXES_FAILURE_LIMIT - 1)
    sign_in(client, user)
    client.post(reverse("logout"))
    # A fresh count: limit - 1 new failures do not lock.
    assert fail(client, user, settings.AXES_FAILURE_LIMIT - 1).status_code == 200
    assert sign_in(client, user).status_code == 302


# --- session rotation ----------------------------------------------------------------------------

def test_session_key_is_rotated_at_login(client, uptd):
    from django.contrib.sessions.models import Session

    user = member(uptd, Role.ADMIN_OFFICER)
    session = client.session
    session["pra-masuk"] = True
    session.save()
    before = session.session_key
    sign_in(client, user)
    after = client.session.session_key
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert signed_in_user_id(client) == str(user.pk)


def test_session_key_is_kept_on_ordinary_requests_and_failed_logins(client, uptd):
    user = member(uptd, Role.ADMIN_OFFICER)
    session = client.session
    session["pra-masuk"] = True
    session.save()
    before = session.session_key
    client.get(LOGIN)
    sign_in(client, user, password="salah-sekali")
    assert client.session.session_key == before


# --- idle timeout --------------------------------------------------------------------------------

@pytest.fixture
def clock():
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=JAKARTA), tick=False) as t:
        yield t


def test_idle_longer_than_the_limit_logs_out_and_sends_to_login(client, uptd, clock):
    user = member(uptd, Role.ADMIN_OFFICER)
    sign_in(client, user)
    clock.shift(timedelta(minutes=settings.SESSION_IDLE_TIMEOUT_MINUTES, seconds=1))
    resp = client.get("/kasus/?status=registered")
    assert resp.status_code == 302
    assert resp["Location"] == f"{LOGIN}?next=%2Fkasus%2F%3Fstatus%3Dregistered"
    assert signed_in_user_id(client) is None
    page = client.get(resp["Location"]).content.decode()
    assert str(SESSION_IDLE_ENDED) in page


def test_activity_within_the_limit_keeps_the_session(client, uptd, clock):
    user = member(uptd, Role.ADMIN_OFFICER)
    sign_in(client, user)
    for _ in range(3):  # 3 × (limit − 1) minutes in all: more than the limit, never idle that long
        clock.shift(timedelta(minutes=settings.SESSION_IDLE_TIMEOUT_MINUTES - 1))
        assert client.get(reverse("home")).status_code == 200
    assert signed_in_user_id(client) == str(user.pk)


def test_idle_limit_comes_from_settings(client, uptd, clock, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 5
    user = member(uptd, Role.ADMIN_OFFICER)
    sign_in(client, user)
    clock.shift(timedelta(minutes=4))
    assert client.get(reverse("home")).status_code == 200
    clock.shift(timedelta(minutes=6))
    assert client.get(reverse("home")).status_code == 302
    assert signed_in_user_id(client) is None


def test_idle_session_on_the_api_answers_401_not_a_redirect(client, uptd, clock):
    user = member(uptd, Role.ADMIN_OFFICER)
    sign_in(client, user)
    assert client.get("/api/me/").status_code == 200
    clock.shift(timedelta(minutes=settings.SESSION_IDLE_TIMEOUT_MINUTES + 1))
    assert client.get("/api/me/").status_code == 401


def test_idle_htmx_request_gets_a_full_page_redirect(client, uptd, clock):
    user = member(uptd, Role.ADMIN_OFFICER)
    sign_in(client, user)
    clock.shift(timedelta(minutes=settings.SESSION_IDLE_TIMEOUT_MINUTES + 1))
    resp = client.get(reverse("home"), HTTP_HX_REQUEST="true")
    assert resp["HX-Redirect"].startswith(LOGIN)


# --- TOTP ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.HEAD, Role.TP_KETUA, Role.TP_WAKIL_KETUA, Role.SYSTEM_ADMIN])
def test_totp_role_is_sent_to_the_code_page_on_every_page_until_verified(client, uptd, role):
    user, device = totp_user(uptd, role)
    assert sign_in(client, user)["Location"] == reverse("home")
    for path in ("/", "/kasus/", "/akun/profil/"):
        resp = client.get(path)
        assert resp.status_code == 302, path
        assert resp["Location"].startswith(f"{OTP}?next=")
    assert client.get("/api/me/").status_code == 403

    form = client.get(f"{OTP}?next=/kasus/")
    assert form.status_code == 200 and hidden_next(form.content.decode()) == "/kasus/"
    resp = client.post(OTP, {"otp_token": code_for(device), "next": "/kasus/"})
    assert resp.status_code == 302 and resp["Location"] == "/kasus/"
    for path in ("/", "/kasus/", "/akun/profil/", "/api/me/"):
        assert client.get(path).status_code == 200, path


def test_wrong_code_is_refused_and_the_gate_stays(client, uptd):
    user, device = totp_user(uptd)
    sign_in(client, user)
    good = code_for(device)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    resp = client.post(OTP, {"otp_token": wrong})
    assert resp.status_code == 200 and str(OTP_INVALID) in resp.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_role_without_totp_requirement_is_not_asked(client, uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    # Even with an optional device the role does not make the code mandatory.
    TOTPDevice.objects.create(user=officer, name="ponsel", confirmed=True)
    sign_in(client, officer)
    assert client.get(reverse("home")).status_code == 200
    assert client.get("/kasus/").status_code == 200


def test_totp_role_without_a_device_is_sent_to_enrol_and_enrols(client, uptd):
    user, _ = totp_user(uptd, device=False)
    sign_in(client, user)
    resp = client.get("/kasus/")
    assert resp["Location"] == f"{OTP}?next=%2Fkasus%2F"
    resp = client.get(resp["Location"])
    assert resp.status_code == 302 and resp["Location"] == f"{ENROL}?next=%2Fkasus%2F"
    page = client.get(resp["Location"])
    assert page.status_code == 200 and hidden_next(page.content.decode()) == "/kasus/"
    pending = TOTPDevice.objects.get(user=user, confirmed=False)

    resp = client.post(ENROL, {"otp_token": code_for(pending), "next": "/kasus/"})
    assert resp.status_code == 302 and resp["Location"] == "/kasus/"
    pending.refresh_from_db()
    assert pending.confirmed
    assert client.get("/kasus/").status_code == 200


def test_enrol_with_a_wrong_code_does_not_confirm(client, uptd):
    user, _ = totp_user(uptd, device=False)
    sign_in(client, user)
    client.get(ENROL)
    pending = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(code_for(pending)) + 1) % 1_000_000:06d}"
    assert client.post(ENROL, {"otp_token": wrong}).status_code == 200
    pending.refresh_from_db()
    assert not pending.confirmed
    assert client.get(reverse("home")).status_code == 302


def test_user_with_a_device_cannot_enrol_another_one(client, uptd):
    user, _ = totp_user(uptd)
    sign_in(client, user)
    resp = client.get(ENROL)
    assert resp.status_code == 302 and resp["Location"].startswith(OTP)
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_a_replayed_code_is_refused(client, uptd, clock):
    user, device = totp_user(uptd)
    code = code_for(device)
    sign_in(client, user)
    assert client.post(OTP, {"otp_token": code}).status_code == 302

    other = client.__class__()  # a second browser, the same code a moment later
    sign_in(other, user)
    clock.shift(timedelta(seconds=5))
    resp = other.post(OTP, {"otp_token": code})
    assert resp.status_code == 200 and str(OTP_INVALID) in resp.content.decode()
    assert other.get(reverse("home")).status_code == 302
    # The next code from the app is accepted.
    clock.shift(timedelta(seconds=30))
    assert other.post(OTP, {"otp_token": code_for(device)}).status_code == 302
    assert other.get(reverse("home")).status_code == 200


def test_passing_totp_rotates_the_session_key(client, uptd):
    user, device = totp_user(uptd)
    sign_in(client, user)
    before = client.session.session_key
    client.post(OTP, {"otp_token": code_for(device)})
    assert client.session.session_key != before
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_a_new_login_needs_the_code_again(client, uptd):
    user, device = totp_user(uptd)
    sign_in(client, user)
    client.post(OTP, {"otp_token": code_for(device)})
    client.post(reverse("logout"))
    sign_in(client, user)
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize("evil", ["https://jahat.example/", "//jahat.example/x",
                                  "/\\jahat.example", "javascript:alert(1)", "home"])
def test_otp_pages_never_redirect_off_site(client, uptd, evil):
    user, device = totp_user(uptd)
    sign_in(client, user)
    page = client.get(OTP, {"next": evil}).content.decode()
    assert hidden_next(page) == ""
    resp = client.post(OTP, {"otp_token": code_for(device), "next": evil})
    assert resp.status_code == 302 and resp["Location"] == reverse("home")


def test_enrol_redirect_never_goes_off_site(client, uptd):
    user, _ = totp_user(uptd, device=False)
    sign_in(client, user)
    resp = client.get(OTP, {"next": "https://jahat.example/"})
    assert resp["Location"] == ENROL
    client.get(ENROL)
    pending = TOTPDevice.objects.get(user=user)
    resp = client.post(ENROL, {"otp_token": code_for(pending), "next": "https://jahat.example/"})
    assert resp["Location"] == reverse("home")


def test_a_post_caught_by_the_gate_does_not_come_back_as_a_get(client, uptd):
    user, _ = totp_user(uptd)
    sign_in(client, user)
    resp = client.post("/kasus/", {})
    assert resp.status_code == 302 and resp["Location"] == OTP


def test_designated_official_and_staff_must_pass_totp(client, uptd):
    from datetime import timedelta

    from django.utils import timezone

    from agencies.models import SigningDelegation

    official = member(uptd, Role.TP_ANGGOTA)
    client.force_login(official)
    assert client.get(reverse("home")).status_code == 200
    today = timezone.localdate()
    SigningDelegation.objects.create(official=official, granted_by=member(uptd, Role.TP_KETUA),
                                     valid_from=today - timedelta(days=1),
                                     valid_until=today + timedelta(days=30), reason="SK uji")
    resp = client.get(reverse("home"))
    assert resp.status_code == 302 and reverse("otp-verify") in resp["Location"]

    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    resp = client.get(reverse("admin:index"))
    assert resp.status_code == 302 and reverse("otp-verify") in resp["Location"]
