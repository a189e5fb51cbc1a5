"""The benchmark (``make bench``, scripts/bench): production's shape on 127.0.0.1 — DEBUG off,
the same field encryption and middleware — in a database of its own (``BENCH_DATABASE_URL``,
default ``terpadu_bench``), with the floor page switched on (``BENCH_FLOOR``). Never deployed."""

from .base import *  # noqa: F401,F403
from .base import env

TERPADU_ENV = "bench"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
DATABASES = {"default": env.db("BENCH_DATABASE_URL",
                               default="postgres://postgres@127.0.0.1:5432/terpadu_bench")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = 60
REDIS_URL = env("BENCH_REDIS_URL", default="redis://127.0.0.1:6379/14")
CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
CELERY_BROKER_URL = REDIS_URL
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Locust signs in once per virtual user through a session made by the harness (scripts/bench):
# the lockout counts nothing here.
AXES_ENABLED = False
#: The floor: a page rendering a 50-row table from one indexed query (config.floor), so the
#: benchmark reads as ratios on a noisy machine. Only these settings switch it on.
BENCH_FLOOR = True
LOGGING["root"] = {"handlers": ["console"], "level": "WARNING"}  # noqa: F405
