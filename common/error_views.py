"""The 400 handler: a body too large for Django (``RequestDataTooBig``, e.g. too much text in a
multipart upload) becomes the same 413 as the size middleware gives; any other bad request gets a
page (or JSON under /api/) that says what happened, never Django's bare "Bad Request"."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from common.middleware import request_too_large


def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        # Django counts the text fields only (files are streamed to disk): that is the limit hit.
        return request_too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Permintaan tidak valid dan tidak diproses.")}, status=400)
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    """403: the styled page with the menu (or JSON under /api/); the reason is not echoed."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Anda tidak berwenang melakukan tindakan ini.")}, status=403)
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent from an expired or stale page. Django's reason is technical
    and English: it is not shown; the user is told what to do."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Permintaan ditolak karena token keamanan formulir tidak "
                                         "valid. Muat ulang halaman lalu kirim lagi.")}, status=403)
    return render(request, "403_csrf.html", status=403)
