"""Tests: the real PostgreSQL and Redis, fast hashing, a separate database and Redis DB."""

from config.test_redis import url_for_this_process

from .base import *  # noqa: F401,F403
from .base import env

TERPADU_ENV = "test"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# locmem unless a test runs other processes (a real Celery worker) whose mail it must count:
# those get the file backend through these two variables.
EMAIL_BACKEND = env("TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env("TEST_EMAIL_FILE_PATH", default="")
# One Redis database per test run, leased so that concurrent runs never share (config/test_redis.py):
# the one TEST_REDIS_URL names, or a free one when it names none.
REDIS_URL = url_for_this_process(env("TEST_REDIS_URL", default=""))
CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
CELERY_BROKER_URL = REDIS_URL
AXES_FAILURE_LIMIT = 5
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
AXES_VERBOSE = False
# A second, test-only document kind (tests/documents/test_document_sign.py).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.fakedocs"]  # noqa: F405
