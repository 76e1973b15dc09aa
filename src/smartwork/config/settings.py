"""Settings, read from environment variables with safe defaults for the demo.

Production: set DEBUG=0 (the default), SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL
(postgres://...). The demo (`smartwork demo`) sets SMARTWORK_DEMO=1, which turns
DEBUG on and provides a throw-away secret key.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("SMARTWORK_DATA_DIR", Path.cwd() / "data")).resolve()
DEMO = env_bool("SMARTWORK_DEMO")
TESTING = env_bool("SMARTWORK_TESTING")

DEBUG = env_bool("DEBUG", default=DEMO)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or DEMO or TESTING:
        SECRET_KEY = "insecure-demo-key-never-use-in-production-0123456789abcdefghij"
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (export SECRET_KEY=... "
            "or run `smartwork demo` for the demo)."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if not DEBUG else "*")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    "ninja",  # Swagger UI's files for /api/v1/docs come from the package, not a CDN
    "smartwork.core",
    "smartwork.accounts",
    "smartwork.network",
    "smartwork.bookings",
    "smartwork.credits",
    "smartwork.billing",
    "smartwork.wifi",
    "smartwork.insights",
    "smartwork.workplans",
    "smartwork.wellbeing",
    "smartwork.economics",
    "smartwork.community",
    "smartwork.sso",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "smartwork.twofactor",
    "smartwork.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "smartwork.core.guard.ApiGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "smartwork.web.middleware.ProductErrorPagesMiddleware",  # the demo's 404/500 pages
    "smartwork.core.idempotency.IdempotencyMiddleware",
]
# The API's stack for Bearer-token requests without a session cookie (core/wsgi.py).
API_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "smartwork.core.guard.ApiGuardMiddleware",
    "smartwork.core.wsgi.AnonymousUserMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "smartwork.core.idempotency.IdempotencyMiddleware",
]

# The API's limits (core/guard.py, docs/operations.md "Limits"): a JSON or form body up
# to DATA_UPLOAD_MAX_MEMORY_SIZE (Django's 2.5 MB), an upload (CSV, bank statement) up to
# SMARTWORK_MAX_UPLOAD_BYTES, a page of a list up to 1,000 rows.
SMARTWORK_MAX_UPLOAD_BYTES = int(os.environ.get("SMARTWORK_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
NINJA_PAGINATION_MAX_LIMIT = 1000

ROOT_URLCONF = "smartwork.config.urls"
WSGI_APPLICATION = "smartwork.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------
DATA_DIR.mkdir(parents=True, exist_ok=True) if not os.environ.get("DATABASE_URL") else None
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'smartwork.sqlite3'}"
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=0 if TESTING else 60)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE: every write transaction takes the write lock at BEGIN, so two
    # writers queue on the busy timeout instead of failing with "database is
    # locked" when a read lock is upgraded. WAL lets readers go on meanwhile.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
        ),
    }
    _db["CONN_MAX_AGE"] = 0 if TESTING else 600
    test_name = os.environ.get("SMARTWORK_SQLITE_TEST_NAME")
    if test_name:
        # A file, not the in-memory database: race tests use real threads,
        # each with its own connection.
        _db["TEST"] = {"NAME": test_name}
else:
    _db.setdefault("OPTIONS", {})
    # Django's backend, with the health check skipped on a connection that ended a
    # request cleanly less than a second ago (core/postgres/base.py).
    _db["ENGINE"] = "smartwork.core.postgres"
    _db["CONN_HEALTH_CHECKS"] = True
    # Server-side prepared statements for the hot statements (core/fastsql.py: only its
    # cursors bind on the server; Django's own keep client-side binding). A statement
    # run 5 times on a connection is prepared: PostgreSQL stops parsing and planning it
    # (planning was most of its cost on a booking). 0 turns it off, e.g. behind a
    # transaction-pooling PgBouncer older than 1.21.
    _prepare = int(os.environ.get("SMARTWORK_PG_PREPARE_THRESHOLD", "5"))
    _db["OPTIONS"].setdefault("prepare_threshold", _prepare or None)
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Fast hashes in tests only: argon2 is deliberately slow.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# --- I18n -----------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("Français")), ("nl", _("Nederlands")),
             ("de", _("Deutsch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# --- Email ----------------------------------------------------------------------
_mail_backend = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_mail_options: dict[str, object] = {}
if _mail_backend.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS"),
    }
MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "smartwork <noreply@smartwork.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Tasks ----------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

# --- Security (production) ------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}

# --- Content-Security-Policy (docs/operations.md) ---------------------------------
# Scripts only from the site's own files (no inline script, no on* attribute, no eval);
# styles may be inline (Leaflet and htmx set them). Map tiles from the tile server.
def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.netloc.replace("{s}", "*")  # subdomain placeholders: any subdomain
    return f"{parts.scheme}://{host}" if parts.scheme and host else ""


_TILE_ORIGIN = _origin(os.environ.get(
    "SMARTWORK_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"))
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", *([_TILE_ORIGIN] if _TILE_ORIGIN else [])],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# --- smartwork ------------------------------------------------------------------
SMARTWORK: dict[str, Any] = {
    # Map tiles for Leaflet; pages work without them.
    "TILE_URL": os.environ.get(
        "SMARTWORK_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    ),
    "TILE_ATTRIBUTION": os.environ.get(
        "SMARTWORK_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors"
    ),
    "OSRM_URL": os.environ.get("SMARTWORK_OSRM_URL", ""),
    "BASE_URL": os.environ.get("SMARTWORK_BASE_URL", "http://127.0.0.1:8000"),
    "PRIVACY_MIN_GROUP": int(os.environ.get("SMARTWORK_PRIVACY_MIN_GROUP", "5")),
    # How long a process trusts an API token it has checked (accounts/services.py):
    # a revocation made elsewhere is honoured within this delay. 0: check every request.
    "API_TOKEN_CACHE_SECONDS": float(os.environ.get("SMARTWORK_API_TOKEN_CACHE_SECONDS", "5")),
    # The operator's Peppol access point (billing/peppol.py, docs/billing.md). No URL:
    # invoices go by email; a customer set to "peppol" waits, failed, for one.
    "PEPPOL_AP_URL": os.environ.get("SMARTWORK_PEPPOL_AP_URL", ""),
    "PEPPOL_AP_TOKEN": os.environ.get("SMARTWORK_PEPPOL_AP_TOKEN", ""),
    "PEPPOL_AP_ADAPTER": os.environ.get(
        "SMARTWORK_PEPPOL_AP_ADAPTER", "smartwork.billing.peppol.HttpAccessPoint"),
    "PEPPOL_AP_TIMEOUT": float(os.environ.get("SMARTWORK_PEPPOL_AP_TIMEOUT", "20")),
    # Failed logins (accounts/throttle.py): after this many failures an account (or a
    # client address) is locked, first for LOGIN_LOCK_SECONDS, twice as long each time
    # again, at most LOGIN_LOCK_MAX_SECONDS. Kept in the database: every process agrees.
    "LOGIN_MAX_FAILURES": int(os.environ.get("SMARTWORK_LOGIN_MAX_FAILURES", "5")),
    "LOGIN_MAX_FAILURES_PER_ADDRESS": int(
        os.environ.get("SMARTWORK_LOGIN_MAX_FAILURES_PER_ADDRESS", "30")),
    "LOGIN_LOCK_SECONDS": int(os.environ.get("SMARTWORK_LOGIN_LOCK_SECONDS", "60")),
    "LOGIN_LOCK_MAX_SECONDS": int(os.environ.get("SMARTWORK_LOGIN_LOCK_MAX_SECONDS", "3600")),
    # API tokens: lifetime by default and at most (days), and how many a user may hold.
    "API_TOKEN_DEFAULT_DAYS": int(os.environ.get("SMARTWORK_API_TOKEN_DEFAULT_DAYS", "90")),
    "API_TOKEN_MAX_DAYS": int(os.environ.get("SMARTWORK_API_TOKEN_MAX_DAYS", "365")),
    "API_TOKENS_PER_USER": int(os.environ.get("SMARTWORK_API_TOKENS_PER_USER", "10")),
    # The task queue's lease (core/lease.py, docs/operations.md "Workers"): each worker
    # beats every WORKER_HEARTBEAT_SECONDS; a task RUNNING in a worker silent for longer
    # than WORKER_GRACE_SECONDS is put back in the queue by the sweeper (every
    # TASK_SWEEP_SECONDS), at most TASK_MAX_REQUEUES times, then left FAILED.
    "WORKER_HEARTBEAT_SECONDS": float(os.environ.get("SMARTWORK_WORKER_HEARTBEAT_SECONDS", "5")),
    "WORKER_GRACE_SECONDS": float(os.environ.get("SMARTWORK_WORKER_GRACE_SECONDS", "60")),
    "TASK_SWEEP_SECONDS": int(os.environ.get("SMARTWORK_TASK_SWEEP_SECONDS", "30")),
    "TASK_MAX_REQUEUES": int(os.environ.get("SMARTWORK_TASK_MAX_REQUEUES", "3")),
}

# Two-factor login (smartwork.twofactor, docs/operations.md "Two-factor login"):
# the issuer name authenticator apps show, and how long the second step may wait.
OTP_TOTP_ISSUER = "smartwork"
TWO_FACTOR_PENDING_SECONDS = 600
# The failed-login limits (accounts/throttle.py) count wrong codes: django-otp's own
# per-device delay is not used on top of them.
OTP_TOTP_THROTTLE_FACTOR = 0
