"""The one PDF pipeline: a Django template rendered by WeasyPrint with vendored, embedded fonts.

Long documents are rendered in Celery workers, never in a request (reports); a one-page minutes
renders in well under a second and may be rendered inline for the signer's preview."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

STATIC_DIR = Path(settings.BASE_DIR) / "static"


def render_html(template_name: str, context: dict) -> str:
    return render_to_string(template_name, context)


def render_pdf(template_name: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_html(template_name, context)
    # base_url points at our own static folder: no network, fonts and CSS from the repository.
    return HTML(string=html, base_url=str(STATIC_DIR) + "/").write_pdf()
