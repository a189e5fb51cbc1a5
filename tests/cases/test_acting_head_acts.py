"""An acting head (Plt.) does on a case what the head does — full access to the agency's cases,
grants and revocations, break-the-glass with a reason — while the delegation covers today, and each
such act says it was done as acting head: ``"as_acting_head": true`` in the timeline payload and
"(Plt.)" on the case timeline (docs/access.md §1a, §3). Before the delegation starts and after it
ends the same user is refused like any member of staff."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role, User
from agencies.services import acting_head_appoint
from cases import services
from cases.models import AccessLevel, CaseEvent, EventType, GrantSource
from cases.policies import case_access_level, may_reveal_on_case
from common.errors import ActionNotAllowed
from common.models import AccessAction, AccessLog
from tests.factories import member

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
REASON = "Korban dirujuk ke unit kami, identitas diperlukan untuk pemeriksaan"


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)


def event(case, event_type) -> CaseEvent:
    return CaseEvent.objects.filter(case=case, event_type=event_type).latest("id")


def test_the_acting_head_grants_and_revokes_access_and_the_timeline_says_plt(
        uptd, rsud, open_case, login_verified):
    # Given a case of the UPTD and its head on leave, a companion acting head from today
    case = open_case(uptd)
    head = member(uptd, Role.HEAD)
    acting = member(uptd, Role.PENDAMPING)
    assert case_access_level(acting, case) == AccessLevel.SUMMARY
    with pytest.raises(ActionNotAllowed, match=str(services.GRANT_NOT_ALLOWED)):
        services.case_grant_access(actor=acting, case=case, agency=rsud, level=AccessLevel.SUMMARY)
    today = timezone.localdate()
    acting_head_appoint(actor=head, agency=uptd, user=acting, start=today, end=today + timedelta(days=3),
                        reference="800/SP-PLT/2026")

    # the acting head sees the agency's cases in full, as the head does
    acting = fresh(acting)
    assert case_access_level(acting, case) == AccessLevel.FULL
    # and grants the hospital access on the case page
    client = Client()
    login_verified(client, acting)
    # (the page repeats what is given first; the confirmation saves it)
    resp = client.post(reverse("cases:grant", args=[case.pk]),
                       {"agency": rsud.pk, "level": AccessLevel.SERVICE, "confirmed": "1"})
    assert resp.status_code == 302
    granted = event(case, EventType.ACCESS_GRANTED)
    assert granted.actor == acting and granted.payload["as_acting_head"] is True
    assert granted.payload["source"] == GrantSource.MANUAL
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "(Plt.)" in page

    # revoking it says so too
    grant = case.grants.get(revoked_at__isnull=True)
    services.case_revoke_access(actor=acting, grant=grant, reason="Layanan selesai")
    assert event(case, EventType.ACCESS_REVOKED).payload == {
        "agency": rsud.code, "source": GrantSource.MANUAL, "as_acting_head": True}

    # the head's own grant carries no such key
    services.case_grant_access(actor=head, case=case, agency=rsud, level=AccessLevel.SUMMARY)
    assert "as_acting_head" not in event(case, EventType.ACCESS_GRANTED).payload


def test_the_acting_head_of_a_granted_agency_breaks_the_glass_with_a_reason_within_the_dates(
        uptd, polres, open_case):
    # Given a UPTD case that the police unit holds at summary level
    case = open_case(uptd)
    uptd_head = member(uptd, Role.HEAD)
    services.case_grant_access(actor=uptd_head, case=case, agency=polres, level=AccessLevel.SUMMARY)
    police_head = member(polres, Role.HEAD)
    investigator = member(polres, Role.INVESTIGATOR)
    # and an investigator named acting head of the unit from tomorrow for two days
    tomorrow = timezone.localdate() + timedelta(days=1)
    acting_head_appoint(actor=police_head, agency=polres, user=investigator, start=tomorrow,
                        end=tomorrow + timedelta(days=1), reference="SPRIN/PLT/2026")

    def reveal():
        return services.identity_reveal(actor=fresh(investigator), case=case, reason=REASON)

    def reveals():
        return AccessLog.objects.filter(case=case, action=AccessAction.REVEAL_IDENTITY).count()

    # before the delegation: refused, nothing logged
    assert may_reveal_on_case(fresh(investigator), case).allowed is False
    with pytest.raises(ActionNotAllowed, match=str(services.REVEAL_NOT_ALLOWED)):
        reveal()
    assert reveals() == 0

    # during it: allowed with a reason, logged, and the timeline says as acting head
    with time_machine.travel(datetime.combine(tomorrow, time(10), tzinfo=JAKARTA), tick=False):
        assert may_reveal_on_case(fresh(investigator), case) == (True, True, "acting_head")
        with pytest.raises(Exception, match=str(services.REVEAL_REASON_REQUIRED)):
            services.identity_reveal(actor=fresh(investigator), case=case, reason="")
        victims = reveal()
        assert [v.full_name for v in victims] == [case.victims.get().full_name]
    assert reveals() == 1
    revealed = event(case, EventType.IDENTITY_REVEALED)
    assert revealed.actor == investigator
    assert revealed.payload == {"level": "summary", "as_acting_head": True}

    # the head's own break-the-glass is the head's
    services.identity_reveal(actor=police_head, case=case, reason=REASON)
    assert event(case, EventType.IDENTITY_REVEALED).payload == {"level": "summary"}

    # after it: refused again
    with time_machine.travel(datetime.combine(tomorrow + timedelta(days=2), time(10), tzinfo=JAKARTA),
                             tick=False):
        with pytest.raises(ActionNotAllowed, match=str(services.REVEAL_NOT_ALLOWED)):
            reveal()
    assert reveals() == 2


def test_acting_head_of_another_agency_gets_nothing_on_this_case(uptd, polres, open_case):
    case = open_case(uptd)
    investigator = member(polres, Role.INVESTIGATOR)
    today = timezone.localdate()
    acting_head_appoint(actor=member(polres, Role.HEAD), agency=polres, user=investigator, start=today,
                        end=today, reference="SPRIN/PLT/2026")
    assert case_access_level(fresh(investigator), case) == AccessLevel.NONE
    assert may_reveal_on_case(fresh(investigator), case).allowed is False
    with pytest.raises(ActionNotAllowed, match=str(services.GRANT_NOT_ALLOWED)):
        services.case_grant_access(actor=fresh(investigator), case=case, agency=polres,
                                   level=AccessLevel.SUMMARY)
