"""Issue 13 point 10: a signing delegation (SKB E.1.c, "pejabat yang ditunjuk") is granted by the
Ketua through a service — on her page, with its decree number and dates — never typed in the admin."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role, SigningDelegation
from agencies.services import (
    DELEGATION_DECREE_REQUIRED,
    DELEGATION_NOT_ALLOWED,
    DELEGATION_OFFICIAL_INVALID,
    DELEGATION_START_PAST,
    delegation_grant,
)
from common.errors import ActionNotAllowed, ApplicationError
from tests.factories import AgencyFactory, UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def tp(db):
    agency = AgencyFactory(code="kemen-uji", name="Kementerian Uji", kind="ministry")
    return {"ketua": member(agency, Role.TP_KETUA), "sekretaris": member(agency, Role.TP_SEKRETARIS),
            "official": member(agency, Role.TP_ANGGOTA)}


def grant(actor, official, **kw):
    today = timezone.localdate()
    args = dict(valid_from=today, valid_until=today + timedelta(days=90), decree_number="03/TP-PPA/2026")
    args.update(kw)
    return delegation_grant(actor=actor, official=official, **args)


def test_only_the_ketua_designates(tp):
    with pytest.raises(ActionNotAllowed, match=re.escape(str(DELEGATION_NOT_ALLOWED))):
        grant(tp["sekretaris"], tp["official"])
    d = grant(tp["ketua"], tp["official"])
    assert d.granted_by == tp["ketua"] and d.decree_number == "03/TP-PPA/2026"
    assert "03/TP-PPA/2026" in d.reason


@pytest.mark.parametrize("kw, message", [
    ({"decree_number": "  "}, DELEGATION_DECREE_REQUIRED),
    ({"valid_from": timezone.localdate() - timedelta(days=1)}, DELEGATION_START_PAST),
])
def test_a_designation_needs_its_decree_and_starts_today_or_later(tp, kw, message):
    with pytest.raises(ApplicationError, match=re.escape(str(message))):
        grant(tp["ketua"], tp["official"], **kw)
    assert not SigningDelegation.objects.exists()


def test_the_official_is_a_team_member(tp):
    with pytest.raises(ApplicationError, match=re.escape(str(DELEGATION_OFFICIAL_INVALID))):
        grant(tp["ketua"], UserFactory())


def test_the_ketua_grants_and_revokes_on_her_page_with_the_decree_number(client, tp, login_verified):
    today = timezone.localdate()
    login_verified(client, tp["ketua"])
    url = reverse("meetings:delegations")
    page = client.post(url, {"official": tp["official"].pk, "decree_number": "",
                             "valid_from": today.isoformat(),
                             "valid_until": (today + timedelta(days=30)).isoformat()})
    assert page.status_code == 400 and not SigningDelegation.objects.exists()
    page = client.post(url, {"official": tp["official"].pk, "decree_number": "05/TP-PPA/2026",
                             "valid_from": today.isoformat(),
                             "valid_until": (today + timedelta(days=30)).isoformat()}, follow=True)
    d = SigningDelegation.objects.get()
    assert d.covers(today) and "05/TP-PPA/2026" in page.content.decode()
    client.post(url, {"revoke": d.pk})
    d.refresh_from_db()
    assert d.revoked_at is not None


def test_another_member_sees_who_may_sign_but_cannot_designate(client, tp):
    client.force_login(tp["sekretaris"])
    assert client.get(reverse("meetings:delegations")).status_code == 200
    today = timezone.localdate()
    page = client.post(reverse("meetings:delegations"), {
        "official": tp["official"].pk, "decree_number": "05/TP-PPA/2026", "valid_from": today.isoformat(),
        "valid_until": (today + timedelta(days=30)).isoformat()})
    assert page.status_code == 403 and not SigningDelegation.objects.exists()
