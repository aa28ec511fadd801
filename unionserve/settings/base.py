"""Settings shared by every environment, read from the environment in one place.

Environment variables:
  DATABASE_URL   default: SQLite (WAL) at var/unionserve.sqlite3
  SECRET_KEY     required in production
  DEBUG          "1"/"true" to enable
  ALLOWED_HOSTS  comma separated
  REDIS_URL      Celery broker and cache; without it tasks run in-process
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("UNIONSERVE_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on")."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable into a list."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-insecure-key-change-me-" + "x" * 30)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    # The API's documentation page then serves Swagger UI from ninja's own static files, not from a CDN.
    "ninja",
    "unionserve.web",
    "unionserve.orgs",
    "unionserve.accounts",
    "unionserve.audit",
    "unionserve.pii",
    "unionserve.workcalendar",
    "unionserve.policy",
    "unionserve.notifications",
    "unionserve.members",
    "unionserve.dataquality",
    "unionserve.workflow",
    "unionserve.workorders",
    "unionserve.hotline",
    "unionserve.knowledge",
    "unionserve.broadcasts",
    "unionserve.documents",
    "unionserve.cards",
    "unionserve.visits",
    "unionserve.payouts",
    "unionserve.mediation",
    "unionserve.legalaid",
    "unionserve.linkage",
    "unionserve.mutualaid",
    "unionserve.projects",
    "unionserve.assistance",
    "unionserve.jobs",
    "unionserve.venues",
    "unionserve.joining",
    "unionserve.legalreports",
    "unionserve.stations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy and the other OWASP secure headers, on static files too (docs/security.md).
    "csp.middleware.CSPMiddleware",
    "unionserve.core.security_headers.SecureHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "unionserve.accounts.middleware.IdleTimeoutMiddleware",
    "unionserve.accounts.middleware.LoginRequiredMiddleware",
    "unionserve.accounts.middleware.PasswordChangeRequiredMiddleware",
    "unionserve.accounts.middleware.TwoFactorRequiredMiddleware",
    # A number too large for the database's integer is the request's fault: 400, not 500.
    "unionserve.core.middleware.NumberOutOfRangeMiddleware",
    # Axes must be last: it turns locked-out authentication attempts into responses.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp): scripts, fonts, images and connections only from this site — the
# vendored assets of web/static/vendor and the apps' own static files; no inline script, no event-handler
# attribute, no eval; nothing may frame a page. Styles allow 'unsafe-inline' because Mermaid writes a <style>
# into each diagram's SVG and ECharts' tooltips carry style attributes; CSS cannot run script
# (docs/security.md, "Headers").
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

ROOT_URLCONF = "unionserve.urls"
WSGI_APPLICATION = "unionserve.wsgi.application"

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
                "unionserve.web.context_processors.navigation",
                "unionserve.notifications.context.unread",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'unionserve.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL lets readers go on while one writer writes; see docs/decisions/0001-database.md.
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;PRAGMA busy_timeout=5000;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "unionserve.accounts.backends.RoleBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after 8 hours, or 30 minutes idle, or when the browser closes. The idle clock is kept by
# accounts.middleware.IdleTimeoutMiddleware, which writes the session at most once a minute (saving it on
# every request would make every page view a database write).
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Lockout: 5 failures for the same account and address lock it for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Two-factor login (TOTP) for the roles that see personal data in clear, manage users or change policy
# (core.roles.TWO_FACTOR_PERMISSIONS). Off here, so the demo's accounts log in with the README's password alone;
# the production settings turn it on.
UNIONSERVE_REQUIRE_2FA = env_bool("UNIONSERVE_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = "UnionServe"

# --- I18N -----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start when it is missing
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("S3_BUCKET"):
    # Attachments in an S3-compatible store (MinIO, Ceph, OSS...): `pip install .[s3]` adds django-storages.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY"),
            "secret_key": os.environ.get("S3_SECRET_KEY"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# --- Redis, cache and tasks ----------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Without a broker the same tasks run in the calling process (see docs/decisions/0003-tasks.md).
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "sweep-deadlines": {"task": "unionserve.workflow.sweep",
                        "schedule": float(os.environ.get("SWEEP_INTERVAL_SECONDS", "300"))},
    "data-quality-snapshot": {"task": "unionserve.dataquality.snapshot",
                              "schedule": crontab(hour=2, minute=0)},
    "deliver-notifications": {"task": "unionserve.notifications.deliver_pending",
                              "schedule": float(os.environ.get("OUTBOX_INTERVAL_SECONDS", "60"))},
    "remove-orphan-documents": {"task": "unionserve.documents.remove_orphans",
                                "schedule": crontab(hour=3, minute=30)},
    "refresh-statistics": {"task": "unionserve.web.refresh_statistics", "schedule": crontab(hour=4, minute=0)},
    # The card, assistance and stations sweeps (docs/cards.md, docs/assistance.md, docs/stations.md).
    "cancel-leavers-cards": {"task": "unionserve.cards.cancel_leavers", "schedule": crontab(hour=1, minute=30)},
    "expire-hardship-files": {"task": "unionserve.assistance.expire_hardship_files",
                              "schedule": crontab(hour=1, minute=45)},
    "remind-station-reports": {"task": "unionserve.stations.remind_reports", "schedule": crontab(hour=8, minute=0)},
    # Every 2 minutes: a dead import is found within minutes of its last sign of life (members.importing.stale).
    "fail-stale-imports": {"task": "unionserve.members.fail_stale_imports", "schedule": 120.0},
    "delete-old-import-files": {"task": "unionserve.members.delete_old_import_files",
                                "schedule": crontab(hour=3, minute=45)},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Product settings -----------------------------------------------------
UNIONSERVE: dict[str, Any] = {
    # Shown on every page so nobody mistakes the demo for production.
    "ENVIRONMENT_LABEL": os.environ.get("UNIONSERVE_ENV_LABEL", ""),
    # From this month-day on, administrators are warned when next year's holiday schedule is missing.
    "CALENDAR_WARN_FROM": (11, 1),
    "API_PAGE_SIZE": 50,
    # Attachments on case events: largest file and accepted types.
    "ATTACHMENT_MAX_BYTES": int(os.environ.get("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024))),
    "ATTACHMENT_EXTENSIONS": ["pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx", "txt", "zip", "ofd"],
    # Steps due by the end of the next N working days are "due soon" and warned once.
    "DUE_SOON_WORKING_DAYS": int(os.environ.get("DUE_SOON_WORKING_DAYS", "1")),
    "API_TOKEN_DAYS": 180,
    # Import files (the upload, the error report, the rejected rows) hold clear ID numbers and phones: they are
    # deleted this many days after the import ended (members.importing.retention). An operations setting, not a
    # policy parameter: no seed gives the number, and it is a data-protection choice of the site that runs it.
    "IMPORT_FILE_RETENTION_DAYS": int(os.environ.get("IMPORT_FILE_RETENTION_DAYS", "30")),
}

# Notifications: which backend sends each channel (see docs/decisions/0008-notifications.md).
UNIONSERVE_NOTIFICATION_BACKENDS = {
    "sms": os.environ.get("UNIONSERVE_SMS_BACKEND", "file"),
    "email": "django",
    "in_app": "in_app",
}
UNIONSERVE_SMS_GATEWAY = {
    "url": os.environ.get("SMS_GATEWAY_URL", ""),
    "token": os.environ.get("SMS_GATEWAY_TOKEN", ""),
    "sign": "【北京市总工会】",
    "timeout": 10,
}
UNIONSERVE_SMS_RATE_PER_MINUTE = int(os.environ.get("SMS_RATE_PER_MINUTE", "600"))
UNIONSERVE_SITE_URL = os.environ.get("SITE_URL", "")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(VAR_DIR / "mail")

# Personal data keys (pii.crypto). PII_KEYS is "id:base64key[,id:base64key...]"; new values use
# PII_ACTIVE_KEY; PII_HASH_KEY keys the lookup hashes. Development derives them from SECRET_KEY; production
# must set them (settings/production.py refuses to start without them).
def _derived_key(label: str) -> str:
    import base64
    import hashlib

    return base64.b64encode(hashlib.sha256(f"{label}:{SECRET_KEY}".encode()).digest()).decode()


UNIONSERVE_PII_KEYS = dict(
    item.split(":", 1) for item in env_list("PII_KEYS", f"k1:{_derived_key('pii-k1')}")
)
UNIONSERVE_PII_ACTIVE_KEY = os.environ.get("PII_ACTIVE_KEY", next(iter(UNIONSERVE_PII_KEYS)))
UNIONSERVE_PII_HASH_KEY = os.environ.get("PII_HASH_KEY", _derived_key("pii-hash"))

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
