"""Journeys settings: one module, driven by environment variables.

With no environment at all the app runs embedded: SQLite under var/, Celery tasks eagerly in
the request's process, DEBUG on. Production differs only by environment (see README,
"Configuration"). Bad production settings stop the app at start with ImproperlyConfigured
naming the variable.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("JOURNEYS_VAR_DIR", BASE_DIR / "var"))

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


# SQLite as `make run` serves it (scripts/serve): many gunicorn threads writing at once, a staff
# meeting submitting the survey together. WAL lets readers go on beside the one writer;
# synchronous=NORMAL is WAL's usual pairing (a committed row survives the app crashing, not
# necessarily a power cut in its last moments). Every transaction takes the write lock at BEGIN
# (IMMEDIATE), so none fails with "database is locked" when upgrading from reading to writing; a
# writer waits up to `timeout` seconds for the lock instead of failing at once.
SQLITE_OPTIONS: dict[str, object] = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
# With a broker there are several processes (web workers, Celery), and an in-memory cache each:
# the per-address survey limit would count each process's requests apart (4 web workers let 4
# times the limit through) and the recompute debounce keys would not be shared. So production
# with a broker stops at start without a shared cache.
CACHE_URL_REQUIRED = (
    "CACHE_URL must be set when CELERY_BROKER_URL is and DEBUG is off (redis://host:6379/1): "
    "without a shared cache each process keeps its own throttle counts."
)


def env_str(name: str, default: str = "") -> str:
    """A variable's value, or the contents of the file named by NAME_FILE (Docker secrets)."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            return Path(file_path).read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_path}: {error}") from error
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from error


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in env_str(name, default).split(",") if part.strip()]


