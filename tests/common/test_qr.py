"""One QR helper (common.qr): the authenticator enrolment page and every signed document's
verification link draw their QR codes through it, and nothing else imports the qrcode library."""

from __future__ import annotations

import ast
import base64
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from common.qr import qr_svg_data_uri

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "node_modules", ".git"}


def qrcode_importers() -> list[str]:
    found = []
    for path in ROOT.rglob("*.py"):
        if SKIP & set(path.relative_to(ROOT).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n == "qrcode" or n.startswith("qrcode.") for n in names):
                found.append(str(path.relative_to(ROOT)))
    return sorted(set(found))


def test_only_the_qr_helper_imports_qrcode():
    assert qrcode_importers() == ["common/qr.py"]


def svg_of(uri: str) -> ElementTree.Element:
    prefix = "data:image/svg+xml;base64,"
    assert uri.startswith(prefix)
    return ElementTree.fromstring(base64.b64decode(uri[len(prefix):]))


def test_the_helper_draws_an_svg_whose_size_follows_box_and_border():
    small, large = svg_of(qr_svg_data_uri("https://contoh/verifikasi/?kode=TPD-AAAA-BBBB")), \
        svg_of(qr_svg_data_uri("https://contoh/verifikasi/?kode=TPD-AAAA-BBBB", box_size=8, border=4))
    assert small.tag.endswith("svg") and large.tag.endswith("svg")
    width = lambda svg: float(svg.get("width").removesuffix("mm"))  # noqa: E731
    assert width(large) > width(small)


@pytest.mark.django_db
def test_the_enrolment_page_shows_the_helpers_qr_of_the_device(client, uptd):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from agencies.models import Role
    from tests.factories import member

    user = member(uptd, Role.HEAD)
    client.force_login(user)
    page = client.get(reverse("otp-enrol")).content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert qr_svg_data_uri(device.config_url, box_size=8, border=4) in page
