"""Proving again who is at the keyboard: the TOTP check and re-authentication before a signature.

- ``verify_totp`` is the one check of an authenticator code: the login's second factor
  (``auth_views.otp_verify``) and ``reauthenticate`` both use it, so django-otp's throttling (each
  wrong code doubles the wait before the next attempt) and its refusal of a replayed code apply to
  both alike.
- ``reauthenticate`` checks the password through ``django.contrib.auth.authenticate`` — so
  django-axes counts each wrong password against the same username + IP as the login and, after
  ``AXES_FAILURE_LIMIT`` failures, locks the account at the login and here — and then a fresh code.

Both must run **outside** any transaction of the action they protect. Their failure counters
(django-axes' attempt rows, django-otp's ``throttling_failure_count``) are written as the check fails
and must outlive the refusal that follows: inside the action's ``transaction.atomic`` they would be
rolled back with it, and the password and the code could be guessed without limit. A service that
re-authenticates (``documents.registry.document_sign``) calls ``reauthenticate`` first and opens its
transaction only after it returned.
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.models import User
from common.errors import ApplicationError

BAD_PASSWORD = _("Kata sandi salah.")
BAD_TOTP = _("Kode autentikator tidak valid atau sudah dipakai.")
TOTP_THROTTLED = _("Terlalu banyak kode autentikator yang salah. Tunggu sebentar lalu coba lagi.")
ACCOUNT_LOCKED = _("Akun terkunci sementara karena terlalu banyak percobaan yang gagal. "
                   "Hubungi administrator sistem untuk membuka kunci, atau coba lagi nanti.")


def verify_totp(*, user: User, token: str) -> tuple[TOTPDevice | None, bool]:
    """(the confirmed device that accepted ``token``, throttled?).

    Each device is checked in its own committed transaction and locked while it checks: a code sent
    twice at the same moment is accepted once (TOTPDevice refuses t <= last_t), and a wrong code's
    throttling increment is stored whatever the caller does next. A device still inside its throttle
    window is not asked at all, so even the right code is refused until the wait is over."""
    throttled = False
    for device_id in TOTPDevice.objects.filter(user=user, confirmed=True).values_list("pk", flat=True):
        with transaction.atomic():
            device = TOTPDevice.objects.select_for_update().get(pk=device_id)
            allowed, _info = device.verify_is_allowed()
            if not allowed:
                throttled = True
                continue
            if device.verify_token(token):
                return device, False
    return None, throttled


def reauthenticate(*, request: HttpRequest, user: User, password: str, otp_token: str) -> TOTPDevice:
    """Password, then a fresh TOTP code, of ``user`` who is already signed in on ``request``.

    Refuses with ``ApplicationError``: ``ACCOUNT_LOCKED`` when django-axes has locked this username
    and IP (even the right password and code are refused then, as at the login; the lockout page
    answers through axes' middleware), ``BAD_PASSWORD``, ``TOTP_THROTTLED`` or ``BAD_TOTP``. The code
    is not looked at after a wrong password. A success does not clear earlier password failures
    (only a login does); they lapse after ``AXES_COOLOFF_TIME``.

    Call it before opening the transaction of the action it protects (module docstring)."""
    if request is None:
        # django-axes counts per username and IP: without the request there is nothing to count.
        raise TypeError("reauthenticate() needs the HTTP request of the signer")
    authenticated = authenticate(request=request, username=user.get_username(), password=password or "")
    if getattr(request, "axes_locked_out", False):
        raise ApplicationError(ACCOUNT_LOCKED)
    if authenticated is None or authenticated.pk != user.pk:
        raise ApplicationError(BAD_PASSWORD)
    device, throttled = verify_totp(user=user, token=(otp_token or "").strip())
    if device is None:
        raise ApplicationError(TOTP_THROTTLED if throttled else BAD_TOTP)
    return device
