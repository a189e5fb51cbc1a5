"""Shared by the deployment tests: the repository root and the .env.example environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

# Every variable config/settings/production.py reads with no default.
PRODUCTION_SECRETS = [
    "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "FIELD_ENCRYPTION_KEYS",
    "BLIND_INDEX_KEY", "SIGNING_MASTER_KEY", "EMAIL_URL", "SITE_URL",
    "SIGNING_CA_CERT_FILE", "SIGNING_CA_KEY_FILE",
]

# base.py also loads BASE_DIR/.env when it exists. A developer's .env must not supply a name that
# .env.example lacks, so the child process runs with that loading switched off.
NO_DOTENV = (
    "import environ\n"
    "environ.Env.read_env = classmethod(lambda cls, *args, **kwargs: None)\n"
)

MANAGE = NO_DOTENV + (
    "import sys\n"
    "from django.core.management import execute_from_command_line\n"
    "execute_from_command_line(['manage.py', *sys.argv[1:]])\n"
)


def env_example() -> dict[str, str]:
    """KEY=VALUE lines of .env.example (comments and blank lines skipped), as compose reads them."""
    values = {}
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep, f".env.example: not KEY=VALUE: {line!r}"
        values[key.strip()] = value
    return values


def production_env(**overrides: str | None) -> dict[str, str]:
    """Only .env.example plus PATH; an override of None removes the variable."""
    env = {"PATH": os.environ["PATH"], **env_example()}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_python(code: str, *args: str, env: dict[str, str],
               timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *args], cwd=BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=timeout)
