"""Cultivate's settings, read from the environment.

With no environment at all the app runs embedded: SQLite, Celery's filesystem
broker and mail written to files, everything under ``var/``. ``DATABASE_URL``,
``REDIS_URL`` (or ``CELERY_BROKER_URL``) and ``EMAIL_URL`` switch to the real
services; ``DJANGO_DEBUG=0`` is production and insists on its secrets.
"""

import datetime
import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CULTIVATE_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name} must be a boolean (1/0, true/false), not {raw!r}"
    )


def env_int(name: str, default: int) -> int:
    raw = env_str(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {raw!r}"
        ) from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_str(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def email_settings(url: str) -> dict:
    """Return the EMAIL_* settings for an ``smtp://``, ``smtps://`` or ``file://`` URL."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        path = unquote(parts.netloc + parts.path)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": path,
        }
    if parts.scheme in {"smtp", "smtps"}:
        options = parse_qs(parts.query)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": parts.scheme == "smtps",
            "EMAIL_USE_TLS": options.get("tls", ["0"])[0] in {"1", "true", "yes"},
        }
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    raise ImproperlyConfigured(
        f"EMAIL_URL must start with smtp://, smtps://, file:// or console://, not {url!r}"
    )


def site_url_for(bind: str) -> str:
    """Return the address a browser on this machine reaches gunicorn's ``bind`` at."""
    if bind.startswith(("unix:", "fd://")):
        return "http://127.0.0.1:8000"
    host, port = bind, "8000"  # gunicorn's port when BIND names none
    if ":" in bind and not bind.endswith("]"):
        host, port = bind.rsplit(":", 1)
    # Listening on every address: this machine answers on its loopback.
    if host in {"", "0.0.0.0", "[::]"}:
        host = "127.0.0.1"
    return f"http://{host}:{port}"


DEBUG = env_bool("DJANGO_DEBUG", True)
# Production sits behind a TLS proxy: HTTPS-only cookies, HSTS and a redirect
# to https://. `make run` serves plain HTTP on this machine and says
# DJANGO_HTTPS=0, which turns the three off (and matters only with DEBUG off).
HTTPS = env_bool("DJANGO_HTTPS", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY and (SECRET_KEY_FILE := env_str("SECRET_KEY_FILE")):
    # `make run` keeps a key it generated once in var/secret-key.
    try:
        SECRET_KEY = Path(SECRET_KEY_FILE).read_text().strip()
    except OSError as error:
        raise ImproperlyConfigured(
            f"SECRET_KEY_FILE {SECRET_KEY_FILE!r} cannot be read: {error.strerror}"
        ) from None
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
if DEBUG:
    # A development key: never used once DJANGO_DEBUG=0, which demands a real one.
    SECRET_KEY = SECRET_KEY or "django-insecure-cultivate-development-only"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
else:
    if len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set (at least 32 characters) when DJANGO_DEBUG=0"
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_DEBUG=0")

# Where gunicorn listens (the Procfile's web line); the links in emails and
# `make run`'s banner follow it unless SITE_URL names the public address.
BIND = env_str("BIND", "127.0.0.1:8000")
SITE_URL = (env_str("SITE_URL") or site_url_for(BIND)).rstrip("/")

DJANGO_APPS = [
    "growth.apps.CultivateAdminConfig",  # django.contrib.admin, our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = [
    "bootstrap",  # django-bootstrap-static: Bootstrap 5's CSS and JS, no CDN
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "axes",  # sign-in lockout; its tables come with the package's migrations
    "csp",
    "simple_history",  # who changed a note, goal or mentorship, and when
    "import_export",  # the people import and export, in the admin
    "rest_framework",  # the JSON API under /api/v1/ (growth.api)
    "drf_spectacular",  # its OpenAPI 3 schema
    "drf_spectacular_sidecar",  # Swagger UI's files, served from here, not a CDN
]
LOCAL_APPS = [
    "accounts",
    "growth",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# An uploaded people file waits for its preview's confirmation in the
# database, not in a temporary folder: it is people's data.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "growth.services.people_import.DatabaseStorage"
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A NUL in a query or a form is a 400, before any view passes it to SQL.
    "growth.middleware.UnstorableInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # request.access: who the viewer is here, for every rule and guard.
    "growth.middleware.AccessMiddleware",
    # A signed-in person's pages are kept by no cache on the way.
    "growth.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Lets the change history record who made each change.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "growth.urls"
WSGI_APPLICATION = "growth.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "growth.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{VAR_DIR / 'cultivate.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the file: wait for locks
    # instead of failing, and let readers run beside the one writer.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The lockout first: it refuses a locked-out sign-in before any password is checked.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.SignInLockoutBackend",
    "accounts.backends.PasswordBackend",
    "accounts.backends.SingleSignOnBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my-growth"
LOGOUT_REDIRECT_URL = "login"

# Single sign-on with OpenID Connect (mozilla-django-oidc; accounts.oidc), on
# when OIDC_ISSUER is set. Endpoints come from the issuer's discovery document
# when the first sign-in starts, so a provider that is down stops nothing else.
# Register <SITE_URL>/accounts/oidc/callback/ as the redirect URI.
OIDC_ISSUER = env_str("OIDC_ISSUER").rstrip("/")
OIDC_ENABLED = bool(OIDC_ISSUER)
OIDC_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME") or "single sign-on"
# Off: only people who already have an account here get in.
OIDC_CREATE_USERS = env_bool("OIDC_CREATE_USERS", False)
# Off: only superusers sign in with a password (at /accounts/login/?password=1).
PASSWORD_LOGIN = env_bool("PASSWORD_LOGIN", True)
# Seconds the provider may take over each request (discovery, token, keys).
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 5)
if OIDC_ENABLED:
    if not OIDC_ISSUER.startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"OIDC_ISSUER must be a URL, not {OIDC_ISSUER!r}")
    if not OIDC_ISSUER.startswith("https://") and not DEBUG:
        raise ImproperlyConfigured("OIDC_ISSUER must use https:// when DJANGO_DEBUG=0")
    if not (OIDC_CLIENT_ID and OIDC_CLIENT_SECRET):
        raise ImproperlyConfigured(
            "OIDC_ISSUER needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET as well"
        )
elif not PASSWORD_LOGIN:
    raise ImproperlyConfigured(
        "PASSWORD_LOGIN=0 needs single sign-on: set OIDC_ISSUER, or only "
        "superusers could sign in"
    )
if OIDC_TIMEOUT < 1:
    raise ImproperlyConfigured("OIDC_TIMEOUT must be at least 1 second")
# mozilla-django-oidc's own names. Nonce and state are its defaults; PKCE is on.
OIDC_RP_CLIENT_ID = OIDC_CLIENT_ID
OIDC_RP_CLIENT_SECRET = OIDC_CLIENT_SECRET
OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc-callback"

# Invitations: how many days the link of an invitation email works.
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
if INVITATION_DAYS < 1:
    raise ImproperlyConfigured("INVITATION_DAYS must be at least 1")

# Sessions live in the database, so a Redis outage never signs anyone out;
# Django's database engine, with each session's user in a column of its own,
# so deactivating a person deletes their sessions at once (accounts.sessions).
SESSION_ENGINE = "accounts.sessions"

# Sign-in lockout (django-axes): five failures for one email from one address
# lock that pair out for 15 minutes, whether or not the account exists, so the
# lockout says nothing about who has an account and a colleague cannot lock
# someone else out from another machine. The address is REMOTE_ADDR unless
# TRUSTED_PROXY_COUNT says how many proxies of ours append to X-Forwarded-For.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Keep failed attempts only: no log of everyone's every sign-in and address.
AXES_DISABLE_ACCESS_LOG = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.security.axes_username"
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.security.lockout_response"
# Single sign-on is throttled at the provider, which checks the password.
AXES_WHITELIST_CALLABLE = "accounts.oidc.axes_exempt"
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Content-Security-Policy (django-csp): nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# The JSON API (growth.api): personal tokens (``Authorization: Bearer …``), or
# the session of someone signed in for the documentation page, CSRF enforced.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "growth.api.authentication.ApiTokenAuthentication",
        # Signed in, for trying it from its documentation page: a write needs
        # the CSRF token, as a form does (SessionAuthentication enforces it).
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["growth.api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "growth.api.pagination.NewestFirst",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests per token owner, all their tokens together: "<n>/<second|minute|hour|day>".
API_THROTTLE_RATE = env_str("API_THROTTLE_RATE", "1200/hour")
_rate = API_THROTTLE_RATE.split("/")
if not (
    len(_rate) == 2
    and _rate[0].isdigit()
    and int(_rate[0]) > 0
    and _rate[1] in {"second", "minute", "hour", "day"}
):
    raise ImproperlyConfigured(
        f"API_THROTTLE_RATE must be like 1200/hour, not {API_THROTTLE_RATE!r}"
    )
SPECTACULAR_SETTINGS = {
    "TITLE": "Cultivate API",
    "DESCRIPTION": "Feedback, goals, requests, learning and praise, as the "
    "pages show them: every answer keeps to what the token's owner may see.",
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Private by default, as every page: a token or the session reads it.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "VisibilityEnum": "growth.models.feedback.Visibility",
        "SentimentEnum": "growth.models.feedback.Sentiment",
        "CompetencyKindEnum": "growth.models.framework.CompetencyKind",
        "GoalKindEnum": "growth.models.goals.GoalKind",
        "GoalStatusEnum": "growth.models.goals.GoalStatus",
        "FeedbackStatusEnum": "growth.models.feedback.RequestStatus",
        "LearningKindEnum": "growth.models.learning.LearningKind",
        "LinkKindEnum": "growth.links.LinkKind",
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
# Cultivate speaks British English only. Without translation machinery every
# date, label and message skips a per-request lookup of the active language
# (about a tenth of a page's time); the formats are en-GB's, said here.
USE_I18N = False
USE_TZ = True
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, P"
TIME_FORMAT = "P"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y P"
FIRST_DAY_OF_WEEK = 1  # Monday
# The date inputs send ISO dates; people typing one write it day first.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
if DEBUG:
    # WhiteNoise serves from the finders in development but expects the root.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"


def throttle_cache(redis_url: str) -> dict:
    """Return the cache of the API's request counts (growth.api.throttling).

    With Redis, every web worker counts in one place, so a limit is the limit
    and not one per process; without it, each process's memory, so the
    embedded set-up needs no service. Numbers only: a user id and timestamps.
    """
    if not redis_url:
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "api-throttle",
        }
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": redis_url,
        # Beside Celery's keys in the same database, never among them.
        "KEY_PREFIX": "cultivate-throttle",
        # A Redis that hangs must not hang the API: the throttle lets the
        # request through instead (TokenRateThrottle.allow_request).
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }


# Django's cache holds nothing a person wrote and no access decision: pages are
# built fresh on every view. Each process keeps its own, in memory; the API's
# request counts are shared through Redis when there is one.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": throttle_cache(env_str("REDIS_URL")),
}

# Mail: files under var/mail/ unless EMAIL_URL says otherwise.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Cultivate <cultivate@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_URL = env_str("EMAIL_URL") or f"file://{VAR_DIR / 'mail'}"
globals().update(email_settings(EMAIL_URL))
# Seconds the mail server may take over each step of a conversation (connecting,
# each reply). A reply to the message's final dot that takes longer leaves the
# email ambiguous: it may have arrived, so it is not sent again on its own.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
if EMAIL_TIMEOUT < 1:
    raise ImproperlyConfigured("EMAIL_TIMEOUT must be at least 1 second")

# Celery: the filesystem broker under var/ unless Redis is configured.
# The filesystem broker ignores the host; naming one keeps kombu from warning.
FILESYSTEM_BROKER_URL = "filesystem://localhost//"
CELERY_BROKER_URL = (
    env_str("CELERY_BROKER_URL") or env_str("REDIS_URL") or FILESYSTEM_BROKER_URL
)
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL == FILESYSTEM_BROKER_URL:
    _queue_dir = VAR_DIR / "celery" / "queue"
    # The filesystem transport expects its folders to exist.
    _queue_dir.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery" / "processed").mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery" / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
        # Broadcasts (a worker's remote control) go here, not to ./control.
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
else:
    # For workers and beat: a down broker fails in seconds, not minutes. A web
    # request gives publishing far less (growth.reminders.delivery.PUBLISH_TIMEOUT).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 3,
        "socket_timeout": 5,
        "visibility_timeout": 3600,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Reminders: how often the sweep runs, and how long a worker may hold a claim on
# one email before the sweep decides the worker died and hands the email back.
# The claim must outlast a task's hard time limit (a system check, and the
# worker at startup, refuse one that does not).
REMINDER_SWEEP_SECONDS = env_int("REMINDER_SWEEP_SECONDS", 15 * 60)
REMINDER_CLAIM_TIMEOUT_SECONDS = env_int("REMINDER_CLAIM_TIMEOUT_SECONDS", 10 * 60)
if REMINDER_SWEEP_SECONDS < 1 or REMINDER_CLAIM_TIMEOUT_SECONDS < 1:
    raise ImproperlyConfigured(
        "REMINDER_SWEEP_SECONDS and REMINDER_CLAIM_TIMEOUT_SECONDS must be at least 1"
    )
# Organisation insight: how often its counts are made afresh (growth.InsightCount).
INSIGHT_REFRESH_SECONDS = env_int("INSIGHT_REFRESH_SECONDS", 15 * 60)
if INSIGHT_REFRESH_SECONDS < 1:
    raise ImproperlyConfigured("INSIGHT_REFRESH_SECONDS must be at least 1")
# Two static entries: the sweep reads the ReminderRule rows (data, tuned in the
# admin) and queues one task per email; the insight's counts are made afresh.
CELERY_BEAT_SCHEDULE: dict = {
    "sweep-reminders": {
        "task": "growth.tasks.sweep_reminders",
        "schedule": REMINDER_SWEEP_SECONDS,
    },
    "count-insight": {
        "task": "growth.tasks.count_insight",
        "schedule": INSIGHT_REFRESH_SECONDS,
    },
}

# Reminders: how a mail-server failure is retried. The wait doubles from the
# base after each failed try, up to the cap, and the reminder is failed (and
# shown in the admin) after the last attempt.
REMINDER_MAX_ATTEMPTS = env_int("REMINDER_MAX_ATTEMPTS", 5)
REMINDER_RETRY_BASE_SECONDS = env_int("REMINDER_RETRY_BASE_SECONDS", 60)
REMINDER_RETRY_MAX_SECONDS = env_int("REMINDER_RETRY_MAX_SECONDS", 900)
if min(REMINDER_MAX_ATTEMPTS, REMINDER_RETRY_BASE_SECONDS) < 1 or not (
    REMINDER_RETRY_BASE_SECONDS <= REMINDER_RETRY_MAX_SECONDS <= 3000
):
    # Retries wait in the worker; past Redis's visibility timeout they would
    # be delivered twice.
    raise ImproperlyConfigured(
        "REMINDER_MAX_ATTEMPTS and REMINDER_RETRY_BASE_SECONDS must be at least 1, "
        "and REMINDER_RETRY_MAX_SECONDS between the base and 3000"
    )

# Slack (growth/chat/slack.py): a workspace bot token turns Slack on; without
# one nobody is offered Slack and nothing goes there. SLACK_API_URL is the Web
# API's base (the tests point it at a fake server); SLACK_PUBLIC_CHANNEL, if
# set, gets public praise and newly scheduled learning sessions.
SLACK_BOT_TOKEN = env_str("SLACK_BOT_TOKEN")
SLACK_API_URL = env_str("SLACK_API_URL", "https://slack.com/api/")
if not SLACK_API_URL.endswith("/"):
    SLACK_API_URL += "/"
if not SLACK_API_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("SLACK_API_URL must be an http(s) URL")
SLACK_PUBLIC_CHANNEL = env_str("SLACK_PUBLIC_CHANNEL")
# A team's Teams webhook must be https; plain http to this machine's loopback
# is for the tests' fake Teams server only, never a setting of a real site.
TEAMS_WEBHOOK_ALLOW_LOOPBACK = False
# Seconds a Slack or Teams request may take, to connect and to answer; well
# below the claim timeout, so a hung server never outlives a claim.
CHAT_TIMEOUT = env_int("CHAT_TIMEOUT", 10)
if not 1 <= CHAT_TIMEOUT < REMINDER_CLAIM_TIMEOUT_SECONDS:
    raise ImproperlyConfigured(
        "CHAT_TIMEOUT must be at least 1 and below REMINDER_CLAIM_TIMEOUT_SECONDS"
    )

# A deleted feedback note is hidden at once; its author can bring it back for
# this many days (staff can restore it from the admin at any time).
FEEDBACK_UNDO_DAYS = env_int("FEEDBACK_UNDO_DAYS", 14)
if FEEDBACK_UNDO_DAYS < 1:
    raise ImproperlyConfigured("FEEDBACK_UNDO_DAYS must be at least 1")

# Someone who started within this many months is a newcomer: sessions marked
# for newcomers come first for them.
NEWCOMER_MONTHS = env_int("NEWCOMER_MONTHS", 6)
if NEWCOMER_MONTHS < 0:
    raise ImproperlyConfigured("NEWCOMER_MONTHS must be 0 or more")

# The change history keeps who changed what; the erasure of a person removes
# their rows from it (growth.privacy), so no history row outlives them.
SIMPLE_HISTORY_REVERT_DISABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

if not DEBUG and HTTPS:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # A load balancer probes the health check over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
if not DEBUG:
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
