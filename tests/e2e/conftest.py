"""Browser tests: pytest-playwright driving Debian's Chromium (apt package ``chromium``) against
pytest-django's ``live_server``. Playwright's own browser downloads are never used."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("TERPADU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y "
                    "chromium` (or set TERPADU_CHROMIUM).", pytrace=False)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS,
            "headless": browser_type_launch_args.get("headless", True)}


@pytest.fixture
def browser_context_args(browser_context_args):
    # Bahasa Indonesia is the product's default; pin it so text assertions do not depend on the
    # machine's locale.
    return {**browser_context_args, "locale": "id-ID", "viewport": {"width": 1280, "height": 800}}


@pytest.fixture
def page(page):
    page.set_default_timeout(5_000)
    return page


@pytest.fixture
def sign_in(live_server):
    """sign_in(page, user) — through the real login form."""

    def _sign_in(page, user, password="sandi-uji-12345"):
        page.goto(f"{live_server.url}/akun/masuk/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_load_state()

    return _sign_in


@pytest.fixture
def screenshot():
    """screenshot(page, name): saved to $TERPADU_E2E_SCREENSHOTS (a directory) when it is set."""
    folder = os.environ.get("TERPADU_E2E_SCREENSHOTS")

    def _shot(page, name):
        if folder:
            os.makedirs(folder, exist_ok=True)
            page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)

    return _shot
