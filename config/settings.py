"""DigiWard settings: one module, driven by environment variables.

Profiles (DIGIWARD_ENV):
- development (default): the embedded demo. SQLite under var/, secrets generated
  once into var/, plain HTTP on 127.0.0.1.
- production: refuses to start without SECRET_KEY, ALLOWED_HOSTS and the field
  encryption keys; HTTPS-only cookies, HSTS, SSL redirect.
- test: selected by pytest (config/pytest_env.py); fast hashing, tasks run inline.

DEBUG is off unless DJANGO_DEBUG asks for it, in every profile.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import Env, local_secret

env = Env()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("DIGIWARD_VAR_DIR") or BASE_DIR / "var")
# Uploaded ward lists, exports, photos of papers: readable by the server's account only.
PRIVATE_DIR = VAR_DIR / "private"
PRIVATE_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
if PRIVATE_DIR.stat().st_mode & 0o077:  # made by an older version, or by hand
    PRIVATE_DIR.chmod(0o700)

DIGIWARD_ENV = env.choice("DIGIWARD_ENV", {"development", "production", "test"}, "development")
PRODUCTION = DIGIWARD_ENV == "production"
TESTING = DIGIWARD_ENV == "test"

DEBUG = env.bool("DJANGO_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production")

# --- Secrets -----------------------------------------------------------------
if PRODUCTION:
    SECRET_KEY = env.require("SECRET_KEY", "production never uses a generated key")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured("SECRET_KEY is too weak: use 50+ random characters")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names")
else:
    SECRET_KEY = env.str("SECRET_KEY") or local_secret(VAR_DIR / "secret_key")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS")


def _fernet_key_from(secret: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()).decode()


# Citizen IDs are encrypted at rest (Fernet) and found through a keyed hash.
# Several encryption keys may be given, newest first, so keys can be rotated.
if PRODUCTION:
    FIELD_ENCRYPTION_KEYS = env.list("DIGIWARD_FIELD_ENCRYPTION_KEYS")
    if not FIELD_ENCRYPTION_KEYS:
        raise ImproperlyConfigured(
            "DIGIWARD_FIELD_ENCRYPTION_KEYS must be set (comma-separated Fernet keys)"
        )
    SEARCH_HASH_KEY = env.require("DIGIWARD_SEARCH_HASH_KEY", "citizen IDs are searched by HMAC")
elif TESTING:
    FIELD_ENCRYPTION_KEYS = [_fernet_key_from("digiward-tests-only")]
    SEARCH_HASH_KEY = "digiward-tests-only"
else:
    FIELD_ENCRYPTION_KEYS = env.list("DIGIWARD_FIELD_ENCRYPTION_KEYS") or [
        _fernet_key_from(local_secret(VAR_DIR / "field_key"))
    ]
    SEARCH_HASH_KEY = env.str("DIGIWARD_SEARCH_HASH_KEY") or local_secret(
        VAR_DIR / "search_hash_key"
    )

# --- Applications ------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_filters",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "digiward.core",
    "digiward.registry",
    "digiward.procedures",
    "digiward.homecare",
    "digiward.guidance",
    "digiward.donations",
    "digiward.learning",
    "digiward.public",
    "digiward.messaging",
    "digiward.reports",
    "digiward.api",
    "digiward.ops",
    "digiward.demo",
]

MIDDLEWARE = [
    # First: every log line of a request carries its id (digiward/ops/logging.py).
    "digiward.ops.middleware.RequestIdMiddleware",
    # A write that waited out the database's busy timeout: 503 "try again", not 500.
    "digiward.core.middleware.DatabaseBusyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Before anything reads the body: refuse what is too large, clean what is sent.
    "digiward.core.middleware.RequestSizeLimitMiddleware",
    "digiward.core.middleware.CleanInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "digiward.core.middleware.IdleTimeoutMiddleware",
    "digiward.core.middleware.RequestContextMiddleware",
    # Staff pages need a changed temporary password and, for roles that see citizen
    # IDs, a second factor (digiward/core/mfa.py).
    "digiward.core.middleware.AccountSecurityMiddleware",
    "digiward.core.middleware.ActiveCommuneMiddleware",
    # Axes last, as its documentation asks: it turns lockouts into responses.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
# Project templates may override form widgets and the field layout (labels, errors, help).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "core.User"

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
                "django.template.context_processors.i18n",
                "digiward.core.context_processors.digiward",
            ],
        },
    }
]

# --- Database ----------------------------------------------------------------
# DATABASE_URL selects the database; the default is an SQLite file in var/.
DATABASE_URL = env.str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'digiward.sqlite3'}"
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=env.int("DB_CONN_MAX_AGE", 60))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # Our SQLite backend adds WAL and pragmas (see digiward/core/db/sqlite3).
    _db["ENGINE"] = "digiward.core.db.sqlite3"
    _db["OPTIONS"] = {
        # IMMEDIATE: a write transaction takes the lock at BEGIN, so two writers
        # queue on busy_timeout instead of failing with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    (VAR_DIR).mkdir(parents=True, exist_ok=True)
    if TESTING:
        # A file, not :memory:, so concurrency tests see real locking.
        _db["TEST"] = {"NAME": str(VAR_DIR / "test_digiward.sqlite3")}
elif _db["ENGINE"].startswith("django.db.backends.postgresql"):
    _db.setdefault("OPTIONS", {})
    _db["CONN_HEALTH_CHECKS"] = True
if TESTING:
    _db["CONN_MAX_AGE"] = 0  # live-server threads must not keep connections to the test DB
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------
# Per-process memory: rendered public search pages (keyed by catalog version). Shared
# state (rate limits, sessions) lives in the database, so no cache server is needed.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "digiward",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}

# --- Background work (django-tasks, database backend) -------------------------
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

# A running job's worker renews its lease this often; a job whose lease is older than
# DIGIWARD_JOB_LEASE_SECONDS (or whose worker process is gone) is shown as failed. The
# lease is long enough for the longest single write (an import's final transaction).
DIGIWARD_JOB_HEARTBEAT_SECONDS = env.int("DIGIWARD_JOB_HEARTBEAT_SECONDS", 15, minimum=1)
DIGIWARD_JOB_LEASE_SECONDS = env.int("DIGIWARD_JOB_LEASE_SECONDS", 300, minimum=30)

# --- Authentication and security ---------------------------------------------
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only: Argon2 is slow on purpose
    if TESTING
    else [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "digiward.core.passwords.VietnamesePasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reports:home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: 5 failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "digiward.core.request_context.client_ip"
AXES_USERNAME_CALLABLE = "digiward.core.request_context.sign_in_username"
AXES_VERBOSE = False

SESSION_COOKIE_AGE = env.int("SESSION_HOURS", 10, minimum=1) * 3600
DIGIWARD_IDLE_TIMEOUT_MINUTES = env.int("DIGIWARD_IDLE_TIMEOUT_MINUTES", 60, minimum=1)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # htmx reads the token from a meta tag, not the cookie
CSRF_FAILURE_VIEW = "digiward.core.views.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Behind a TLS-terminating proxy, set DIGIWARD_BEHIND_PROXY=1 so Django trusts
# X-Forwarded-Proto and the client address in X-Forwarded-For.
BEHIND_PROXY = env.bool("DIGIWARD_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", True)

# Content-Security-Policy: no inline script or style anywhere, no third-party origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# --- Internationalisation ------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "digiward_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Vietnamese number style everywhere: 2.357.000 (dots group thousands).
USE_THOUSAND_SEPARATOR = False  # counts use |intcomma; years must never read 2.008
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static and uploaded files -------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        # Private files (exports, photos of signed papers): served only through
        # views that check access and write the audit log, never as /media/.
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_DIR)},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
WHITENOISE_USE_FINDERS = TESTING or DEBUG
if TESTING:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
# Private files (uploaded ward lists, exports, photos of papers) are readable by the
# server's own account only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Whole request bodies: staff upload ward lists (≤ 50 MB) and photos; the public sends text.
DIGIWARD_MAX_REQUEST_BYTES = env.int("DIGIWARD_MAX_REQUEST_MB", 60, minimum=1) * 1024 * 1024
DIGIWARD_MAX_PUBLIC_REQUEST_BYTES = (
    env.int("DIGIWARD_MAX_PUBLIC_REQUEST_KB", 256, minimum=16) * 1024
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# API calls per minute: per token, and per address on the public endpoints (guides).
DIGIWARD_API_RATE_PER_MINUTE = env.int("DIGIWARD_API_RATE_PER_MINUTE", 600, minimum=1)
DIGIWARD_API_PUBLIC_RATE_PER_MINUTE = env.int("DIGIWARD_API_PUBLIC_RATE_PER_MINUTE", 300, minimum=1)

# --- Retention of personal data (Decree 13/2023/NĐ-CP Art. 3: kept no longer than needed) ----
# Applied by `digiward apply_retention` (run it daily from cron or a systemd timer).
DIGIWARD_RETENTION_DAYS = {
    # Uploaded ward lists hold every citizen ID in clear: gone once the import is done.
    "uploads": env.int("DIGIWARD_RETAIN_UPLOADS_DAYS", 7, minimum=1),
    # Files made by exports and reports (lists, error reports) for download.
    "exports": env.int("DIGIWARD_RETAIN_EXPORTS_DAYS", 7, minimum=1),
    # Closed home-support requests: who asked, the phone, the address, the visit notes.
    "closed_home_requests": env.int("DIGIWARD_RETAIN_CLOSED_REQUESTS_DAYS", 730, minimum=30),
    # Free-text notes of help sessions (the session itself stays counted).
    "help_session_notes": env.int("DIGIWARD_RETAIN_HELP_NOTES_DAYS", 365, minimum=30),
}

# --- Email and notifications -------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "outbox-email"
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "DigiWard <no-reply@digiward.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Delivery channels of the notification outbox. A Zalo or SMS gateway is one more
# entry here: a class with a `send(message)` method (see digiward/core/outbox.py).
DIGIWARD_NOTIFICATION_CHANNELS = {
    "email": "digiward.core.outbox.EmailChannel",
    # Zalo (ZNS) first, then SMS: used only when ZNS or SMS below is configured.
    "phone": "digiward.messaging.channels.PhoneChannel",
}
# Zalo Notification Service and SMS brandname (docs/notes/messaging.md).
DIGIWARD_ZNS_API_URL = env.str("DIGIWARD_ZNS_API_URL", "https://business.openapi.zalo.me")
DIGIWARD_ZNS_OAUTH_URL = env.str(
    "DIGIWARD_ZNS_OAUTH_URL", "https://oauth.zaloapp.com/v4/oa/access_token"
)
DIGIWARD_ZNS_APP_ID = env.str("DIGIWARD_ZNS_APP_ID", "")
DIGIWARD_ZNS_SECRET_KEY = env.str("DIGIWARD_ZNS_SECRET_KEY", "")
DIGIWARD_ZNS_WEBHOOK_SECRET = env.str("DIGIWARD_ZNS_WEBHOOK_SECRET", "")
DIGIWARD_ZNS_QUOTA_RESERVE = env.int("DIGIWARD_ZNS_QUOTA_RESERVE", 10, minimum=0)
DIGIWARD_ZNS_COST_VND = env.int("DIGIWARD_ZNS_COST_VND", 300, minimum=0)
DIGIWARD_SMS_API_URL = env.str("DIGIWARD_SMS_API_URL", "https://rest.esms.vn/MainService.svc/json")
DIGIWARD_SMS_API_KEY = env.str("DIGIWARD_SMS_API_KEY", "")
DIGIWARD_SMS_SECRET_KEY = env.str("DIGIWARD_SMS_SECRET_KEY", "")
DIGIWARD_SMS_BRANDNAME = env.str("DIGIWARD_SMS_BRANDNAME", "")
DIGIWARD_SMS_GATEWAY = "digiward.messaging.sms.EsmsGateway"
DIGIWARD_SMS_COST_VND = env.int("DIGIWARD_SMS_COST_VND", 800, minimum=0)
DIGIWARD_SMS_CALLBACK_TOKEN = env.str("DIGIWARD_SMS_CALLBACK_TOKEN", "")
DIGIWARD_PUBLIC_BASE_URL = env.str("DIGIWARD_PUBLIC_BASE_URL", "")
DIGIWARD_MESSAGING_TIMEOUT = 10.0
DIGIWARD_MESSAGING_RECEIPT_WAIT_MINUTES = env.int(
    "DIGIWARD_MESSAGING_RECEIPT_WAIT_MINUTES", 30, minimum=1
)
DIGIWARD_MESSAGING_STALE_AFTER_HOURS = env.int(
    "DIGIWARD_MESSAGING_STALE_AFTER_HOURS", 48, minimum=1
)
DIGIWARD_OUTBOX_MAX_ATTEMPTS = env.int("DIGIWARD_OUTBOX_MAX_ATTEMPTS", 5, minimum=1)

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
        # One JSON object a line (journald, Loki, jq): the default in production.
        "json": {"()": "digiward.ops.logging.JsonFormatter"},
    },
    "filters": {
        "forbidden": {"()": "digiward.core.logging.ForbiddenWithoutTraceback"},
        "request_id": {"()": "digiward.ops.logging.RequestIdFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.choice(
                "DIGIWARD_LOG_FORMAT", {"plain", "json"}, "json" if PRODUCTION else "plain"
            ),
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.request": {"filters": ["forbidden"]},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The commune the public pages (guides, help at home) serve, by official code.
DIGIWARD_PUBLIC_COMMUNE = env.str("DIGIWARD_PUBLIC_COMMUNE", "" if PRODUCTION else "31135")

# AGPL-3.0 §13: users of the site are offered its source. Point this at the code you run.
DIGIWARD_SOURCE_URL = env.str("DIGIWARD_SOURCE_URL", "")

# --- operations ---
# What runs on a timer, and how often (deploy/*.timer): each records a heartbeat
# (config/manage.py, digiward/ops/heartbeats.py) and is called late on /readyz and the
# administrator's home page when its last good run is older than this plus a grace.
# "worker" is the background-job worker's own beat (digiward run_worker).
DIGIWARD_SCHEDULE = {
    "worker": timedelta(minutes=1),
    "deliver_outbox": timedelta(minutes=5),
    "send_shift_reminders": timedelta(days=1),
    "send_visit_confirmations": timedelta(days=1),
    "apply_retention": timedelta(days=1),
    "backup": timedelta(days=1),
    "restore_drill": timedelta(days=7),
}
# The worker's heartbeat interval, and when a due outbox message counts as stuck.
DIGIWARD_WORKER_BEAT_SECONDS = env.int("DIGIWARD_WORKER_BEAT_SECONDS", 20, minimum=1)
DIGIWARD_OUTBOX_STUCK_MINUTES = env.int("DIGIWARD_OUTBOX_STUCK_MINUTES", 15, minimum=1)
# Where `digiward backup` writes its archives (docs/notes/backup.md): ideally a disk
# other than the database's.
DIGIWARD_BACKUP_DIR = Path(env.str("DIGIWARD_BACKUP_DIR") or VAR_DIR / "backups")
