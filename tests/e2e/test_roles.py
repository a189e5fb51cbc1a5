"""Through a real browser: each role lands on its home page, another agency's case is a 404 that
does not name it, and a TOTP role passes the code page before reaching home."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.models import Role
from tests.e2e.conftest import PHONE
from tests.factories import AgencyFactory, member

pytestmark = pytest.mark.django_db(transaction=True)


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_two_roles_each_see_their_home(page, live_server, sign_in, uptd, screenshot):
    officer = member(uptd, Role.ADMIN_OFFICER)
    ministry = AgencyFactory(code="kemenpppa-uji", name="KemenPPPA Uji", kind="ministry")
    analyst = member(ministry, Role.MINISTRY_VIEWER)

    sign_in(page, officer)
    assert page.url == f"{live_server.url}/"
    assert page.locator("#home-casework").is_visible()
    assert page.locator("#home-ministry").count() == 0
    screenshot(page, "home-officer-desktop")

    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url("**/akun/masuk/")

    sign_in(page, analyst)
    assert page.locator("#home-ministry").is_visible()
    assert page.locator("#home-casework").count() == 0


def test_other_agency_opening_a_case_url_sees_the_404_page(page, live_server, sign_in, uptd,
                                                           polres, open_case):
    case = open_case(uptd)
    investigator = member(polres, Role.INVESTIGATOR)
    sign_in(page, investigator)

    response = page.goto(f"{live_server.url}/kasus/{case.pk}/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Halaman tidak ditemukan").is_visible()
    assert case.number not in page.content()

    # The opposite: the receiving agency's own officer opens it.
    page.get_by_role("button", name="Keluar").click()
    sign_in(page, member(uptd, Role.ADMIN_OFFICER))
    response = page.goto(f"{live_server.url}/kasus/{case.pk}/")
    assert response.status == 200 and case.number in page.content()


def test_totp_role_enters_the_code_and_reaches_home(page, live_server, sign_in, uptd,
                                                    screenshot):
    head = member(uptd, Role.HEAD)
    device = TOTPDevice.objects.create(user=head, name="ponsel", confirmed=True)

    sign_in(page, head)
    assert "/akun/otp/" in page.url
    screenshot(page, "otp-desktop")
    page.fill("#id_otp_token", code_for(device))
    page.get_by_role("button", name="Verifikasi").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("#home-casework").is_visible()


def test_pages_fit_a_phone_screen(page, live_server, sign_in, uptd, screenshot):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/akun/masuk/")
    screenshot(page, "login-phone")
    assert _no_sideways_scroll(page)

    sign_in(page, member(uptd, Role.ADMIN_OFFICER))
    assert page.locator("#home-casework").is_visible()
    # On a phone the navigation folds behind the menu button.
    assert not page.get_by_role("button", name="Keluar").is_visible()
    page.get_by_role("button", name="Menu").click()
    assert page.get_by_role("button", name="Keluar").is_visible()
    screenshot(page, "home-phone")
    assert _no_sideways_scroll(page)


def _no_sideways_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_a_case_with_its_consent_and_grant_tables_fits_a_phone_screen(page, live_server, sign_in, uptd,
                                                                      rsud, open_case, screenshot):
    """The wide tables of the case page (consent, other agencies' access) scroll inside their card on
    a phone; the page itself never scrolls sideways."""
    from cases.consent import consent_record
    from cases.models import AccessLevel, ConsentGiver, ConsentPurpose, ConsentScope, GrantSource
    from cases.services import case_grant_access

    officer = member(uptd, Role.ADMIN_OFFICER)
    case = open_case(uptd, actor=officer)
    victim = case.victims.get()
    consent_record(actor=officer, victim=victim, purpose=ConsentPurpose.REFER,
                   given_by=ConsentGiver.VICTIM, scope=ConsentScope.NAMED_AGENCIES, agencies=[rsud],
                   check_actor=False)
    case_grant_access(actor=member(uptd, Role.HEAD), case=case, agency=rsud, level=AccessLevel.SERVICE,
                      source=GrantSource.MANUAL)

    page.set_viewport_size(PHONE)
    sign_in(page, officer)
    page.goto(f"{live_server.url}/kasus/{case.pk}/")
    assert page.get_by_role("heading", name="Persetujuan korban").is_visible()
    screenshot(page, "case-phone")
    assert _no_sideways_scroll(page)
