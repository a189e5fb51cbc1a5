"""No identity in plaintext anywhere outside the application's memory.

Given complaints registered with distinctive names, NIKs and phone numbers — one answered, one
warned at once, one breached at once, one breached by the sweep — and their notifications e-mailed
by a real worker, then a full ``pg_dump`` of the database, the application log (every logger at
DEBUG, SQL with its parameters included), the worker's log, every e-mail sent and a dump of Redis
(taken while tasks were queued and again afterwards) contain none of those names, NIKs or phone
numbers in any of their written forms.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import subprocess
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from agencies.models import Role
from cases.intake.services import (
    ComplaintInput,
    PerpetratorInput,
    ReporterInput,
    VictimInput,
    complaint_register,
    initial_response_record,
)
from cases.models import Victim
from cases.sla import sla_sweep
from common import crypto
from common.models import Notification
from tests.factories import AgencyFactory, member
from tests.integration.conftest import read_mails, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

VICTIMS = [
    ("Kartika Anjani Puspitasari", "3171 0246 0788 0011", "0813-1122-3344"),
    ("Bening Larasati Hutagalung", "3172.0355.0999.0022", "+62 857 4455 6677"),
    ("Cempaka Widuri Simanjuntak", "3173045511990033", "0896 7788 9900"),
    ("Dahlia Maharani Sitompul", "3174 0566 1200 0044", "(021) 7654 3210"),
]
REPORTER = ("Sutrisno Wiryo Atmojo", "0821 9988 7766")
PERPETRATOR = "Bambang Kusumo Hadiwijoyo"
ADDRESS = "Jalan Melati Tersembunyi 77"


def forbidden() -> set[str]:
    """Every written form of the seeded identity: as typed, normalised, each name on its own."""
    out = set()
    for name in [v[0] for v in VICTIMS] + [REPORTER[0], PERPETRATOR]:
        out |= {name, name.upper(), name.lower(), *name.split()}
    for _, nik, _ in VICTIMS:
        out |= {nik, crypto.normalise_nik(nik)}
    for phone in [v[2] for v in VICTIMS] + [REPORTER[1]]:
        e164 = crypto.normalise_phone(phone)
        out |= {phone, e164, e164[1:], "0" + e164[3:], "".join(c for c in phone if c.isdigit())}
    out.add(ADDRESS)
    return {s for s in out if len(s) >= 5}


def leaks(text: str) -> list[str]:
    return sorted(s for s in forbidden() if s in text)


def redis_dump() -> str:
    """Every key and value of the test Redis DB as text; Celery message bodies (base64 in kombu's
    Redis envelope) decoded too, so task arguments are read as the worker would read them."""
    r = redis.Redis.from_url(settings.REDIS_URL)
    parts: list[str] = []

    def add(raw: bytes) -> None:
        text = raw.decode("utf-8", "replace")
        parts.append(text)
        try:
            decoded = json.loads(text)
        except ValueError:
            return
        stack = [decoded]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if item.get("properties", {}).get("body_encoding") == "base64":
                    parts.append(base64.b64decode(item["body"]).decode("utf-8", "replace"))
                stack.extend(item.values())

    for key in r.scan_iter(count=500):
        parts.append(key.decode("utf-8", "replace"))
        kind = r.type(key).decode()
        if kind == "string":
            add(r.get(key))
        elif kind == "list":
            for v in r.lrange(key, 0, -1):
                add(v)
        elif kind == "hash":
            for k, v in r.hgetall(key).items():
                add(k), add(v)
        elif kind == "set":
            for v in r.smembers(key):
                add(v)
        elif kind == "zset":
            for v in r.zrange(key, 0, -1):
                add(v)
    return "\n".join(parts)


def pg_dump() -> str:
    s = connection.settings_dict
    env = {"PGPASSWORD": s["PASSWORD"] or "", "PATH": "/usr/bin:/bin:/usr/local/bin"}
    out = subprocess.run(
        ["pg_dump", "-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432), "-U", s["USER"],
         "--no-owner", s["NAME"]],
        env=env, capture_output=True, timeout=120, check=True,
    )
    return out.stdout.decode("utf-8", "replace")


@pytest.fixture
def app_log():
    """Every logger at DEBUG into one buffer, SQL statements with their parameters included."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root, sql = logging.getLogger(), logging.getLogger("django.db.backends")
    saved = root.level, sql.level, connection.force_debug_cursor
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    sql.setLevel(logging.DEBUG)
    connection.force_debug_cursor = True
    yield buffer
    root.removeHandler(handler)
    root.setLevel(saved[0])
    sql.setLevel(saved[1])
    connection.force_debug_cursor = saved[2]


