"""Request hardening that needs no domain app: idle timeout and a limit on the size of a request body.

The checks that ask about the user's memberships (the TOTP requirement for sensitive roles, an
active membership for every signed-in request) live in ``agencies.middleware``; they use the
helpers here (``is_api``, ``redirect_with_next``, ``EXEMPT_PREFIXES``)."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext_lazy as _

#: Paths every signed-in check lets through: static files, the language switch, public document
#: verification and the health check.
EXEMPT_PREFIXES = ("/static/", "/i18n/", "/verifikasi/", "/healthz")

#: Set in the fresh session after an idle logout; the login page turns it into a message
#: (this middleware runs before MessageMiddleware, so it cannot add one itself).
IDLE_FLAG = "_idle_logged_out"

BODY_TOO_LARGE_API = _(
    "Permintaan terlalu besar: paling banyak %(limit)s. Perpendek teks atau perkecil lampiran."
)


def is_api(request) -> bool:
    """Whether the request is for the API (answered in JSON) rather than a page."""
    return request.path.startswith("/api/")


def redirect_with_next(request, url: str):
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
                if is_api(request):
                    # The API goes on as anonymous and answers 401 itself.
                    return self.get_response(request)
                request.session[IDLE_FLAG] = True
                return redirect_with_next(request, resolve_url(settings.LOGIN_URL))
        response = self.get_response(request)
        # After the view, so that the login request itself starts the clock. Only for sessions
        # that carry a login: a request with an API token must not create a session.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and SESSION_KEY in request.session:
            request.session[self.KEY] = int(time.time())
        return response


def _megabytes(n: int) -> str:
    from common.widgets import megabytes

    return megabytes(n)


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
    if is_api(request):
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
