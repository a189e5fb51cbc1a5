"""Through a real browser: on a 390 px phone the work queue shows the first complaint on the first
screen with its filters folded, and the triage page with its SOP table needs no sideways scroll;
a browser set to English opens the interface in Indonesian, and English chosen by an officer is
kept on her profile for her next sign-in."""

from __future__ import annotations

import pytest

from agencies.models import Role
from cases.intake.services import complaint_register
from tests.e2e.conftest import PHONE
from tests.e2e.test_roles import _no_sideways_scroll
from tests.factories import member
from tests.intake.helpers import complaint_input

pytestmark = pytest.mark.django_db(transaction=True)


def test_phone_queue_shows_the_first_complaint_on_the_first_screen(page, live_server, sign_in, uptd,
                                                                 screenshot):
    officer = member(uptd, Role.ADMIN_OFFICER)
    for _ in range(3):
        complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input())

    page.set_viewport_size(PHONE)
    sign_in(page, officer)
    page.goto(f"{live_server.url}/kasus/antrian/")
    screenshot(page, "queue-phone")
    assert page.evaluate("window.scrollY") == 0
    first = page.locator("#queue tbody tr").first.bounding_box()
    assert first is not None and first["y"] >= 0
    assert first["y"] + first["height"] <= PHONE["height"]
    # The filters are folded behind one "Saring" control, and open on a tap.
    assert not page.locator("#id_channel").is_visible()
    page.get_by_text("Saring", exact=True).click()
    assert page.locator("#id_channel").is_visible()
    assert _no_sideways_scroll(page)


def test_phone_case_list_shows_the_first_case_on_the_first_screen_with_its_filters_folded(
        page, live_server, sign_in, uptd, screenshot):
    officer = member(uptd, Role.ADMIN_OFFICER)
    for _ in range(3):
        complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input())

    page.set_viewport_size(PHONE)
    sign_in(page, officer)
    page.goto(f"{live_server.url}/kasus/")
    screenshot(page, "case-list-phone")
    assert page.evaluate("window.scrollY") == 0
    first = page.locator("#case-table tbody tr").first.bounding_box()
    assert first is not None and first["y"] >= 0
    assert first["y"] + first["height"] <= PHONE["height"]
    # The filters are folded behind one "Saring" control, as on the work queue, and open on a tap.
    assert not page.locator("#id_nomor").is_visible() and not page.locator("#id_status").is_visible()
    page.get_by_text("Saring", exact=True).click()
    assert page.locator("#id_nomor").is_visible() and page.locator("#id_status").is_visible()
    assert _no_sideways_scroll(page)


def test_phone_triage_page_with_its_sop_table_needs_no_sideways_scroll(page, live_server, sign_in,
                                                                      uptd, screenshot):
    from triage.services import triage_record

    officer = member(uptd, Role.ADMIN_OFFICER)
    complaint = complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input())
    triage_record(actor=officer, complaint=complaint, emergency_conditions=["no_safe_place"],
                  complexity_conditions=["power_relation"], needs_multiple_services=True, cross_region=False,
                  notes="Korban tidak memiliki tempat aman malam ini.")

    page.set_viewport_size(PHONE)
    sign_in(page, officer)  # result, emergency panel with referral and crisis steps, SOP table
    # SOP IV (crisis intervention) has the longest words: "mediasi/negosiasi/investigasi/…".
    page.goto(f"{live_server.url}/triase/{complaint.case_id}/?sop=IV")
    assert page.locator("#sop-table").is_visible() and page.locator("#emergency").is_visible()
    screenshot(page, "triage-phone")
    assert _no_sideways_scroll(page)


def test_a_browser_set_to_english_opens_in_indonesian(browser, live_server, uptd):
    context = browser.new_context(locale="en-US", extra_http_headers={"Accept-Language": "en-US,en"})
    page = context.new_page()
    page.goto(f"{live_server.url}/akun/masuk/")
    assert page.get_by_role("heading", name="Masuk ke Terpadu").is_visible()
    assert page.get_attribute("html", "lang") == "id"
    context.close()


def test_english_chosen_by_an_officer_is_remembered_at_her_next_sign_in(browser, live_server, sign_in,
                                                                       uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    first = browser.new_context(locale="id-ID")
    page = first.new_page()
    sign_in(page, officer)
    assert page.get_attribute("html", "lang") == "id"
    page.select_option("#lang-select", "en")
    page.wait_for_load_state()
    page.wait_for_function("document.documentElement.lang === 'en'")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    first.close()

    # Another browser, no language cookie: after signing in the interface is English again.
    second = browser.new_context(locale="id-ID")
    page = second.new_page()
    page.goto(f"{live_server.url}/akun/masuk/")
    assert page.get_attribute("html", "lang") == "id"
    page.fill("#id_username", officer.username)
    page.fill("#id_password", "sandi-uji-12345")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    assert page.get_by_role("button", name="Sign out").is_visible()
    second.close()