def _input(i: int, **kw) -> ComplaintInput:
    name, nik, phone = VICTIMS[i]
    return ComplaintInput(
        channel="hotline",
        victims=[VictimInput(full_name=name, category="adult_woman", nik=nik, phone=phone, address=ADDRESS)],
        violence_types=["kdrt"],
        chronology=f"{name} dipukul oleh {PERPETRATOR}; dapat dihubungi di {phone}.",
        reporter=ReporterInput(is_victim=False, full_name=REPORTER[0], phone=REPORTER[1],
                               relation="tetangga"),
        perpetrators=[PerpetratorInput(relation="spouse", full_name=PERPETRATOR)],
        safe_contact=f"Telepon {phone} setelah pukul 19.00",
        consent_to_share=True, consent_by="victim",
        **kw,
    )


def test_no_identity_in_database_dump_logs_mail_or_redis(uptd, start_worker, mail_dir, app_log):
    worker = start_worker(loglevel="DEBUG", wait=False)
    officer, head = member(uptd, Role.ADMIN_OFFICER), member(uptd, Role.HEAD)
    member(AgencyFactory(code="kemenpppa-bocor", kind="ministry", institution="kemenpppa"), Role.TP_KETUA)
    now = timezone.now()

    answered = complaint_register(actor=officer, receiving_agency=uptd, data=_input(0))
    complaint_register(actor=officer, receiving_agency=uptd, data=_input(
        1, received_at=now - timedelta(hours=20), received_at_reason="Laporan hotline malam"))
    breached = complaint_register(actor=officer, receiving_agency=uptd, data=_input(
        2, received_at=now - timedelta(hours=30), received_at_reason="Rujukan tertunda"))
    swept = complaint_register(actor=officer, receiving_agency=uptd, data=_input(3))
    initial_response_record(actor=officer, complaint=answered, method="phone", successful=True,
                            result=f"{VICTIMS[0][0]} aman, dihubungi di {VICTIMS[0][2]}")
    initial_response_record(actor=officer, complaint=swept, method="phone", successful=False,
                            result=f"{VICTIMS[3][2]} tidak aktif")
    counts = sla_sweep(now=timezone.now() + timedelta(hours=24, minutes=1))
    assert counts == {"warned": 0, "breached": 2}  # the warned one and the swept one

    # While the e-mail tasks wait in the queue …
    queued = redis_dump()
    assert "common.tasks.send_notification_email" in queued

    # … and after the worker has sent every one of them.
    worker.wait_ready()
    total = Notification.objects.count()
    assert total == 1 + 3 * 2  # one warning (the officer), three breaches (head and chair each)
    assert Notification.objects.filter(kind="sla_breach", user=head).count() == 3
    wait_for(lambda: not Notification.objects.filter(emailed_at__isnull=True).exists(), message="e-mails")
    wait_for(lambda: worker.log().count("send_notification_email") >= 2 * total, message="worker log")
    mails = read_mails(mail_dir)
    assert len(mails) == total

    dump = pg_dump()
    sources = {
        "pg_dump": dump,
        "application log": app_log.getvalue(),
        "worker log": worker.log(),
        "redis (queued)": queued,
        "redis (after)": redis_dump(),
        "e-mail": "\n".join(m.as_string() + "\n" + m.get_body().get_content() for m in mails),
    }

    # The sources are real: the data, the SQL, the tasks and the mails are all in them …
    assert breached.case.number in dump and "v1:dev1:" in dump and "cases_historicalvictim" in dump
    assert "INSERT INTO \"cases_victim\"" in sources["application log"]
    assert "sla_sweep" in sources["application log"] and "succeeded" in sources["worker log"]
    assert breached.case.number in sources["e-mail"]
    assert {v.full_name for v in Victim.objects.all()} == {v[0] for v in VICTIMS}
    # … and the identity is in none of them.
    found = {name: leaks(text) for name, text in sources.items()}
    assert found == {name: [] for name in sources}
