"""Production settings: secrets only from the environment; .env.example names all of them and
makes `check --deploy` clean with nothing silenced; seed_demo refuses to run there."""

import json

from .helpers import MANAGE, NO_DOTENV, PRODUCTION_SECRETS, env_example, production_env, run_python

IMPORT_WITHOUT = NO_DOTENV + """
import importlib, json, os, sys
from django.core.exceptions import ImproperlyConfigured

full = dict(os.environ)
result = {}
for name in sys.argv[1:]:
    os.environ.clear()
    os.environ.update({k: v for k, v in full.items() if k != name})
    for module in ("config.settings.production", "config.settings.base"):
        sys.modules.pop(module, None)
    try:
        settings = importlib.import_module("config.settings.production")
        result[name] = {"silenced": settings.SILENCED_SYSTEM_CHECKS, "debug": settings.DEBUG}
    except ImproperlyConfigured as exc:
        result[name] = "ImproperlyConfigured: " + str(exc)
print(json.dumps(result))
"""


def test_env_example_names_every_production_secret():
    assert set(PRODUCTION_SECRETS) <= set(env_example())


def test_check_deploy_is_clean_with_only_env_example():
    proc = run_python(MANAGE, "check", "--deploy", env=production_env())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "System check identified no issues (0 silenced)." in proc.stdout, proc.stdout
    assert "WARNINGS" not in proc.stdout + proc.stderr


def test_production_silences_nothing_and_each_secret_is_required():
    proc = run_python(IMPORT_WITHOUT, "(none)", *PRODUCTION_SECRETS, env=production_env())
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["(none)"] == {"silenced": [], "debug": False}
    for name in PRODUCTION_SECRETS:
        assert str(result[name]).startswith("ImproperlyConfigured"), (name, result[name])
        assert name in result[name]


def test_settings_import_fails_without_secret_key():
    proc = run_python(NO_DOTENV + "import config.settings.production",
                      env=production_env(SECRET_KEY=None))
    assert proc.returncode != 0
    assert "ImproperlyConfigured" in proc.stderr
    assert "SECRET_KEY" in proc.stderr


def test_seed_demo_refuses_under_production_settings():
    proc = run_python(MANAGE, "seed_demo", env=production_env())
    assert proc.returncode != 0
    assert "produksi" in proc.stderr
