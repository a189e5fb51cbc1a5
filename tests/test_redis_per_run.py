"""Each test run has its own Redis database (config/test_redis.py): the one TEST_REDIS_URL names, or
a free one; a lease in database 0 keeps every other run off it. These tests lease under a key prefix
of their own, so they never touch the leases of real runs."""

import json
import os
import subprocess
import sys
import uuid

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

from config import test_redis

BASE_DIR = settings.BASE_DIR


@pytest.fixture
def server():
    """This run's Redis server, without a database number."""
    url = settings.REDIS_URL
    return test_redis.with_database(url, 0).rsplit("/", 1)[0]


@pytest.fixture
def prefix(server):
    prefix = f"terpadu:test-redis-db-uji-{uuid.uuid4().hex[:8]}:"
    yield prefix
    registry = redis.Redis.from_url(f"{server}/0")
    for key in registry.scan_iter(f"{prefix}*"):
        registry.delete(key)


def test_this_run_holds_its_database_and_the_flush_before_each_test_empties_only_that_one():
    db = test_redis.database(settings.REDIS_URL)
    assert db is not None
    assert settings.CACHES["default"]["LOCATION"] == settings.CELERY_BROKER_URL == settings.REDIS_URL
    # Child processes (Celery workers, sweeps) are started on the same database.
    assert os.environ["TEST_REDIS_URL"] == settings.REDIS_URL

    cache.clear()  # what tests/conftest.py does before every test
    holder = test_redis.holder(settings.REDIS_URL)
    assert holder is not None, "this run's database is not leased"
    assert holder["pid"] == os.getpid()


def test_runs_without_a_database_number_get_different_free_ones_and_give_them_back(server, prefix):
    first = test_redis.claim(server, pool=range(3, 6), prefix=prefix)
    second = test_redis.claim(server, pool=range(3, 6), prefix=prefix)
    assert (first.db, second.db) == (3, 4)
    assert first.url == f"{server}/3" and second.url == f"{server}/4"

    test_redis.release(first)
    again = test_redis.claim(server, pool=range(3, 6), prefix=prefix)
    assert again.db == 3
    test_redis.claim(server, pool=range(3, 6), prefix=prefix)
    with pytest.raises(test_redis.TestRedisError, match="every Redis database 3-5 .* is held"):
        test_redis.claim(server, pool=range(3, 6), prefix=prefix)


def test_a_named_database_is_kept_and_a_second_run_naming_it_is_stopped(server, prefix):
    lease = test_redis.claim(f"{server}/9", prefix=prefix)
    assert lease.url == f"{server}/9" and lease.explicit

    with pytest.raises(test_redis.TestRedisError) as raised:
        test_redis.claim(f"{server}/9", prefix=prefix)
    message = str(raised.value)
    assert "Redis database 9" in message and "in use by another test run" in message
    assert f"process {os.getpid()}" in message and "TEST_REDIS_URL" in message

    test_redis.release(lease)
    assert test_redis.claim(f"{server}/9", prefix=prefix).db == 9


def test_the_lease_of_a_killed_run_is_taken_over_one_of_another_host_is_not(server, prefix):
    import socket

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    registry = redis.Redis.from_url(f"{server}/0")
    registry.set(f"{prefix}7", json.dumps({"token": "x", "host": socket.gethostname(),
                                           "pid": int(dead.stdout)}), ex=60)
    registry.set(f"{prefix}8", json.dumps({"token": "y", "host": "another-machine", "pid": 1}), ex=60)

    assert test_redis.claim(f"{server}/7", prefix=prefix).db == 7
    with pytest.raises(test_redis.TestRedisError, match="process 1 on another-machine"):
        test_redis.claim(f"{server}/8", prefix=prefix)


def _settings_url(env: dict[str, str], as_pytest: bool) -> dict:
    """REDIS_URL of config.settings.test in a new process (importing pytest first, as a pytest run
    does, or not), and who held its database while that process ran."""
    code = (
        ("import pytest\n" if as_pytest else "")
        + "import json\n"
        "from django.conf import settings\n"
        "from config import test_redis\n"
        "url = settings.REDIS_URL\n"
        "print(json.dumps({'url': url, 'pid': __import__('os').getpid(),"
        " 'holder': test_redis.holder(url) if test_redis.database(url) else None}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, capture_output=True, text=True,
                          timeout=60, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.test"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_a_pytest_run_without_a_database_number_leases_a_free_one_until_it_exits(server):
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_REDIS_URL", test_redis.LEASE_ENV)}
    env["TEST_REDIS_URL"] = server

    child = _settings_url(env, as_pytest=True)
    db = test_redis.database(child["url"])
    assert db in test_redis.POOL and db != test_redis.database(settings.REDIS_URL)
    assert child["holder"]["pid"] == child["pid"]
    # Gone with the process:
    after = test_redis.holder(child["url"])
    assert after is None or after["pid"] != child["pid"]

    # Other processes importing the test settings (bootstrap's service check, manage.py) take
    # database 15 when none is named, and lease nothing.
    other = _settings_url(env, as_pytest=False)
    assert other["url"] == f"{server}/15"
    assert other["holder"] is None or other["holder"]["pid"] != other["pid"]
