"""Developer machine: DEBUG on unless said otherwise, safe defaults from base."""

from .base import *  # noqa: F401,F403
from .base import env

TERPADU_ENV = "local"
DEBUG = env.bool("DJANGO_DEBUG", default=True)
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Links in e-mails and the documents' QR codes point where `make run` serves: the Makefile passes
# PORT on as WEB_PORT (Procfile; honcho gives each process its own PORT, so that one is not read).
# An explicit SITE_URL wins; production requires it (config/settings/production.py).
if "SITE_URL" not in env.ENVIRON:
    SITE_URL = f"http://127.0.0.1:{env.int('WEB_PORT', default=8000)}"
