"""A real Celery worker consuming from REDIS_URL, and sweeps racing in separate processes.

Given complaints committed to the test database, when several sweeps run at the same instant —
two as tasks in a real worker (two prefork children), others as separate Python processes — then
each complaint gets exactly one warning, one breach, one notification per recipient and kind, and
one e-mail per notification, however the work was split and however often an e-mail task is
delivered.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from cases.models import CaseEvent, EventType, SlaEvent
from cases.models.intake import SlaKind
from common.models import Notification
from common.tasks import BEAT_KEY, heartbeat, send_notification_email
from config.celery_app import app
from tests.integration.conftest import read_mails, wait_for
from tests.sla.helpers import make_staff, register

pytestmark = pytest.mark.django_db(transaction=True)

N = 10


def without_credentials(url: str) -> str:
    """The worker's banner masks the password (``redis://:**@host``); compare the rest."""
    return re.sub(r"//[^@/]*@", "//", url)


def test_the_worker_consumes_from_redis_url(start_worker):
    assert settings.CELERY_BROKER_URL == settings.REDIS_URL == app.conf.broker_url
    worker = start_worker()

    # What the worker says it is connected to …
    banner = re.search(r"transport:\s+(\S+)", worker.log())
    assert banner and without_credentials(banner.group(1)) == without_credentials(settings.REDIS_URL)
    replies = app.control.inspect(destination=[worker.name], limit=1, timeout=10).conf(with_defaults=True)
    conf = (replies or {})[worker.name]
    assert without_credentials(conf["broker_url"]) == without_credentials(settings.REDIS_URL)
    assert conf["task_acks_late"] is True and conf["worker_prefetch_multiplier"] == 1

    # … and what it does: a task published here runs there and writes to the same Redis.
    assert cache.get(BEAT_KEY) is None
    heartbeat.delay()
    wait_for(lambda: cache.get(BEAT_KEY) is not None, message="heartbeat was not run by the worker")
    assert "common.tasks.heartbeat" in worker.log() and "succeeded" in worker.log()


def finished(worker, task: str, result: str = "") -> int:
    """How many runs of ``task`` the worker has logged as succeeded (with ``result``, if given)."""
    pattern = re.escape(task) + r"\[[0-9a-f-]+\] succeeded in [0-9.e-]+s: " + re.escape(result)
    return len(re.findall(pattern, worker.log()))


def test_concurrent_sweeps_give_one_warning_one_breach_and_one_mail_each(
        uptd, polres, start_worker, sweep_processes, mail_dir):
    worker = start_worker(wait=False)
    phase_one, phase_two = sweep_processes.launch(2), sweep_processes.launch(3)  # start up meanwhile
    staff = make_staff(uptd, polres)
    started = timezone.now() - timedelta(hours=19)
    with time_machine.travel(started, tick=False):
        complaints = [register(staff, name=f"Korban Serentak {i}") for i in range(N)]
    numbers = {c.case.number for c in complaints}
    worker.wait_ready()

    # 19 h after registration: two sweeps in the worker and two in their own processes, at once.
    start_at = sweep_processes.go(phase_one)
    time.sleep(max(0.0, start_at - time.time()))
    from cases.tasks import sla_sweep

    sla_sweep.delay(), sla_sweep.delay()
    first = sweep_processes.collect(phase_one)
    wait_for(lambda: finished(worker, "cases.tasks.sla_sweep") == 2, message="worker sweeps")
    assert sum(c["warned"] for c in first) <= N and all(c["breached"] == 0 for c in first)
    assert SlaEvent.objects.filter(kind=SlaKind.WARNING).count() == N

    # 25 h after registration (the sweeps' clock 6 h ahead): three sweeps at once.
    sweep_processes.go(phase_two, hours_ahead=6)
    second = sweep_processes.collect(phase_two)
    assert sum(c["breached"] for c in second) == N and all(c["warned"] == 0 for c in second)

    # Exactly one warning and one breach per complaint, each once on the timeline.
    assert Counter(SlaEvent.objects.values_list("complaint_id", "kind")) == Counter(
        {(c.pk, kind): 1 for c in complaints for kind in (SlaKind.WARNING, SlaKind.BREACH)})
    for event_type in (EventType.SLA_WARNED, EventType.SLA_BREACHED):
        assert Counter(CaseEvent.objects.filter(event_type=event_type).values_list("case_id", flat=True)) \
            == Counter({c.case_id: 1 for c in complaints})

    # The worker e-mails every notification once: two warnings and two escalations per complaint.
    expected = Counter()
    for number in numbers:
        for user in (staff.officer, staff.other_officer):
            expected[(number, "warning", user.email)] = 1
        for user in (staff.head, staff.chair):
            expected[(number, "breach", user.email)] = 1
    assert Notification.objects.count() == 4 * N

    def sent() -> Counter:
        got = Counter()
        for mail in read_mails(mail_dir):
            [number] = [n for n in numbers if n in mail["Subject"]]
            kind = "breach" if "terlampaui" in mail["Subject"] else "warning"
            got[(number, kind, str(mail["To"]))] += 1
        return got

    wait_for(lambda: finished(worker, "common.tasks.send_notification_email") == 4 * N,
             message="e-mails")
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert sent() == expected

    # A redelivered e-mail task — twice, concurrently, for every notification — sends nothing more.
    again = list(Notification.objects.values_list("pk", flat=True)[:8])
    for pk in again:
        send_notification_email.delay(pk), send_notification_email.delay(pk)
    wait_for(lambda: finished(worker, "common.tasks.send_notification_email", "False") == 2 * len(again),
             message="duplicate deliveries")
    assert sent() == expected
    assert "Traceback" not in worker.log()
