"""Links in e-mails and the documents' QR codes work in the demo: SITE_URL follows the port
`make run` serves on; production still requires SITE_URL."""

import os
import stat
import subprocess

from .helpers import BASE_DIR, NO_DOTENV, production_env, run_python

PRINT_SITE_URL = NO_DOTENV + (
    "import django\n"
    "django.setup()\n"
    "from django.conf import settings\n"
    "print(settings.SITE_URL)\n"
)


def _local_env(**extra: str) -> dict[str, str]:
    return {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings.local", **extra}


def test_local_site_url_follows_the_served_port():
    proc = run_python(PRINT_SITE_URL, env=_local_env(WEB_PORT="8010"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8010"


def test_local_site_url_is_port_8000_by_default_and_an_explicit_one_wins():
    proc = run_python(PRINT_SITE_URL, env=_local_env())
    assert proc.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8000", proc.stderr
    proc = run_python(PRINT_SITE_URL, env=_local_env(WEB_PORT="8010", SITE_URL="https://demo.example.id"))
    assert proc.stdout.strip().splitlines()[-1] == "https://demo.example.id", proc.stderr


def test_make_run_port_is_the_runserver_port_every_process_sees(tmp_path):
    # A stand-in for uv records what honcho would be started with; the Procfile's web line
    # serves on WEB_PORT and local settings derive SITE_URL from it.
    fake_uv = tmp_path / "uv"
    fake_uv.write_text(f'#!/bin/sh\necho "WEB_PORT=$WEB_PORT $*" > {tmp_path}/started\n')
    fake_uv.chmod(fake_uv.stat().st_mode | stat.S_IEXEC)
    env = dict(os.environ)
    env.pop("MAKEFLAGS", None)
    env.pop("WEB_PORT", None)
    env.pop("PORT", None)
    proc = subprocess.run(["make", "--no-print-directory", "run", "BOOTSTRAP=true", f"UV={fake_uv}",
                           "PORT=8010"], cwd=BASE_DIR, env=env, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "http://127.0.0.1:8010/" in proc.stdout
    started = (tmp_path / "started").read_text()
    assert started.startswith("WEB_PORT=8010 "), started
    assert "honcho start -f Procfile" in started
    assert "runserver 0.0.0.0:${WEB_PORT" in (BASE_DIR / "Procfile").read_text()


def test_production_does_not_derive_site_url_from_the_port():
    proc = run_python(NO_DOTENV + "import config.settings.production",
                      env=production_env(SITE_URL=None, WEB_PORT="8010", PORT="8010"))
    assert proc.returncode != 0
    assert "ImproperlyConfigured" in proc.stderr
    assert "SITE_URL" in proc.stderr
