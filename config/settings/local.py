"""Developer machine: DEBUG on unless said otherwise, safe defaults from base."""

from .base import *  # noqa: F401,F403
from .base import env

TERPADU_ENV = "local"
DEBUG = env.bool("DJANGO_DEBUG", default=True)
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
