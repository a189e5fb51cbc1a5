"""The one QR helper: a QR code as an SVG data URI, for a page (the authenticator enrolment) or a
PDF (the verification link on every signed document). Vector output, so it prints sharp and needs
no image library; no network."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg


def qr_svg_data_uri(text: str, *, box_size: int = 6, border: int = 1) -> str:
    """``text`` as a QR code in a ``data:image/svg+xml`` URI. ``border`` is the quiet zone in
    modules (the standard asks for 4 on screens; a printed document's margin allows 1)."""
    img = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=box_size,
                      border=border)
    buf = io.BytesIO()
    img.save(buf)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()
