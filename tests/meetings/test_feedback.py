"""Issue 13 point 9: screening outcomes (which cannot be changed), opening and closing a meeting ask
once and say what follows; signing shows that it is working; the chair's home page says when minutes
wait for her signature."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from meetings import services
from tests.meetings.helpers import make_meeting, register

pytestmark = pytest.mark.django_db


def confirm_of(page: str, form_id: str) -> str:
    tag = re.search(rf'<form[^>]*id="{form_id}"[^>]*>', page)
    assert tag, f"no form #{form_id}"
    found = re.search(r'data-confirm="([^"]*)"', tag.group(0))
    assert found, f"form #{form_id} asks nothing"
    return html.unescape(found.group(1))


def test_screening_and_opening_ask_once_and_say_what_follows(client, login_verified, team, uptd):
    register(uptd, name="Ani Satu Rahayu", nik="")
    meeting = make_meeting(team)
    client.force_login(team.sekretaris)
    screening = client.get(reverse("meetings:screening", args=[meeting.pk])).content.decode()
    assert "tidak dapat diubah" in confirm_of(screening, "screening-form")
    detail = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Kehadiran" in confirm_of(detail, "open-form")


def test_closing_asks_and_says_what_follows(client, team):
    meeting = make_meeting(team)
    services.meeting_open(actor=team.sekretaris, meeting=meeting, attendee_ids=team.ids)
    client.force_login(team.sekretaris)
    detail = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    text = confirm_of(detail, "close-form")
    assert "ajukan untuk ditandatangani" in text


@pytest.fixture
def ready(team):
    meeting = make_meeting(team)
    services.meeting_open(actor=team.sekretaris, meeting=meeting, attendee_ids=team.ids)
    services.meeting_close(actor=team.sekretaris, meeting=meeting)
    services.minutes_mark_ready(actor=team.sekretaris, meeting=meeting)
    return meeting


def test_signing_says_it_is_working(client, login_verified, team, ready, signing_ca):
    login_verified(client, team.ketua)
    page = client.get(reverse("meetings:sign", args=[ready.pk])).content.decode()
    tag = re.search(r'<form[^>]*id="sign-form"[^>]*>', page).group(0)
    assert "Menandatangani notula" in html.unescape(re.search(r'data-working="([^"]*)"', tag).group(1))
    assert 'id="sign-working-note"' in page


def test_the_chairs_home_page_says_when_minutes_wait_for_her_signature(client, login_verified, team, ready):
    login_verified(client, team.ketua)
    home = client.get(reverse("home")).content.decode()
    assert "1 notula menunggu tanda tangan Anda." in home
    assert reverse("meetings:sign", args=[ready.pk]) in home
    client.force_login(team.anggota)
    assert "menunggu tanda tangan Anda" not in client.get(reverse("home")).content.decode()
