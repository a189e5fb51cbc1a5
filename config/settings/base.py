"""Settings shared by every environment. Values come from the environment (django-environ).

Local defaults are safe for a developer machine; `config.settings.production` removes the
defaults for every secret so a deployment cannot start without them.
"""

from datetime import date, timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env.smart_cast = False
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(str(BASE_DIR / ".env"))

TERPADU_ENV = "base"
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-secret-key-do-not-use-in-production-0123456789")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- applications -----------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "csp",
    # Terpadu
    "common",
    "agencies",
    "documents",
    "cases",
    "sops",
    "triage",
    "meetings",
    "plans",
    "terminations",
    "reports",
    # Demo data (seed_demo): on top of every app, the only one that knows them all.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The language is the user's saved choice, else Bahasa Indonesia (not the browser's).
    "agencies.middleware.InterfaceLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "common.middleware.IdleTimeoutMiddleware",
    "agencies.middleware.OTPRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Both answer with a page, so they sit inside the CSP middleware; the size check runs before
    # anything (CSRF included) reads the body.
    "common.middleware.RequestSizeLimitMiddleware",
    "agencies.middleware.ActiveMembershipMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # axes last, as its documentation asks
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "agencies.context_processors.navigation",
            ],
            # ``waktu`` and ``tanggal``: the one date-time format (common/timefmt.py).
            "builtins": ["common.templatetags.terpadu_time"],
        },
    },
]

# --- data ---------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/terpadu")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="terpadu"),
    }
}

# --- users and sign-in ---------------------------------------------------------------------------
AUTH_USER_MODEL = "agencies.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "cases.backends.CasePolicyBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# The agency an access-log row is written under when the caller names none (common.audit): the
# user's standing is the agencies app's, and common imports no domain app.
AUDIT_AGENCY_OF = "agencies.selectors.user_primary_agency"

# django-axes: lock a username+IP pair after too many failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]

# Idle sessions end after this many minutes without a request.
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30)
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "common.error_views.csrf_failure"  # styled, Indonesian, with the menu

OTP_TOTP_ISSUER = "Terpadu"

# guardian only stores case grants (cases.CaseGrant, a direct-FK group permission model). Access is
# answered only by cases.policies, which also reads level, expiry and revocation, and
# cases.backends.CasePolicyBackend makes has_perm() agree with them. guardian's backend, shortcuts,
# template tags and User/Group monkey patches would count revoked or expired grants (or bypass the
# grant service), so none is used: tests/cases/test_guardian_rule.py reads the source.
GUARDIAN_MONKEY_PATCH_USER = False
GUARDIAN_MONKEY_PATCH_GROUP = False
ANONYMOUS_USER_NAME = None
GUARDIAN_RENDER_403 = False
GUARDIAN_RAISE_403 = False

# --- i18n ------------------------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
#: One date-time format everywhere: ``02 Des 2026 20.34 WIB`` (common/formats, common/timefmt.py).
FORMAT_MODULE_PATH = ["common.formats"]
USE_I18N = True
USE_TZ = True

# --- the pilot (SKB): it runs one year from 4 June 2026 ----------------------------------------------
# The weekly selection target (R3) is counted per ISO week from PILOT_START to PILOT_END (inclusive).
PILOT_START = date.fromisoformat(env("PILOT_START", default="2026-06-04"))
PILOT_END = date.fromisoformat(env("PILOT_END", default="2027-06-03"))

# --- static and media ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Private storage: attachments are never served as static or public media.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private"))},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- request limits (README, "Requests have limits"; text lengths are in common/limits.py) ---------
# The largest body a page or the API accepts, attachments aside: larger answers 413 (JSON under
# /api/, a page elsewhere). The longest form (a complaint with ten victims and a 10,000-character
# chronology) stays far below it. A multipart upload may carry one attachment more
# (common.limits.ATTACHMENT_MAX_BYTES, 10 MB).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=1000)

