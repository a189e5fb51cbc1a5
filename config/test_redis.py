"""One Redis database per test run; config.settings.test takes its REDIS_URL from here.

The suite empties its Redis database before every test (tests/conftest.py) and the integration
tests run real Celery workers on it, so two runs must never share one. The rule:

* ``TEST_REDIS_URL`` names a database (``redis://host:port/N``): that one, as given.
* ``TEST_REDIS_URL`` is unset or names none (``redis://host:port``): the first free database of
  1–15 on that server.

Either way the pytest process holds the database by a lease: the key ``terpadu:test-redis-db:N`` in
database 0, written with ``SET NX`` and an expiry, renewed by a thread while the run lasts and
deleted when the process exits. A run is never handed a leased database, and a run naming one that
another live run holds stops at once, naming the holder. A lease of a process that is gone (killed
on this host without its exit handlers) is taken over; other leases expire ``TTL`` seconds after
their run stops renewing them.

The run exports its URL to its children (``TEST_REDIS_URL`` with the number and
``TERPADU_TEST_REDIS_LEASE``): a Celery worker started by a test, or a nested pytest, uses the same
database without claiming it again. Only a pytest process claims; anything else importing the test
settings (the bootstrap's service check, ``manage.py``) reads ``TEST_REDIS_URL`` (database 15 when it
names none) and does not contact Redis here.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import socket
import sys
import threading
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

DEFAULT_URL = "redis://127.0.0.1:6379"
NOT_PYTEST_DB = 15
REGISTRY_DB = 0
POOL = range(1, 16)
PREFIX = "terpadu:test-redis-db:"
TTL = 120
RENEW_EVERY = 30
LEASE_ENV = "TERPADU_TEST_REDIS_LEASE"

# Compare-and-set on the lease key: only the value's owner may replace, renew or delete it.
_REPLACE = ("if redis.call('GET', KEYS[1]) == ARGV[1] then "
            "return redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) end return false")
_RENEW = ("if redis.call('GET', KEYS[1]) == ARGV[1] then "
          "return redis.call('EXPIRE', KEYS[1], ARGV[2]) end return 0")
_RELEASE = ("if redis.call('GET', KEYS[1]) == ARGV[1] then "
            "return redis.call('DEL', KEYS[1]) end return 0")


class TestRedisError(RuntimeError):
    """No Redis database for this run (taken, none free, or Redis does not answer)."""


@dataclass(frozen=True)
class Lease:
    url: str  # the run's Redis URL, database number included
    db: int
    value: str  # what the lease key holds: token, host and pid of the holder
    explicit: bool  # the number came from TEST_REDIS_URL
    prefix: str = PREFIX

    @property
    def key(self) -> str:
        return f"{self.prefix}{self.db}"


def database(url: str) -> int | None:
    """The database number in the URL's path, or None."""
    path = urlsplit(url).path.strip("/")
    return int(path) if path else None


def with_database(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


def _where(url: str) -> str:
    """host:port, never the password."""
    parts = urlsplit(url)
    return f"{parts.hostname or '127.0.0.1'}:{parts.port or 6379}"


def _registry(url: str):
    import redis

    return redis.Redis.from_url(with_database(url, REGISTRY_DB), socket_connect_timeout=3,
                                socket_timeout=5)


def _holder(value: bytes | str) -> dict:
    try:
        return json.loads(value)
    except ValueError:
        return {}


def _gone(value: bytes) -> bool:
    """The holder ran on this host and its process no longer exists."""
    holder = _holder(value)
    if holder.get("host") != socket.gethostname() or not isinstance(holder.get("pid"), int):
        return False
    try:
        os.kill(holder["pid"], 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _take(r, key: str, value: str, ttl: int) -> bool:
    if r.set(key, value, nx=True, ex=ttl):
        return True
    current = r.get(key)
    return current is not None and _gone(current) and bool(r.eval(_REPLACE, 1, key, current, value, ttl))


def claim(url: str, *, pool=POOL, prefix: str = PREFIX, ttl: int = TTL) -> Lease:
    """Lease the URL's database, or the first free one of ``pool`` when the URL names none."""
    import redis

    value = json.dumps({"token": uuid.uuid4().hex, "host": socket.gethostname(), "pid": os.getpid()})
    wanted = database(url)
    try:
        r = _registry(url)
        if wanted is not None:
            if _take(r, f"{prefix}{wanted}", value, ttl):
                return Lease(url, wanted, value, explicit=True, prefix=prefix)
            holder = _holder(r.get(f"{prefix}{wanted}") or b"{}")
            raise TestRedisError(
                f"Redis database {wanted} at {_where(url)} (TEST_REDIS_URL) is in use by another test "
                f"run (process {holder.get('pid', '?')} on {holder.get('host', '?')}). Give this run "
                f"another database, or a TEST_REDIS_URL without one (redis://host:port) to get a free one.")
        for db in pool:
            if _take(r, f"{prefix}{db}", value, ttl):
                return Lease(with_database(url, db), db, value, explicit=False, prefix=prefix)
    except redis.RedisError as exc:
        raise TestRedisError(f"Redis at {_where(url)} does not answer ({type(exc).__name__}): start it "
                             "(`make test` does) or set TEST_REDIS_URL.") from exc
    raise TestRedisError(
        f"every Redis database {pool[0]}-{pool[-1]} at {_where(url)} is held by another test run; "
        "wait for one to finish or set TEST_REDIS_URL to a database of your choice.")


def renew(lease: Lease, ttl: int = TTL) -> bool:
    return bool(_registry(lease.url).eval(_RENEW, 1, lease.key, lease.value, ttl))


def release(lease: Lease) -> None:
    _registry(lease.url).eval(_RELEASE, 1, lease.key, lease.value)


def holder(url: str, prefix: str = PREFIX) -> dict | None:
    """Who holds the URL's database: {"token", "host", "pid"}, or None."""
    value = _registry(url).get(f"{prefix}{database(url)}")
    return _holder(value) if value is not None else None


def _hold_for_this_process(lease: Lease) -> None:
    """Export the lease to child processes, renew it while this process lives, release it at exit."""
    os.environ["TEST_REDIS_URL"] = lease.url
    os.environ[LEASE_ENV] = lease.url
    stop = threading.Event()

    def keep_alive():
        while not stop.wait(RENEW_EVERY):
            with contextlib.suppress(Exception):  # a Redis hiccup: the next round retries
                renew(lease)

    threading.Thread(target=keep_alive, name="test-redis-lease", daemon=True).start()

    def give_back():
        stop.set()
        with contextlib.suppress(Exception):  # otherwise it expires on its own
            release(lease)

    atexit.register(give_back)


def url_for_this_process(url: str | None) -> str:
    """REDIS_URL of the test settings for this process (see the module docstring)."""
    url = url or DEFAULT_URL
    if "pytest" not in sys.modules:
        return url if database(url) is not None else with_database(url, NOT_PYTEST_DB)
    if os.environ.get(LEASE_ENV) == url:
        return url  # a child of the run holding it
    lease = claim(url)
    _hold_for_this_process(lease)
    return lease.url
