"""Every domain model keeps history with the acting user."""

import pytest

from agencies.models import Role
from cases import services
from cases.models import AccessLevel
from common.audit import update_with_history
from tests.factories import member

pytestmark = pytest.mark.django_db


def test_service_writes_history_with_the_actor(uptd, rsud, open_case):
    case = open_case(uptd)
    head = member(uptd, Role.HEAD)
    grant = services.case_grant_access(actor=head, case=case, agency=rsud, level=AccessLevel.SERVICE)
    record = grant.history.latest()
    assert record.history_user == head and record.level == AccessLevel.SERVICE
    assert case.history.latest().history_type == "+"


def test_update_with_history_writes_a_row_per_object(uptd, open_case):
    a, b = open_case(uptd), open_case(uptd)
    actor = member(uptd, Role.HEAD)
    from cases.models import Case

    n = update_with_history(Case.objects.filter(pk__in=[a.pk, b.pk]), actor=actor, initials="ZZ")
    assert n == 2
    for c in (a, b):
        latest = c.history.latest()
        assert latest.initials == "ZZ" and latest.history_user == actor
