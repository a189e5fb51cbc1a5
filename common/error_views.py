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
