"""Words staff use (issue 12 point 7), through a real browser on the seeded demo: the admin officer,
the head (with her TOTP), the police investigator, the referred hospital, the Tim Percepatan chair
(TOTP) and Dinas Sosial each walk every page
their menu and pages link to, and the **rendered text** (``innerText``, not the HTML source) never
shows an internal code — an agency code (``dinsos-dki``), a triage criterion (``c1``, ``scope``), an
enum value (``handled_by_agency``) — nor a doubled word ("Darurat darurat"), and dates and times
are written one way (``02 Des 2026 20.34 WIB``)."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urljoin, urlparse

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django_otp.oath import totp

from agencies.models import Agency, User
from demo.people import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = ("uptd.admin", "uptd.kepala", "polres.penyidik", "rsud.nakes", "tp.ketua", "dinsos.peksos")
MAX_PAGES = 40
#: Never followed: leaving, files, the admin site, the API, the language switch.
SKIP = re.compile(r"/akun/keluar|/lampiran/|\.pdf|/pdf/|/admin/|/api/|/i18n/|/static/|/media/|/unduh")
#: The triage criteria's codes (``triage.rules.CRITERIA``).
CRITERIA = re.compile(r"(?<![\w-])(c[1-5]|c2-4|scope|scope-companion)(?![\w-])")
DOUBLED = re.compile(r"\b(\w{3,}) +\1\b", re.IGNORECASE)  # within one line and cell
#: A date-time other than ``02 Des 2026 20.34 WIB``: ``02-12-2026``, ``2026-12-02``, ``20:34``.
OTHER_DATE = re.compile(r"\b\d{1,2}-\d{1,2}-\d{4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b")


def project_enum_values() -> set[str]:
    """Every stored choice value of the project's models that reads as a code (``handled_by_agency``,
    ``walk_in``): the ones with an underscore, which no Indonesian sentence contains."""
    values = set()
    for model in apps.get_models():
        if model.__module__.split(".")[0] not in {"agencies", "cases", "triage", "sops", "meetings",
                                                   "documents", "common"}:
            continue
        for f in model._meta.get_fields():
            choices = getattr(f, "choices", None) or getattr(getattr(f, "base_field", None), "choices", None)
            if isinstance(f, models.Field) and choices:
                values.update(str(v) for v, _label in choices if isinstance(v, str) and "_" in v)
    return values


def code_for(user: User) -> str:
    device = user.totpdevice_set.filter(confirmed=True).first()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _seed() -> None:
    from django.db import connection

    try:
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    finally:
        connection.close()


@pytest.fixture
def demo(signing_ca):
    # Seeding signs minutes with asyncio; Playwright's loop already runs in this thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_seed).result()


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/akun/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()
    if "/akun/otp/" in page.url:
        page.fill("#id_otp_token", code_for(User.objects.get(username=username)))
        page.get_by_role("button", name="Verifikasi").click()
        page.wait_for_load_state()


def crawl(page, base: str) -> dict[str, str]:
    """Each same-site page reachable by links from home (breadth first), as rendered text."""
    seen: dict[str, str] = {}
    queue = [f"{base}/"]
    host = urlparse(base).netloc
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0).split("#")[0]
        if url in seen:
            continue
        response = page.goto(url)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            seen[url] = ""
            continue
        seen[url] = page.evaluate("document.body.innerText")
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            target = urljoin(url, href).split("#")[0]
            if urlparse(target).netloc == host and not SKIP.search(target) and target not in seen:
                queue.append(target)
    return seen


def offences(text: str, *, agency_codes: set[str], enum_values: set[str]) -> list[str]:
    found = []
    for code in agency_codes:
        if re.search(rf"(?<![\w.@/-]){re.escape(code)}(?![\w@-])", text):
            found.append(f"agency code {code!r}")
    for value in enum_values:
        if re.search(rf"(?<![\w.-]){re.escape(value)}(?![\w-])", text):
            found.append(f"enum value {value!r}")
    found += [f"criterion {m!r}" for m in set(CRITERIA.findall(text))]
    found += [f"doubled word {m.group(0)!r}" for m in DOUBLED.finditer(text)]
    found += [f"date-time {m!r}" for m in set(OTHER_DATE.findall(text))]
    return found


@pytest.mark.parametrize("username", ROLES)
def test_no_internal_code_on_any_page(page, live_server, demo, username):
    agency_codes = set(Agency.objects.values_list("code", flat=True))
    enum_values = project_enum_values()
    assert "handled_by_agency" in enum_values  # the guard knows what it looks for

    sign_in(page, live_server.url, username)
    pages = crawl(page, live_server.url)
    assert len(pages) >= 3, f"{username} reached too few pages: {sorted(pages)}"
    problems = {url.removeprefix(live_server.url): found for url, text in pages.items()
                if (found := offences(text, agency_codes=agency_codes, enum_values=enum_values))}
    assert problems == {}, "\n".join(f"{url}: {found}" for url, found in sorted(problems.items()))
