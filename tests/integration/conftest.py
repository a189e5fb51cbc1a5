"""Real processes for the integration tests: a Celery worker on the test Redis, and sweeps run in
separate Python processes, all on the test database. Data must be committed for them to see it,
so these tests use ``transactional_db``; every process is killed (its whole process group) at
teardown, before the database is flushed."""

from __future__ import annotations

import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parents[2]
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


def _kill(proc: subprocess.Popen, grace: float = 10, sig: int = signal.SIGTERM) -> None:
    """Stop ``proc`` and everything it forked (its own session), by force after ``grace``."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
        proc.wait(grace)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(5)


@pytest.fixture
def mail_dir(tmp_path) -> Path:
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def process_env(transactional_db, mail_dir) -> dict[str, str]:
    """Environment of a child process: test settings, this test database, this Redis DB, and
    e-mail written to files so that the test can count what every process sent."""
    from django.db import connection

    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}",
        "TEST_REDIS_URL": settings.REDIS_URL,
        "TEST_EMAIL_BACKEND": FILE_BACKEND,
        "TEST_EMAIL_FILE_PATH": str(mail_dir),
        "PYTHONUNBUFFERED": "1",
    }


@dataclass
class Worker:
    proc: subprocess.Popen
    name: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 30) -> Worker:
        deadline = time.monotonic() + timeout
        while " ready." not in self.log():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"worker did not start:\n{self.log()[-3000:]}")
            time.sleep(0.05)
        return self


@pytest.fixture
def start_worker(process_env, tmp_path):
    """start_worker(loglevel="INFO") -> Worker: a real ``celery -A config worker`` (prefork, two
    children), returned once it reports ready (or at once with ``wait=False``)."""
    started: list[Worker] = []

    def _start(loglevel: str = "INFO", concurrency: int = 2, wait: bool = True) -> Worker:
        name = f"itest-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
        log_path = tmp_path / f"worker-{len(started)}.log"
        log = log_path.open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", f"--loglevel={loglevel}",
             "--pool=prefork", f"--concurrency={concurrency}", "-n", name,
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=BASE_DIR, env=process_env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        worker = Worker(proc, name, log_path)
        started.append(worker)
        return worker.wait_ready() if wait else worker

    yield _start
    for worker in started:
        # The test is over and nothing it left matters (the next test flushes Redis and the
        # database): no warm shutdown, which costs seconds per test.
        _kill(worker.proc, sig=signal.SIGKILL)


SWEEP = """
import json, sys, time
from datetime import timedelta
import django
django.setup()
from django.utils import timezone
from cases.sla import sla_sweep
print("ready", flush=True)
start, hours = map(float, sys.stdin.readline().split())
while time.time() < start:
    time.sleep(0.002)
print(json.dumps(sla_sweep(now=timezone.now() + timedelta(hours=hours))))
"""


class SweepProcesses:
    """Sweeps in separate Python processes. ``launch(n)`` starts them (Django set up, then they
    wait); ``go(procs, start_at, hours_ahead)`` lets them all run one sla_sweep at the same
    wall-clock instant, ``hours_ahead`` in the future; ``collect`` returns each one's counts."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.running: list[subprocess.Popen] = []

    def launch(self, n: int) -> list[subprocess.Popen]:
        procs = [subprocess.Popen([sys.executable, "-c", SWEEP], cwd=BASE_DIR, env=self.env,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, start_new_session=True)
                 for _ in range(n)]
        self.running.extend(procs)
        return procs

    def go(self, procs: list[subprocess.Popen], *, hours_ahead: float = 0.0, delay: float = 0.3) -> float:
        for proc in procs:
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read()[-3000:]
        start_at = time.time() + delay
        for proc in procs:
            proc.stdin.write(f"{start_at!r} {hours_ahead!r}\n")
            proc.stdin.flush()
        return start_at

    def collect(self, procs: list[subprocess.Popen]) -> list[dict]:
        import json

        results = []
        for proc in procs:
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err[-3000:]
            results.append(json.loads(out.strip().splitlines()[-1]))
        return results


@pytest.fixture
def sweep_processes(process_env):
    sweeps = SweepProcesses(process_env)
    yield sweeps
    for proc in sweeps.running:
        _kill(proc, grace=2)


def read_mails(mail_dir: Path) -> list[email.message.EmailMessage]:
    """Every message the file backend wrote (one file per connection, messages separated by a
    line of 79 dashes)."""
    messages = []
    for path in sorted(mail_dir.iterdir()):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk, policy=email.policy.default))
    return messages


def wait_for(predicate, timeout: float = 20, interval: float = 0.1, message: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting: {message}")
        time.sleep(interval)
