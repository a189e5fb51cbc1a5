"""Ended memberships end access at once (docs/access.md §1).

Memberships are dated. A user with no active membership today is refused at the next request —
pages by the session middleware (the "ask your administrator" page, 403, no case data), the API by
the session middleware and by the token authentication (403 JSON) — with no job and no logout in
between. API tokens expire after a lifetime the deployment sets.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from agencies.models import Membership, Role
from agencies.services import membership_create, membership_end
from tests.deployment.helpers import BASE_DIR, production_env, run_python
from tests.factories import AgencyFactory, UserFactory, member

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
NO_MEMBERSHIP_PAGE = 'id="no-membership"'


def api(token: str, path: str = "/api/cases/"):
    # A fresh client: no session cookie, only the token.
    return Client().get(path, HTTP_AUTHORIZATION=f"Token {token}")


@pytest.fixture
def case_of(open_case):
    return open_case


def test_an_officer_whose_membership_ends_is_refused_at_the_next_page_request(client, uptd, case_of):
    officer = member(uptd, Role.ADMIN_OFFICER)
    case = case_of(uptd, actor=officer)
    client.force_login(officer)
    assert client.get(reverse("cases:list")).status_code == 200
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200

    membership_end(actor=None, membership=Membership.objects.get(user=officer),
                   on=timezone.localdate() - timedelta(days=1))

    for url in (reverse("cases:list"), reverse("cases:detail", args=[case.pk]), reverse("home"),
                reverse("cases:queue"), reverse("profile")):
        resp = client.get(url)
        page = resp.content.decode()
        assert resp.status_code == 403, url
        assert NO_MEMBERSHIP_PAGE in page and "Mintalah administrator sistem" in page
        assert case.number not in page
    # A write is refused the same way, before the view runs.
    resp = client.post(reverse("cases:register"), {"channel": "walk_in"})
    assert resp.status_code == 403 and NO_MEMBERSHIP_PAGE in resp.content.decode()
    # Signing out still works.
    assert client.post(reverse("logout")).status_code == 302


def test_the_session_api_is_refused_with_json_once_the_membership_has_ended(client, uptd, case_of):
    officer = member(uptd, Role.ADMIN_OFFICER)
    case = case_of(uptd, actor=officer)
    client.force_login(officer)
    assert client.get("/api/cases/").status_code == 200
    membership_end(actor=None, membership=Membership.objects.get(user=officer),
                   on=timezone.localdate() - timedelta(days=1))
    resp = client.get(f"/api/cases/{case.pk}/")
    assert resp.status_code == 403
    assert "keanggotaan aktif" in resp.json()["detail"]
    assert case.number not in resp.content.decode()


def test_a_token_stops_working_when_the_membership_ends_and_a_colleagues_keeps_working(uptd, case_of):
    officer = member(uptd, Role.ADMIN_OFFICER)
    colleague = member(uptd, Role.ADMIN_OFFICER)
    case = case_of(uptd, actor=officer)
    _row, token = AuthToken.objects.create(user=officer)
    _row, colleague_token = AuthToken.objects.create(user=colleague)
    assert api(token).status_code == 200

    membership_end(actor=None, membership=Membership.objects.get(user=officer),
                   on=timezone.localdate() - timedelta(days=1))

    for path in ("/api/cases/", f"/api/cases/{case.pk}/", "/api/me/"):
        resp = api(token, path)
        assert resp.status_code == 403, path
        assert "keanggotaan aktif" in resp.json()["detail"]
        assert case.number not in resp.content.decode()
    listed = api(colleague_token).json()["results"]
    assert [c["number"] for c in listed] == [case.number]


def test_a_membership_that_ends_today_ends_access_at_midnight_without_any_job(client, uptd, case_of):
    """The end date is the last day of access: a session and a token used across midnight lose
    access at the first request of the next day (Jakarta time)."""
    officer = member(uptd, Role.ADMIN_OFFICER)
    case = case_of(uptd, actor=officer)
    membership = Membership.objects.get(user=officer)
    last_day = timezone.localdate() + timedelta(days=3)
    membership_end(actor=None, membership=membership, on=last_day)
    _row, token = AuthToken.objects.create(user=officer)
    before_midnight = datetime.combine(last_day, time(23, 55), tzinfo=JAKARTA)
    with time_machine.travel(before_midnight, tick=False) as traveller:
        client.force_login(officer)
        assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
        assert api(token).status_code == 200
        traveller.shift(timedelta(minutes=10))  # 00:05 the next day, well inside the idle timeout
        resp = client.get(reverse("cases:detail", args=[case.pk]))
        assert resp.status_code == 403 and NO_MEMBERSHIP_PAGE in resp.content.decode()
        assert api(token).status_code == 403


def test_a_membership_in_an_agency_made_inactive_does_not_count(client, uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    client.force_login(officer)
    assert client.get(reverse("cases:list")).status_code == 200
    uptd.is_active = False
    uptd.save()
    assert client.get(reverse("cases:list")).status_code == 403


def test_a_user_given_a_new_membership_works_again_with_the_same_session_and_token(client, uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    _row, token = AuthToken.objects.create(user=officer)
    membership_end(actor=None, membership=Membership.objects.get(user=officer),
                   on=timezone.localdate() - timedelta(days=1))
    client.force_login(officer)
    assert client.get(reverse("cases:list")).status_code == 403
    assert api(token).status_code == 403
    other = AgencyFactory(code="uptd-lain", name="UPTD PPA Lain", kind="uptd_ppa")
    membership_create(actor=None, user=officer, agency=other, role=Role.ADMIN_OFFICER)
    assert client.get(reverse("cases:list")).status_code == 200
    assert api(token).status_code == 200


def test_a_superuser_without_membership_keeps_the_admin_only(client, login_verified):
    """The bootstrap account (createsuperuser) creates the first agencies and memberships."""
    admin = UserFactory(is_staff=True, is_superuser=True)
    login_verified(client, admin)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("cases:list")).status_code == 403
    assert client.get("/api/me/").status_code == 403


def test_staff_without_membership_do_not_reach_the_admin(client, login_verified):
    staff = UserFactory(is_staff=True)
    login_verified(client, staff)
    resp = client.get(reverse("admin:index"))
    assert resp.status_code == 403 and NO_MEMBERSHIP_PAGE in resp.content.decode()


# --- token lifetime ---------------------------------------------------------------------------------

def _ttl_seconds_with(env_value: str | None) -> int:
    """REST_KNOX["TOKEN_TTL"] as a deployment with .env.example and API_TOKEN_TTL_HOURS gets it."""
    code = ("import django; django.setup()\n"
            "from django.conf import settings\n"
            "print(int(settings.REST_KNOX['TOKEN_TTL'].total_seconds()))\n")
    out = run_python(code, env=production_env(API_TOKEN_TTL_HOURS=env_value))
    assert out.returncode == 0, out.stderr
    return int(out.stdout.strip())


def test_a_token_expires_after_the_lifetime_the_deployment_sets(uptd, settings):
    assert _ttl_seconds_with(None) == 30 * 24 * 3600  # documented default
    ttl = timedelta(seconds=_ttl_seconds_with("8"))
    assert ttl == timedelta(hours=8)
    assert "API_TOKEN_TTL_HOURS" in (BASE_DIR / ".env.example").read_text()

    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": ttl}
    officer = member(uptd, Role.ADMIN_OFFICER)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _row, token = AuthToken.objects.create(user=officer)
        traveller.shift(ttl - timedelta(minutes=1))
        assert api(token).status_code == 200
        traveller.shift(timedelta(minutes=2))
        assert api(token).status_code == 401
    assert not AuthToken.objects.filter(user=officer).exists()
