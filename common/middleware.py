"""Request hardening: idle timeout, the TOTP requirement for sensitive roles, an active membership
for every signed-in request, and a limit on the size of a request body."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

_EXEMPT_PREFIXES = ("/static/", "/i18n/", "/verifikasi/", "/healthz")

#: Set in the fresh session after an idle logout; the login page turns it into a message
#: (this middleware runs before MessageMiddleware, so it cannot add one itself).
IDLE_FLAG = "_idle_logged_out"

OTP_REQUIRED_API = _(
    "Peran Anda mewajibkan verifikasi kode autentikator. Verifikasi di aplikasi web terlebih "
    "dahulu, atau gunakan token API."
)

NO_MEMBERSHIP_API = _(
    "Akun Anda tidak memiliki keanggotaan aktif di lembaga mana pun. Hubungi administrator sistem."
)
BODY_TOO_LARGE_API = _(
    "Permintaan terlalu besar: paling banyak %(limit)s. Perpendek teks atau perkecil lampiran."
)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _redirect_with_next(request, url: str):
    """Redirect to ``url`` carrying where the user was going (GET only: a POST target answers
    405 to the GET that would follow). htmx requests get a full-page redirect."""
    nxt = request.get_full_path() if request.method in ("GET", "HEAD") else ""
    target = f"{url}?{urlencode({'next': nxt})}" if nxt else url
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


class IdleTimeoutMiddleware:
    """Ends a session that saw no request for SESSION_IDLE_TIMEOUT_MINUTES.

    Runs before MessageMiddleware, so it leaves IDLE_FLAG for the login page.
    """

    KEY = "_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and SESSION_KEY in request.session:
            last = request.session.get(self.KEY)
            limit = settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
            if last is not None and time.time() - float(last) > limit:
                logout(request)
                if _is_api(request):
                    # The API goes on as anonymous and answers 401 itself.
                    return self.get_response(request)
                request.session[IDLE_FLAG] = True
                return _redirect_with_next(request, reverse("login"))
        response = self.get_response(request)
        # After the view, so that the login request itself starts the clock. Only for sessions
        # that carry a login: a request with an API token must not create a session.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and SESSION_KEY in request.session:
            request.session[self.KEY] = int(time.time())
        return response


class OTPRequiredMiddleware:
    """Users whose role needs TOTP must enrol and pass it before any other page.

    The session-authenticated API is held to the same rule (403); requests with an API token are
    not seen here as signed in — tokens are created only after TOTP (agencies.auth_views).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None and user.is_authenticated
            and not request.path.startswith(_EXEMPT_PREFIXES)
            and not request.path.startswith(self._exempt_prefixes())
            and request.path not in self._exempt_paths()
        ):
            from agencies.selectors import user_context

            if user_context(user).needs_totp and not user.is_verified():
                if _is_api(request):
                    return JsonResponse({"detail": str(OTP_REQUIRED_API)}, status=403)
                return _redirect_with_next(request, reverse("otp-verify"))
        return self.get_response(request)

    @staticmethod
    def _exempt_paths() -> set[str]:
        return {reverse("login"), reverse("logout"), reverse("otp-verify"), reverse("otp-enrol")}

    @staticmethod
    def _exempt_prefixes() -> tuple[str, ...]:
        # The token views check TOTP themselves and explain the refusal (TOKEN_NEEDS_TOTP).
        return (reverse("token-create"),)


class ActiveMembershipMiddleware:
    """A signed-in user with no active membership today reaches nothing: every page answers the
    "ask your administrator" page and the session-authenticated API a JSON refusal, both 403.

    Checked at every request, so a membership that ends (``valid_until`` in the past, or an agency
    made inactive) ends access at the next request, whatever the session — no job, no logout
    needed. API tokens get the same check in ``common.api.MemberTokenAuthentication``. Sign-in,
    sign-out and the TOTP pages stay reachable, and a superuser keeps the Django admin (the
    bootstrap account that creates the first agencies and memberships; its own flag is its access).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None and user.is_authenticated
            and not request.path.startswith(_EXEMPT_PREFIXES)
            and request.path not in OTPRequiredMiddleware._exempt_paths()
            and not (user.is_superuser and request.path.startswith(reverse("admin:index")))
        ):
            from agencies.selectors import user_context

            if not user_context(user).is_active_member:
                if _is_api(request):
                    return JsonResponse({"detail": str(NO_MEMBERSHIP_API)}, status=403)
                return render(request, "agencies/no_membership.html", status=403)
        return self.get_response(request)


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def body_limit(request) -> int | None:
    """The largest body this request may carry: ``DATA_UPLOAD_MAX_MEMORY_SIZE`` for text, plus one
    attachment for a multipart upload. ``None``: no limit (Django's own convention)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None:
        return None
    if request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data"):
        from common.limits import ATTACHMENT_MAX_BYTES

        limit += ATTACHMENT_MAX_BYTES
    return limit


def request_too_large(request, limit: int | None = None):
    """413: JSON under /api/, otherwise a page that says what to do. Nothing was read or saved."""
    limit = body_limit(request) if limit is None else limit
    size = _megabytes(limit) if limit else ""
    if _is_api(request):
        return JsonResponse({"detail": str(BODY_TOO_LARGE_API) % {"limit": size},
                             "limit_bytes": limit}, status=413)
    from common.limits import ATTACHMENT_MAX_BYTES, CHRONOLOGY

    return render(request, "413.html", {
        "limit": size, "attachment_limit": _megabytes(ATTACHMENT_MAX_BYTES), "chronology_limit": CHRONOLOGY,
    }, status=413)


class RequestSizeLimitMiddleware:
    """Refuses a body larger than ``body_limit`` from its Content-Length, before anything reads it.

    Django checks ``DATA_UPLOAD_MAX_MEMORY_SIZE`` only once something reads ``request.body`` or
    ``request.POST`` (then answers a bare 400, see ``common.error_views``) and never counts uploaded
    files; this refuses early, for pages and API alike, with one clear 413. A body is never read
    past its declared length, and one without a length is empty to Django. The reverse proxy
    should refuse larger bodies too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = body_limit(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            return request_too_large(request, limit)
        return self.get_response(request)
