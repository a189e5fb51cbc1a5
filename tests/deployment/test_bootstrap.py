"""`make run` / `make test` set-up: without root, a missing system package stops the bootstrap
with a message naming it; `make test` fails when pytest collects nothing; `make test-fast` runs the
unit lane only."""

import os
import subprocess

from .helpers import BASE_DIR


def _path_without(tmp_path, *commands: str) -> str:
    """A one-directory PATH holding every command of the current PATH except ``commands``."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    for directory in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(directory):
            continue
        for name in os.listdir(directory):
            target = os.path.join(directory, name)
            link = fake_bin / name
            if name in commands or link.exists() or not os.access(target, os.X_OK):
                continue
            if os.path.isfile(target):
                link.symlink_to(target)
    return str(fake_bin)


def test_bootstrap_without_root_names_the_missing_redis_server(tmp_path):
    env = dict(os.environ)
    env.update(
        PATH=_path_without(tmp_path, "redis-server"),
        TERPADU_BOOTSTRAP_NONROOT="1",  # behave as a user who may not apt-get or start services
        TEST_REDIS_URL="redis://127.0.0.1:1/15",  # nothing answers there
    )
    proc = subprocess.run(["bash", "scripts/bootstrap.sh", "test"], cwd=BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert proc.returncode != 0, proc.stdout + proc.stderr
    assert "missing system packages: redis-server" in proc.stderr, proc.stderr
    assert "apt-get install -y redis-server" in proc.stderr
    assert "docker compose up -d db redis" in proc.stderr


def test_make_test_fails_when_pytest_collects_nothing():
    env = dict(os.environ)
    env.pop("MAKEFLAGS", None)
    proc = subprocess.run(
        ["make", "--no-print-directory", "test", "BOOTSTRAP=true",
         "ARGS=tests/deployment/test_compose.py -k no_test_has_this_name"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode != 0, proc.stdout + proc.stderr
    assert "collected no tests" in proc.stderr


def test_make_test_fast_runs_only_the_unit_lane():
    env = dict(os.environ)
    env.pop("MAKEFLAGS", None)
    proc = subprocess.run(
        ["make", "--no-print-directory", "test-fast", "BOOTSTRAP=true",
         "ARGS=tests/deployment/test_compose.py tests/integration/test_celery_worker.py "
         "tests/e2e/test_roles.py tests/common/test_qr.py --collect-only -q"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    collected = [line for line in proc.stdout.splitlines() if "::" in line]
    assert collected, proc.stdout
    assert all(line.startswith("tests/common/test_qr.py::") for line in collected), proc.stdout
    assert "deselected" in proc.stdout
