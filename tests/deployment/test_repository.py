"""The repository stays clean: migrations match the models and ruff finds nothing."""

import os
import subprocess
import sys

from .helpers import BASE_DIR


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=dict(os.environ),
                          capture_output=True, text=True, timeout=300)


def test_makemigrations_check_finds_no_changes():
    proc = _run("manage.py", "makemigrations", "--check", "--dry-run",
                "--settings=config.settings.test")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_is_clean():
    proc = _run("-m", "ruff", "check", "--output-format=concise", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr
