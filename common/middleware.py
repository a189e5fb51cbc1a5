"""Session hardening: idle timeout and the TOTP requirement for sensitive roles."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

_EXEMPT_PREFIXES = ("/static/", "/i18n/", "/verifikasi/", "/healthz")


class IdleTimeoutMiddleware:
    """Ends a session that saw no request for SESSION_IDLE_TIMEOUT_MINUTES."""

    KEY = "_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(self.KEY)
            limit = settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
            if last is not None and now - int(last) > limit:
                logout(request)
                messages.info(request, _("Sesi Anda berakhir karena tidak aktif. Silakan masuk lagi."))
                return redirect(f"{reverse('login')}?next={request.path}")
            request.session[self.KEY] = now
        return self.get_response(request)


class OTPRequiredMiddleware:
    """Users whose role needs TOTP must enrol and pass it before any other page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None and user.is_authenticated
            and not request.path.startswith(_EXEMPT_PREFIXES)
            and not request.path.startswith("/api/")
            and request.path not in self._exempt_paths()
        ):
            from agencies.selectors import user_context

            if user_context(user).needs_totp and not user.is_verified():
                return redirect(f"{reverse('otp-verify')}?next={request.path}")
        return self.get_response(request)

    @staticmethod
    def _exempt_paths() -> set[str]:
        return {reverse("login"), reverse("logout"), reverse("otp-verify"), reverse("otp-enrol")}
