"""The meeting action-item reminder path through a real Celery worker on Redis.

Given a closed meeting whose action items fall due tomorrow and fell due yesterday, when the
beat task ``action_item_sweep`` is delivered to a real worker three times at once, then each item
gets exactly one reminder or one overdue mark, and each recipient exactly one e-mail."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.models import Role
from meetings import services
from meetings.models import ActionItemAlert, AlertKind, DecisionKind, FollowUp, FollowUpStatus
from meetings.tasks import action_item_sweep
from tests.factories import member
from tests.integration.conftest import read_mails, wait_for
from tests.meetings.helpers import decide, make_meeting, make_team, propose_and_open, register

pytestmark = pytest.mark.django_db(transaction=True)


def test_reminders_and_overdue_marks_once_each_through_the_worker(uptd, rsud, start_worker, mail_dir):
    worker = start_worker(wait=False)
    team = make_team(uptd)
    recipients = {member(rsud, Role.HEAD).email, member(rsud, Role.ADMIN_OFFICER).email}
    complaint = register(uptd, name="Korban Pengingat", nik="")
    meeting = make_meeting(team)
    propose_and_open(team, meeting, [complaint])
    decision = decide(team, meeting, complaint.case, DecisionKind.SELECT, serving_agencies=[rsud],
                      coordinator_agency=uptd)
    soon = services.action_item_add(actor=team.sekretaris, decision=decision, description="Visum",
                                    responsible_agency=rsud,
                                    due_date=timezone.localdate() + timedelta(days=1))
    late = services.action_item_add(actor=team.sekretaris, decision=decision, description="Konseling",
                                    responsible_agency=rsud,
                                    due_date=timezone.localdate() + timedelta(days=1))
    services.meeting_close(actor=team.sekretaris, meeting=meeting)
    # Setting up the past: the second item fell due yesterday (no service makes a past due date).
    late.due_date = timezone.localdate() - timedelta(days=1)
    late.save(update_fields=["due_date"])
    worker.wait_ready()

    for _ in range(3):
        action_item_sweep.delay()
    pattern = r"meetings\.tasks\.action_item_sweep\[[0-9a-f-]+\] succeeded"
    wait_for(lambda: len(re.findall(pattern, worker.log())) == 3, message="three sweeps")

    assert Counter(ActionItemAlert.objects.values_list("action_item_id", "kind")) == Counter(
        {(soon.pk, AlertKind.REMINDER): 1, (late.pk, AlertKind.OVERDUE): 1})
    assert FollowUp.objects.filter(action_item=late, status=FollowUpStatus.OVERDUE).count() == 1

    def sent() -> Counter:
        return Counter((str(m["To"]), "terlambat" in m["Subject"]) for m in read_mails(mail_dir))

    expected = Counter({(email, overdue): 1 for email in recipients for overdue in (True, False)})
    wait_for(lambda: sum(sent().values()) >= len(expected), message="reminder e-mails")
    wait_for(lambda: len(re.findall(r"send_notification_email\[[0-9a-f-]+\] succeeded", worker.log()))
             == len(expected), message="every e-mail task finished")
    assert sent() == expected
    assert complaint.case.number in "".join(m["Subject"] for m in read_mails(mail_dir))
    assert "Traceback" not in worker.log()
