"""The repository stays clean: migrations match the models and ruff finds nothing — and `make check`,
which CI runs before `make test`, says so (and says so when it is not)."""

import os
import subprocess
import sys
import textwrap

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


def _make_check(**env_overrides: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("MAKEFLAGS", None)
    env.update(env_overrides)
    return subprocess.run(["make", "--no-print-directory", "check", "BOOTSTRAP=true"], cwd=BASE_DIR,
                          env=env, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)


def test_make_check_runs_ruff_migrations_and_system_checks_without_a_database():
    # A fresh clone in CI: the database does not exist yet when `make check` runs.
    proc = _make_check(DATABASE_URL="postgres://postgres@127.0.0.1:5432/terpadu_belum_ada")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "All checks passed!" in proc.stdout  # ruff
    assert "No changes detected" in proc.stdout  # makemigrations --check
    assert "System check identified no issues" in proc.stdout


def test_make_check_fails_when_a_model_change_has_no_migration(tmp_path):
    app = tmp_path / "uji_lupa"
    (app / "migrations").mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "migrations" / "__init__.py").write_text("")
    (app / "models.py").write_text(textwrap.dedent("""\
        from django.db import models


        class Catatan(models.Model):
            isi = models.TextField()
    """))
    (tmp_path / "uji_settings.py").write_text(
        "from config.settings.test import *  # noqa\n"
        "INSTALLED_APPS = [*INSTALLED_APPS, 'uji_lupa']  # noqa\n")

    proc = _make_check(CHECK_SETTINGS="uji_settings", PYTHONPATH=str(tmp_path))
    assert proc.returncode != 0, proc.stdout + proc.stderr
    assert "Migrations for 'uji_lupa'" in proc.stdout


def test_ci_runs_make_check_then_the_whole_suite():
    commands = [line.split() for line in (BASE_DIR / ".ci" / "run").read_text().splitlines()
                if line.startswith("make ")]
    assert [c[:3] for c in commands] == [["make", "--no-print-directory", "check"],
                                         ["make", "--no-print-directory", "test"]]
    makefile = (BASE_DIR / "Makefile").read_text()
    help_text = makefile.split("\nhelp:", 1)[1].split("\n\n", 1)[0]
    for target in ("make test ", "make test-fast ", "make check "):
        assert target in help_text
