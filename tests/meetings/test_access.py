"""Cross-agency denial for every access helper: another agency's presentation and action item are
404 (the same as missing), meeting pages are for team members, and the API says the same."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role
from meetings import selectors, services
from tests.factories import member
from tests.meetings.helpers import make_meeting, propose_and_open, register, select

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(team, uptd, polres):
    complaint = register(uptd, name="Ani Satu", nik="")
    meeting = make_meeting(team)
    propose_and_open(team, meeting, [complaint])
    decision = select(team, meeting, complaint.case, uptd)
    ai = services.action_item_add(actor=team.sekretaris, decision=decision, description="Konseling",
                                  responsible_agency=uptd, due_date=timezone.localdate() + timedelta(days=7))
    return {"meeting": meeting, "item": decision.agenda_item, "action": ai, "case": complaint.case}


def test_another_agency_gets_404_for_presentation_and_action_item(world, polres):
    outsider = member(polres, Role.INVESTIGATOR)
    with pytest.raises(Http404):
        selectors.agenda_item_get_for_user(user=outsider, meeting_id=world["meeting"].pk,
                                           item_id=world["item"].pk)
    with pytest.raises(Http404):
        selectors.action_item_get_for_user(user=outsider, id=world["action"].pk)
    with pytest.raises(Http404):
        selectors.meeting_get_for_user(user=outsider, id=world["meeting"].pk)
    assert not selectors.action_items_for_agencies(user=outsider).exists()


def test_missing_and_not_yours_answer_the_same(client, world, polres):
    client.force_login(member(polres, Role.INVESTIGATOR))
    real = client.get(reverse("meetings:presentation", args=[world["meeting"].pk, world["item"].pk]))
    missing = client.get(reverse("meetings:presentation", args=[world["meeting"].pk, 999999]))
    assert real.status_code == missing.status_code == 404
    assert world["case"].number not in real.content.decode()
    api = client.post(reverse("api:action-item-follow-up", args=[world["action"].pk]),
                      {"status": "done", "evidence": "x"}, content_type="application/json")
    assert api.status_code == 404


def test_the_api_runs_the_same_rules(client, world, team, uptd, login_verified):
    login_verified(client, team.ketua)
    stray = register(uptd, name="Citra Tiga", nik="").case
    resp = client.post(reverse("api:meeting-decisions", args=[world["meeting"].pk]),
                       {"case": stray.pk, "kind": "select", "serving_agencies": [uptd.code],
                        "coordinator_agency": uptd.code}, content_type="application/json")
    assert resp.status_code == 400 and resp.json()["detail"] == services.DECISION_NOT_ON_AGENDA
    resp = client.post(reverse("api:meeting-action-items", args=[world["meeting"].pk, world["item"].pk]),
                       {"description": "Visum", "responsible_agency": uptd.code},
                           content_type="application/json")
    assert resp.status_code == 400 and resp.json()["detail"] == services.ACTION_ITEM_INCOMPLETE
    resp = client.get(reverse("api:meeting-agenda", args=[world["meeting"].pk]))
    assert resp.status_code == 200 and resp.json()[0]["case_number"] == world["case"].number
    assert "Ani" not in resp.content.decode()

    client.force_login(member(uptd, Role.KONSELOR))
    resp = client.post(reverse("api:meeting-presentation", args=[world["meeting"].pk, world["item"].pk]),
                       {"chronology": "Korban Ani datang", "current_condition": "x", "obstacles": "y"},
                       content_type="application/json")
    assert resp.status_code == 400 and resp.json()["detail"] == services.HAS_NAME