# --- security headers ------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- e-mail ------------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Terpadu <no-reply@terpadu.local>")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# --- key material (never derived from SECRET_KEY) ----------------------------------------------------
# FIELD_ENCRYPTION_KEYS: comma-separated "keyid:base64-32-bytes"; the first is used to encrypt.
FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEYS",
    default=["dev1:ZGV2LW9ubHktZmllbGQta2V5LTAwMDAwMDAwMDAwMDA="],
)
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY", default="ZGV2LW9ubHktYmxpbmQtaW5kZXgta2V5LTAwMDAwMDA=")
# Public verification page: requests per client address (django-ratelimit syntax).
VERIFY_RATE_LIMIT = env("VERIFY_RATE_LIMIT", default="30/m")
DOCUMENT_SIGNER_BACKEND = env("DOCUMENT_SIGNER_BACKEND", default="documents.signing.InternalCASigner")
SIGNING_CA_CERT_FILE = env("SIGNING_CA_CERT_FILE", default=str(BASE_DIR / "var" / "ca" / "ca.pem"))
SIGNING_CA_KEY_FILE = env("SIGNING_CA_KEY_FILE", default=str(BASE_DIR / "var" / "ca" / "ca.key"))
SIGNING_MASTER_KEY = env("SIGNING_MASTER_KEY", default="ZGV2LW9ubHktc2lnbmluZy1tYXN0ZXIta2V5LTAwMDA=")
# SIGNING_KEYS: comma-separated "keyid:base64 (>= 32 bytes)"; the first wraps signer and CA keys
# (documents.envelope). Empty: the one key "master" = SIGNING_MASTER_KEY. To rotate, put a new key
# first, keep the old ones, run `manage.py rewrap_signing_keys`, then drop the old ones.
SIGNING_KEYS = env.list("SIGNING_KEYS", default=[])

# --- working days and letter numbers ----------------------------------------------------------------
# From this month on, the admin also warns when next year's collective leave is not entered yet
# (the joint decree for a year usually appears in the September before it). docs/workdays.md
WORKDAYS_NEXT_YEAR_WARNING_MONTH = env.int("WORKDAYS_NEXT_YEAR_WARNING_MONTH", default=10)
# Default letter-number format and zero-padding; an agency may set its own (documents admin).
# Placeholders: {seq} {agency} {kind} {month} (Roman) {year}. docs/letter-numbers.md
LETTER_NUMBER_FORMAT = env("LETTER_NUMBER_FORMAT", default="{seq}/{agency}/{kind}/{month}/{year}")
LETTER_NUMBER_DIGITS = env.int("LETTER_NUMBER_DIGITS", default=3)

# --- sharing identity --------------------------------------------------------------------------------
# A head's grant of `full` (identity) to another agency ends by itself after this many days unless
# the head sets another end (docs/access.md "Sharing identity").
IDENTITY_GRANT_DAYS = env.int("IDENTITY_GRANT_DAYS", default=30)

# --- REST API ----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # knox's token authentication, refusing users with no active membership (agencies.authentication).
        "agencies.authentication.MemberTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "common.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "common.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "common.api.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}
# An API token stops working this long after it was created (no silent renewal); then the user
# creates a new one on their profile page.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.int("API_TOKEN_TTL_HOURS", default=24 * 30)),
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Terpadu API",
    "DESCRIPTION": "Pelayanan Terpadu — API for receiving institutions and the Tim Percepatan.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI is served from the vendored sidecar package: no CDN at runtime.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The API is JSON: document only the JSON request body (DRF still parses forms for the
    # browsable API and the test client).
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    # One name for a choice set that several operations use under different field names.
    "ENUM_NAME_OVERRIDES": {"ConsentFormEnum": "cases.intake.forms.CONSENT_FORM_CHOICES"},
}

# --- Celery ------------------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# One static schedule, in code. Each app adds its sweeps here.
CELERY_BEAT_SCHEDULE = {
    "common-heartbeat": {"task": "common.tasks.heartbeat", "schedule": crontab(minute="*/5")},
    "cases-sla-sweep": {"task": "cases.tasks.sla_sweep", "schedule": crontab(minute="*/2")},
    "meetings-sweep": {"task": "meetings.tasks.meeting_sweep", "schedule": crontab(minute="*/15")},
    "meetings-action-item-sweep": {"task": "meetings.tasks.action_item_sweep",
                                   "schedule": crontab(minute=5, hour="*/1")},
    "meetings-deadline-sweep": {"task": "meetings.tasks.meeting_deadline_sweep",
                                "schedule": crontab(minute=20, hour="*/1")},
    "meetings-emergency-grant-sweep": {"task": "meetings.tasks.emergency_grant_sweep",
                                       "schedule": crontab(minute="*/10")},
}

# --- logging: never identity; request paths carry ids only ------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
