"""Through a real browser: the "not safe to contact" warning at the top of the case page stands out
as a red box, on the desktop and on a 390 px phone — not a line of plain text a busy officer reads
past before she picks up the phone."""

from __future__ import annotations

import pytest

from agencies.models import Role
from cases.intake.services import complaint_register
from tests.e2e.conftest import PHONE
from tests.factories import member
from tests.intake.helpers import complaint_input

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, PHONE], ids=["desktop", "phone"])
def test_the_not_safe_to_contact_warning_is_a_red_box_above_the_registered_data(
        page, live_server, sign_in, uptd, screenshot, viewport):
    officer = member(uptd, Role.ADMIN_OFFICER)
    complaint = complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input(
        safe_to_contact=False, safe_contact="Hanya melalui kakak korban, sore hari"))
    page.set_viewport_size(viewport)
    sign_in(page, officer)
    page.goto(f"{live_server.url}/kasus/{complaint.case_id}/")
    warning = page.locator("#not-safe-to-contact")
    assert "Korban TIDAK aman dihubungi." in warning.inner_text()
    style = warning.evaluate("e => { const s = getComputedStyle(e); return {bg: s.backgroundColor, "
                             "border: s.borderLeftWidth, color: s.color}; }")
    assert style["bg"] not in ("rgba(0, 0, 0, 0)", "transparent"), style  # a box, not bare text
    assert float(style["border"].removesuffix("px")) >= 4, style
    assert style["color"] == "rgb(179, 38, 30)", style  # the page's "bad" red (--bad)
    box, registered = warning.bounding_box(), page.locator("#registered").bounding_box()
    assert box["y"] + box["height"] <= registered["y"]  # above what was registered
    assert box["y"] < viewport["height"]  # on the first screen
    screenshot(page, f"not-safe-warning-{viewport['width']}")
