"""Form widgets that tell the browser a limit before anything is sent (``static/js/terpadu.js``):
free texts show a counter against their ``maxlength``; file inputs are checked against the upload
limit. The server enforces both anyway (``common.limits``, ``common.middleware``)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

#: The first option of a select nobody has chosen in yet (Django's own is "---------").
CHOOSE = _("— pilih —")

#: What the counter under a free text says ({count}, {max}: filled in by the script).
COUNTER_TEXT = _("{count} dari {max} karakter")
#: What the browser says, before sending, about a file over the limit ({name}, {size}, {max}).
FILE_TOO_BIG_TEXT = _("Berkas {name} berukuran {size}, melebihi batas {max}. Pilih berkas yang lebih "
                      "kecil; formulir belum dikirim.")


def counted(widget: forms.Widget) -> forms.Widget:
    """A free text that shows how much of its limit is used (its ``maxlength``, from the form
    field's ``max_length``)."""
    widget.attrs["data-counter"] = COUNTER_TEXT  # lazy: the language of the page that shows it
    return widget


def upload_limit(max_file: int) -> int:
    """The largest file a multipart form may send: the file's own limit, and never more than the
    request body that ``common.middleware.RequestSizeLimitMiddleware`` lets through with it."""
    from common.limits import ATTACHMENT_MAX_BYTES

    if settings.DATA_UPLOAD_MAX_MEMORY_SIZE is None:
        return max_file
    return min(max_file, settings.DATA_UPLOAD_MAX_MEMORY_SIZE + ATTACHMENT_MAX_BYTES)


def megabytes(n: int) -> str:
    """A byte count as people read a file limit: ``11 MB``, ``10.5 MB``."""
    return f"{n / (1024 * 1024):g} MB"


def size_limited(widget: forms.Widget, max_file: int) -> forms.Widget:
    """A file input that the browser checks before sending (``data-max-bytes``)."""
    widget.attrs.update({"data-max-bytes": str(upload_limit(max_file)), "data-too-big": FILE_TOO_BIG_TEXT})
    return widget