def database_from_url(url: str) -> dict[str, object]:
    """Django's DATABASES entry for a postgres:// URL (or sqlite:///path)."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if not path or path == "/":
            raise ImproperlyConfigured("DATABASE_URL: a sqlite URL needs a file path.")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path, "OPTIONS": SQLITE_OPTIONS}
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL must start with postgres:// (or sqlite:///), not {parts.scheme!r}."
        )
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured("DATABASE_URL has no database name (postgres://host/NAME).")
    try:
        port = parts.port
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL has a bad port: {error}.") from error
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port or ""),
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
        # A connection dropped by a database restart is noticed before use, not mid-request.
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": options,
    }


def cache_from_url(url: str) -> dict[str, object]:
    """Django's CACHES entry for CACHE_URL (redis://host:6379/1): Redis, where each process's
    memory stands in while Redis is down (journeys/cache.py), instead of every request failing."""
    return {
        "BACKEND": "journeys.cache.ForgivingRedisCache",
        "LOCATION": url,
        # A Redis that is down or unreachable answers within seconds; it never hangs a request.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }


DEBUG = env_bool("DEBUG", default=not os.environ.get("DATABASE_URL"))

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "embedded-mode-only-not-a-secret"  # noqa: S105 - DEBUG only, never served

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
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
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # The project package, installed for its migration history only (journeys/apps.py).
    "journeys",
    "districts",
    "surveys",
    "onpoint",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "journeys.nul_in_query.RefuseNulInQueryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "journeys.audit_log.AuditMiddleware",
    # Last, so that it sees a view's exception first: a database outage answers 503, try again.
    "journeys.outage.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "journeys.urls"
WSGI_APPLICATION = "journeys.wsgi.application"

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
                "journeys.context_processors.navigation",
            ],
        },
    }
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "journeys.sqlite3",
            "OPTIONS": SQLITE_OPTIONS,
        }
    }
# Parallel test runs (two checkouts, CI and a laptop) each get their own test database.
if test_database_name := os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": test_database_name}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Failed logins per account name before it is paused, and for how long (districts/login_lockout.py).
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Stages count school years from a date; that date is taken in this zone (see docs/decisions.md).
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# plotly.js comes from the installed plotly package, served as vendor/plotly/plotly.min.js.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "onpoint.plotly_assets.PlotlyFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

ADMIN_URL = env_str("ADMIN_URL", "admin/").strip("/") + "/"

CACHE_URL = env_str("CACHE_URL")
if not CACHE_URL and env_str("CELERY_BROKER_URL") and not DEBUG:
    raise ImproperlyConfigured(CACHE_URL_REQUIRED)
CACHES = {
    "default": cache_from_url(CACHE_URL)
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# --- Security ---------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A strict policy: every script and style is a file from this app; nothing inline, no other host.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# --- API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous call gets 401 with WWW-Authenticate, not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON only: the browsable API needs inline script, which the CSP forbids; /api/docs/ serves.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "journeys.api_errors.exception_handler",
}
# Anonymous survey submissions per network address and survey link, on the page and the API
# alike (surveys/rate_limit.py). A staff meeting of 300 submits from one school address within
# minutes (domain.md): the limit is per address but far above that.
SURVEY_SUBMIT_RATE = env_str("THROTTLE_SURVEY_SUBMIT", "1200/hour")
SPECTACULAR_SETTINGS = {
    "TITLE": "Journeys API",
    "DESCRIPTION": "Onpoint scores, benchmarks and survey campaigns. Contract: docs/api-v1.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One enum of the respondent's roles wherever a role appears (a response, a breakdown, the
    # high and low role of an alignment gap).
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "onpoint.method.structure.ROLES",
        "CategoryEnum": "onpoint.method.structure.CATEGORY_KEYS",
        "DimensionEnum": "onpoint.method.structure.DIMENSIONS",
    },
}

# --- Celery -------------------------------------------------------------------------------
from celery.schedules import crontab  # noqa: E402 - this section's own import

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
if CELERY_BROKER_URL.startswith("redis://"):
    # kombu's Redis transport, except that a worker survives a Redis outage (journeys/broker.py).
    CELERY_BROKER_TRANSPORT = "journeys.broker:Transport"
# No broker: tasks run in the request's process (after commit), the embedded mode.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Embedded mode only: the seconds between two sweeps of the web process's stand-in for beat
# (journeys/embedded_beat.py), which releases a campaign whose closing time has passed.
EMBEDDED_SWEEP_SECONDS = env_int("EMBEDDED_SWEEP_SECONDS", 60)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 900)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 840)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Fail fast when the broker is down: the response is stored and the sweep catches up.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A task acknowledged late whose worker died is redelivered after this many seconds; it must
    # exceed the longest task's hard time limit (onpoint.tasks: 30 minutes for a rebuild).
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 1,
}
CELERY_TIMEZONE = "UTC"
# One queue name per deployment (the worker test uses its own, so no other worker takes its tasks).
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_BEAT_SCHEDULE = {
    # The safety net of the coalesced recomputes: dirty campaigns, lost messages, a broker that
    # was down, and campaigns that opened or closed since the last benchmark rebuild.
    "onpoint-sweep-dirty-campaigns": {
        "task": "onpoint.tasks.sweep_dirty_campaigns",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Nightly, so that anything no event announced (a district's launch date moved, a campaign
    # excluded from the benchmarks) is in the benchmarks by morning.
    "onpoint-nightly-benchmarks": {
        "task": "onpoint.tasks.rebuild_benchmarks",
        "schedule": crontab(hour=3, minute=17),
    },
    # Personal survey links: erase the addresses of campaigns closed by their date, and send
    # the scheduled reminders that are due (surveys.tasks).
    "surveys-sweep-invitations": {
        "task": "surveys.tasks.sweep_invitations",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
}

# --- Logging ------------------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}


# The public address of the app, used in survey links and QR codes when set.
PUBLIC_URL = env_str("PUBLIC_URL").rstrip("/")

# --- The board report (issue 14) -----------------------------------------------------------
# Paper of a campaign's board report (onpoint/board_report.py): US Letter, or A4.
REPORT_PAGE_SIZES = ("letter", "a4")
REPORT_PAGE_SIZE = env_str("REPORT_PAGE_SIZE", "letter").lower()
if REPORT_PAGE_SIZE not in REPORT_PAGE_SIZES:
    raise ImproperlyConfigured(f"REPORT_PAGE_SIZE must be letter or a4, not {REPORT_PAGE_SIZE!r}.")
# The Chromium that draws the report's charts (kaleido); empty: `chromium` on the PATH. Kaleido
# never downloads a browser here.
REPORT_BROWSER_PATH = env_str("BROWSER_PATH")
# --- Email (issue 15: personal survey links, reminders, the school team's invitations) -----
# Django's MAILERS. EMAIL_HOST set: the SMTP backend (production; docker compose points it at
# Mailpit, which catches every mail). Unset with DEBUG on (the embedded default, `make run`):
# every mail is written as a file under var/mail/. Unset with DEBUG off: the SMTP server of the
# machine itself (localhost:25, Django's own default), so that `check --deploy` holds and a mail
# that cannot go is counted as not delivered on the page, never silently kept in a file.
# Mails are sent by the worker.
# The environment keeps Django's classic EMAIL_* names; they are read into lower-case names here,
# since Django 6.1 refuses the EMAIL_* settings beside MAILERS.
email_host = env_str("EMAIL_HOST")
email_use_tls = env_bool("EMAIL_USE_TLS", default=False)
email_use_ssl = env_bool("EMAIL_USE_SSL", default=False)
if email_use_tls and email_use_ssl:
    raise ImproperlyConfigured(
        "EMAIL_USE_TLS and EMAIL_USE_SSL are exclusive: STARTTLS (587) or TLS from the start (465)."
    )
MAIL_DIR = VAR_DIR / "mail"
MAILERS: dict[str, dict[str, Any]]
if email_host or not DEBUG:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": email_host or "localhost",
                "port": env_int(
                    "EMAIL_PORT", 587 if email_use_tls else 465 if email_use_ssl else 25
                ),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": email_use_tls,
                "use_ssl": email_use_ssl,
                # Seconds a mail server may take to answer before the mail counts as not
                # delivered (and the next address is tried).
                "timeout": env_int("EMAIL_TIMEOUT", 20),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(MAIL_DIR)},
        }
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Journeys <journeys@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
