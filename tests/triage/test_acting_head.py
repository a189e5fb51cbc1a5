"""Triage by an acting head (Plt.), docs/triage.md §5, §8: while the delegation covers today, the
acting head of the receiving agency overrides the risk and refers an emergency as the head would —
on the page and through the service — is told of the emergency as the head is, and each act is
recorded ``"as_acting_head": true``. The day before it starts and the day after it ends they are
refused like any member of staff."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.models import User
from agencies.services import acting_head_appoint
from cases.models import CaseEvent, EventType
from common.errors import ActionNotAllowed
from common.models import Notification
from tests.triage.conftest import triage_answers
from triage import services
from triage.models import RiskLevel

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
REASON = "Pelaku mengancam melalui keluarga korban."


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)


def on(day):
    return time_machine.travel(datetime.combine(day, time(10), tzinfo=JAKARTA), tick=False)


def events(case, event_type):
    return CaseEvent.objects.filter(case=case, event_type=event_type)


@pytest.fixture
def acting(uptd, people):
    """The UPTD's counsellor, acting head from tomorrow for two days."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    acting_head_appoint(actor=people["head"], agency=uptd, user=people["konselor"], start=tomorrow,
                        end=tomorrow + timedelta(days=1), reference="800/SP-PLT/UPTD/2026")
    return {"user": people["konselor"], "start": tomorrow, "end": tomorrow + timedelta(days=1)}


def test_the_acting_head_overrides_the_risk_only_within_the_dates(uptd, people, register, acting):
    complaint = register(uptd, actor=people["officer"])
    a = services.triage_record(actor=people["officer"], complaint=complaint, **triage_answers())

    def override(level):
        return services.triage_override_risk(actor=fresh(acting["user"]), assessment=a, risk_level=level,
                                             reason=REASON)

    # the day before the delegation: refused
    with pytest.raises(ActionNotAllowed, match=str(services.OVERRIDE_NOT_ALLOWED)):
        override(RiskLevel.HIGH)
    # during it: the override is the acting head's, recorded as such
    with on(acting["start"]):
        a = override(RiskLevel.HIGH)
    assert a.risk_level == RiskLevel.HIGH and a.risk_overridden_by == acting["user"]
    ev = events(complaint.case, EventType.RISK_OVERRIDDEN).get()
    assert ev.actor == acting["user"]
    assert ev.payload == {"complaint": str(complaint.public_id), "from": "low", "to": "high",
                          "assessed": "low", "as_acting_head": True}
    # the day after it ends: refused again
    with on(acting["end"] + timedelta(days=1)):
        with pytest.raises(ActionNotAllowed, match=str(services.OVERRIDE_NOT_ALLOWED)):
            override(RiskLevel.MEDIUM)
    assert events(complaint.case, EventType.RISK_OVERRIDDEN).count() == 1


def test_the_acting_head_is_told_of_the_emergency_and_refers_it_on_the_page(
        uptd, people, register, providers, acting, login_verified):
    complaint = register(uptd, actor=people["officer"])
    case = complaint.case
    with on(acting["start"]):
        services.triage_record(actor=people["officer"], complaint=complaint,
                               **triage_answers(emergency_conditions=["no_safe_place"]))
        # told as the head is
        told = set(Notification.objects.filter(case=case, kind="emergency").values_list("user", flat=True))
        assert {people["head"].pk, acting["user"].pk} <= told
        client = Client()
        login_verified(client, fresh(acting["user"]))
        page = client.get(reverse("triage:detail", args=[case.pk])).content.decode()
        assert reverse("triage:refer", args=[case.pk]) in page
        resp = client.post(reverse("triage:refer", args=[case.pk]), {
            "complaint": str(complaint.public_id), "agencies": [providers["hospital"].pk], "hours": 72})
        assert resp.status_code == 302
    referral = events(case, EventType.EMERGENCY_REFERRAL).get()
    assert referral.actor == acting["user"] and referral.payload["as_acting_head"] is True
    assert referral.payload["agencies"] == ["rs-prov"]

    # after the delegation the page offers no referral and refuses one
    with on(acting["end"] + timedelta(days=1)):
        client = Client()
        login_verified(client, fresh(acting["user"]))
        page = client.get(reverse("triage:detail", args=[case.pk])).content.decode()
        assert reverse("triage:refer", args=[case.pk]) not in page
        resp = client.post(reverse("triage:refer", args=[case.pk]), {
            "complaint": str(complaint.public_id), "agencies": [providers["social"].pk], "hours": 72})
        assert resp.status_code == 404
    assert events(case, EventType.EMERGENCY_REFERRAL).count() == 1
