"""R11 (SKB E.4.b): recovery indicators agreed in the case conference — baseline, target, current
value with a unit; progress computed; an indicator without a target refused; every update an event."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from cases.models import CaseEvent
from common.errors import ActionNotAllowed, ApplicationError
from plans import events
from plans import services as plans
from plans.indicators import indicator_add, indicator_update
from plans.models import PlanVersion, RecoveryIndicator
from tests.plans.test_plan_services import add, fresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(conference):
    return PlanVersion.objects.get()


def sleep_hours(actor, version, **kw):
    args = {"name": "Jam tidur per malam", "unit": "jam", "baseline": "3", "target": "7", **kw}
    return indicator_add(actor=fresh(actor), version=version, **args)


def test_an_indicator_without_a_target_is_refused_and_nothing_saved(version, people):
    with pytest.raises(ApplicationError) as exc:
        sleep_hours(people["officer"], version, target="")
    assert exc.value.field == "target"
    with pytest.raises(ApplicationError) as exc:
        sleep_hours(people["officer"], version, target="3")
    assert exc.value.field == "target"
    with pytest.raises(ApplicationError) as exc:
        sleep_hours(people["officer"], version, name="  ")
    assert exc.value.field == "name"
    assert not RecoveryIndicator.objects.exists()
    assert not CaseEvent.objects.filter(event_type=events.INDICATOR_ADDED).exists()


def test_progress_is_computed_and_clamped(version, people):
    indicator = sleep_hours(people["officer"], version)
    assert indicator.progress is None
    assert CaseEvent.objects.filter(event_type=events.INDICATOR_ADDED).count() == 1
    indicator = indicator_update(actor=fresh(people["nurse"]), indicator=indicator, current="5")
    assert indicator.current == Decimal("5.00") and indicator.progress == 50
    event = CaseEvent.objects.filter(event_type=events.INDICATOR_UPDATED).get()
    assert event.payload == {"indicator": indicator.pk, "from": None, "to": "5.00", "progress": 50}
    assert indicator_update(actor=fresh(people["nurse"]), indicator=indicator, current="9").progress == 100
    assert indicator_update(actor=fresh(people["nurse"]), indicator=indicator, current="1").progress == 0
    assert CaseEvent.objects.filter(event_type=events.INDICATOR_UPDATED).count() == 3
    assert indicator.history.count() == 4


def test_a_falling_indicator_counts_progress_downwards(version, people):
    anxiety = sleep_hours(people["officer"], version, name="Skor kecemasan", unit="skor", baseline="30",
                          target="10", current="25")
    assert anxiety.progress == 25


def test_a_value_that_is_not_a_number_is_refused(version, people):
    indicator = sleep_hours(people["officer"], version)
    with pytest.raises(ApplicationError) as exc:
        indicator_update(actor=fresh(people["nurse"]), indicator=indicator, current="banyak")
    assert exc.value.field == "current"
    indicator.refresh_from_db()
    assert indicator.current is None


def test_only_the_plan_editors_add_and_an_outsider_may_not_update(version, people, lbh):
    with pytest.raises(ActionNotAllowed):
        sleep_hours(people["nurse"], version)
    indicator = sleep_hours(people["officer"], version)
    from agencies.models import Role
    from tests.factories import AgencyFactory, member
    outsider = member(AgencyFactory(code="luar-uji", name="Luar Uji", kind="social_service"),
                      Role.SOCIAL_WORKER)
    with pytest.raises(ActionNotAllowed):
        indicator_update(actor=outsider, indicator=indicator, current="5")


def test_a_new_version_carries_the_indicators_and_the_page_shows_progress(
        version, people, selected, catalogue, rsud, client, login_verified):
    indicator = sleep_hours(people["officer"], version)
    add(people["officer"], selected, catalogue["visum"], rsud)
    plans.plan_approve(actor=people["uptd_head"], version=version)
    add(people["officer"], selected, catalogue["visum"], rsud)
    latest = PlanVersion.objects.get(number=2)
    copy = latest.indicators.get()
    assert copy.pk != indicator.pk and copy.target == indicator.target
    indicator_update(actor=fresh(people["nurse"]), indicator=copy, current="6")
    login_verified(client, fresh(people["nurse"]))
    html = client.get(reverse("plans:plan", args=[selected.pk])).content.decode()
    assert "Jam tidur per malam" in html and "75 %" in html
