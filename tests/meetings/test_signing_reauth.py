"""Signing re-authentication cannot be brute-forced (agencies/reauth.py): the password typed on the
sign page counts towards the same django-axes lockout as the login, and a wrong authenticator code
towards the same django-otp throttling — and both counts survive the refused signature."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.reauth import BAD_PASSWORD, BAD_TOTP, TOTP_THROTTLED
from meetings import services
from meetings.models import DecisionKind, MinutesStatus
from meetings.signing import minutes_content_hash
from tests.meetings.helpers import decide, make_meeting, propose_and_open, register

pytestmark = pytest.mark.django_db
PASSWORD = "sandi-uji-12345"
LOCKED = "Akun terkunci sementara"


@pytest.fixture(autouse=True)
def _signing_ca(signing_ca):
    return signing_ca


@pytest.fixture
def ready(team, uptd, rsud):
    """A closed meeting whose minutes (one selection) wait for the Ketua's signature."""
    complaint = register(uptd)
    meeting = make_meeting(team)
    propose_and_open(team, meeting, [complaint])
    decide(team, meeting, complaint.case, DecisionKind.SELECT, serving_agencies=[rsud],
           coordinator_agency=uptd)
    services.meeting_close(actor=team.sekretaris, meeting=meeting)
    services.minutes_mark_ready(actor=team.sekretaris, meeting=meeting)
    meeting.refresh_from_db()
    return meeting


def code_now(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def post_sign(client, meeting, *, password, otp_token):
    return client.post(reverse("meetings:sign", args=[meeting.pk]), {
        "password": password, "otp_token": otp_token, "content_hash": minutes_content_hash(meeting)})


def sign_in(client, user, password=PASSWORD):
    return client.post(reverse("login"), {"username": user.username, "password": password})


def status_of(meeting):
    meeting.minutes.refresh_from_db()
    return meeting.minutes.status


# --- password: the login's lockout -----------------------------------------------------------------

def test_wrong_passwords_at_signing_lock_the_account_after_the_login_limit(ready, team, client,
                                                                           login_verified):
    meeting = ready
    device = login_verified(client, team.ketua)
    # One failure less than the limit: each is refused with the message, the account stays open
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        resp = post_sign(client, meeting, password="salah-sekali", otp_token=code_now(device))
        assert resp.status_code == 400 and str(BAD_PASSWORD) in resp.content.decode()
    # The failure that reaches the limit locks, exactly as at the login
    resp = post_sign(client, meeting, password="salah-sekali", otp_token=code_now(device))
    assert resp.status_code == 429 and LOCKED in resp.content.decode()

    # Locked: the right password and a right code are refused at signing ...
    resp = post_sign(client, meeting, password=PASSWORD, otp_token=code_now(device))
    assert resp.status_code == 429 and LOCKED in resp.content.decode()
    assert status_of(meeting) == MinutesStatus.READY and meeting.minutes.document is None
    # ... and at the login
    browser = client.__class__()
    resp = sign_in(browser, team.ketua)
    assert resp.status_code == 429 and LOCKED in resp.content.decode()


def test_failures_at_signing_and_at_the_login_add_up(ready, team, client, login_verified):
    meeting = ready
    device = login_verified(client, team.ketua)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        post_sign(client, meeting, password="salah-sekali", otp_token=code_now(device))
    # One more wrong password, now at the login from the same machine: the limit is reached
    browser = client.__class__()
    assert sign_in(browser, team.ketua, password="salah-lagi").status_code == 429
    assert sign_in(browser, team.ketua).status_code == 429


# --- authenticator code: the login's throttling ----------------------------------------------------

def test_wrong_codes_at_signing_are_throttled_and_the_count_persists(ready, team, client, login_verified):
    meeting = ready
    device = login_verified(client, team.ketua)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        # A wrong code is refused, and the failure is stored although the signature was refused
        resp = post_sign(client, meeting, password=PASSWORD, otp_token=wrong(code_now(device)))
        assert resp.status_code == 400 and str(BAD_TOTP) in resp.content.decode()
        assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == 1

        # Within the wait (1 s after one failure) even the right code is refused
        resp = post_sign(client, meeting, password=PASSWORD, otp_token=code_now(device))
        assert resp.status_code == 400 and str(TOTP_THROTTLED) in resp.content.decode()
        assert status_of(meeting) == MinutesStatus.READY

        # After the wait, another wrong code doubles it (2 s): the count goes on
        clock.shift(timedelta(seconds=1.5))
        post_sign(client, meeting, password=PASSWORD, otp_token=wrong(code_now(device)))
        assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == 2
        clock.shift(timedelta(seconds=1.5))
        resp = post_sign(client, meeting, password=PASSWORD, otp_token=code_now(device))
        assert resp.status_code == 400 and str(TOTP_THROTTLED) in resp.content.decode()

        # The same device is throttled at the login's code page: one count for both
        browser = client.__class__()
        sign_in(browser, team.ketua)
        resp = browser.post(reverse("otp-verify"), {"otp_token": code_now(device)})
        assert resp.status_code == 200 and "Terlalu banyak kode yang salah" in resp.content.decode()

        # Once the wait is over, the right code signs and the count starts again
        clock.shift(timedelta(seconds=1))
        resp = post_sign(client, meeting, password=PASSWORD, otp_token=code_now(device))
        assert resp.status_code == 302
        assert status_of(meeting) == MinutesStatus.SIGNED
        assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == 0
