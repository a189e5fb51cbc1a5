"""docker-compose.yml: db, redis, web, worker and beat; one image and env file; commands import."""

import importlib
import re
import shlex

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app

from .helpers import BASE_DIR

APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def services():
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    return compose["services"]


def _command(service: dict) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def _env_files(service: dict) -> list[str]:
    env_file = service.get("env_file")
    return [env_file] if isinstance(env_file, str) else list(env_file or [])


def test_the_five_services_exist(services):
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    assert services["db"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")


def test_web_worker_and_beat_share_one_image_and_one_env_file(services):
    app = [services[name] for name in APP_SERVICES]
    assert len({s.get("image") for s in app}) == 1 and app[0].get("image")
    assert len({repr(s.get("build")) for s in app}) == 1 and app[0].get("build")
    assert all(_env_files(s) == [".env"] for s in app)
    assert (BASE_DIR / ".env.example").is_file()
    assert all(s["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
               for s in app)


def test_the_image_is_built_from_the_dockerfile(services):
    build = services["web"]["build"]
    context = build if isinstance(build, str) else build.get("context", ".")
    dockerfile = BASE_DIR / context / "Dockerfile"
    text = dockerfile.read_text()
    assert re.search(r"^FROM python:3\.11-slim", text, re.M)
    assert "uv sync --frozen" in text
    assert "compilemessages" in text and "collectstatic" in text


def test_exactly_one_beat(services):
    beat = services["beat"]
    assert beat.get("deploy", {}).get("replicas", 1) == 1
    assert beat.get("scale", 1) == 1


def test_web_runs_gunicorn_on_an_importable_wsgi_application(services):
    command = _command(services["web"])
    assert command[0] == "gunicorn"
    target = next(arg for arg in command[1:] if not arg.startswith("-") and ":" in arg)
    module_name, attr = target.split(":")
    assert module_name == "config.wsgi"
    assert callable(getattr(importlib.import_module(module_name), attr))


def test_static_files_are_served_by_whitenoise(settings):
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE


@pytest.mark.parametrize(("service", "subcommand"), [("worker", "worker"), ("beat", "beat")])
def test_celery_services_name_an_importable_app(services, service, subcommand):
    command = _command(services[service])
    assert command[0] == "celery"
    app_name = command[command.index("-A") + 1]
    assert subcommand in command
    app = find_app(app_name)  # what `celery -A config` does
    assert isinstance(app, Celery)
    assert app is importlib.import_module("config").celery_app


def test_procfile_runs_web_worker_and_beat():
    lines = dict(
        line.split(":", 1) for line in (BASE_DIR / "Procfile").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert set(lines) == {"web", "worker", "beat"}
    assert "manage.py runserver" in lines["web"]
    assert "celery -A config worker" in lines["worker"]
    assert "celery -A config beat" in lines["beat"]
