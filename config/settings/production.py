"""Production: every secret comes from the environment with no default.

`manage.py check --deploy` is clean here with SILENCED_SYSTEM_CHECKS empty.
"""

from .base import *  # noqa: F401,F403
from .base import env

TERPADU_ENV = "production"
DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
REDIS_URL = env("REDIS_URL")
CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS")
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY")
SIGNING_KEYS = env.list("SIGNING_KEYS", default=[])
# Required unless SIGNING_KEYS names the key ring; then only keys wrapped before the envelope need it.
SIGNING_MASTER_KEY = env("SIGNING_MASTER_KEY") if not SIGNING_KEYS else env("SIGNING_MASTER_KEY", default="")
EMAIL_CONFIG = env.email("EMAIL_URL")
vars().update(EMAIL_CONFIG)
SITE_URL = env("SITE_URL")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SILENCED_SYSTEM_CHECKS: list[str] = []
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=1)
# The signing CA comes from files the deployment provides (no development CA in production).
SIGNING_CA_CERT_FILE = env("SIGNING_CA_CERT_FILE")
SIGNING_CA_KEY_FILE = env("SIGNING_CA_KEY_FILE")
