"""Each role lands on a home page that fits it; a user without membership is told to ask."""

import pytest
from django.urls import reverse

from agencies.models import Role
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role, section", [
    (Role.ADMIN_OFFICER, "home-casework"),
    (Role.INVESTIGATOR, "home-casework"),
    (Role.TP_ANGGOTA, "home-team"),
    (Role.MINISTRY_VIEWER, "home-ministry"),
])
def test_home_shows_the_section_for_the_role(client, uptd, role, section):
    user = member(uptd, role)
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert f'id="{section}"' in page
    others = {"home-casework", "home-team", "home-ministry", "home-sysadmin"} - {section}
    assert not any(f'id="{o}"' in page for o in others)


def test_ministry_official_on_the_team_sees_both_roles(client, uptd):
    user = member(uptd, Role.MINISTRY_VIEWER)
    member(uptd, Role.TP_ANGGOTA, user=user)
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert 'id="home-team"' in page and 'id="home-ministry"' in page


def test_user_without_active_membership_is_asked_to_contact_admin(client):
    client.force_login(UserFactory())
    resp = client.get(reverse("home"))
    # 403: the same refusal every page gives a user without an active membership.
    assert resp.status_code == 403
    assert "Mintalah administrator sistem" in resp.content.decode()


def test_anonymous_is_sent_to_login(client):
    resp = client.get(reverse("home"))
    assert resp.status_code == 302 and reverse("login") in resp["Location"]
