"""The one settings module. Everything that differs between a laptop demo and production comes from the
environment; the defaults are safe for local use (SQLite under var/, no internet)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from caseaudit.mail_config import MailConfigError, mail_settings

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("CASEAUDIT_DATA_DIR", PROJECT_DIR / "var"))


def _flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _flag("CASEAUDIT_DEBUG")
# Demo mode: synthetic data on a laptop. It may use the built-in secret key, nothing else relaxes.
DEMO = _flag("CASEAUDIT_DEMO")
TESTING = _flag("CASEAUDIT_TESTING")

_INSECURE_KEY = "caseaudit-insecure-development-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or DEMO or TESTING):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random value (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`), or set CASEAUDIT_DEMO=1 "
            "to run the synthetic demo."
        )
    SECRET_KEY = _INSECURE_KEY
elif len(SECRET_KEY) < 32 and not (DEBUG or DEMO or TESTING):
    raise ImproperlyConfigured("SECRET_KEY is too short: use at least 32 random characters.")

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "caseaudit.accounts",
    "caseaudit.jobs",
    "caseaudit.signin",
    "caseaudit.notifications",
    "caseaudit.cases",
    "caseaudit.cycles",
    "caseaudit.audits",
    "caseaudit.improvement",
    "caseaudit.reports",
    "caseaudit.compliance",
    "caseaudit.work",
    "caseaudit.people",
    "caseaudit.records",
    "caseaudit.demo",
    "caseaudit.serving",
    "caseaudit.api",
    # The API's browsable documentation, served from its own static files (nothing from the internet).
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, which answers for the static files itself: they stay cacheable, nothing else does.
    "caseaudit.web.no_store.NoStoreMiddleware",
    # Before everything that may write to the access or security log: entries carry the client's address.
    "caseaudit.signin.log_origin.LogOriginMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: a timed-out session leaves a message for the sign-in page.
    "caseaudit.signin.middleware.SignInMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "caseaudit.urls"
WSGI_APPLICATION = "caseaudit.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "caseaudit.context_processors.service",
                "caseaudit.notifications.context.unread",
                "caseaudit.signin.context.steps",
            ],
        },
    },
]


def _owner_only(*files: Path) -> None:
    """A database written before caseaudit set its umask (caseaudit.cli) may be readable by others; SQLite
    gives its journal the database's mode, so closing the database closes them all."""
    for file in files:
        # A file owned by another user is left as it is: only its owner (the service's user) may change it.
        with contextlib.suppress(OSError):
            if file.is_file() and file.stat().st_mode & 0o077:
                file.chmod(0o600)


def _database() -> dict:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
        database = DATA_DIR / "caseaudit.sqlite3"
        _owner_only(
            database, *(database.with_name(database.name + end) for end in ("-wal", "-shm", "-journal"))
        )
        url = f"sqlite:///{database}"
    config = dict(dj_database_url.parse(url, conn_max_age=0 if url.startswith("sqlite") else 60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers carry on during an import; IMMEDIATE takes the write lock at BEGIN, so two
        # writers queue instead of failing half-way with "database is locked".
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
        config["TEST"] = {"NAME": os.environ.get("CASEAUDIT_TEST_DB") or None}
    elif config["ENGINE"] == "django.db.backends.postgresql":
        _connect_postgresql(config)
    return config


def _connect_postgresql(config: dict) -> None:
    options = _postgresql_options()
    config["OPTIONS"] = options
    if "pool" in options:
        config["CONN_MAX_AGE"] = 0  # the pool keeps the connections: Django must not keep them too
    if _flag("CASEAUDIT_PGBOUNCER"):
        # PgBouncer in transaction mode lends a server connection for one transaction only: a server-side
        # cursor (Django's .iterator()) would outlive it, and a pool of our own in front of its pool would
        # only hold connections it could lend to others.
        if "pool" in options:
            raise ImproperlyConfigured(
                "CASEAUDIT_PGBOUNCER and CASEAUDIT_DB_POOL_MAX_SIZE cannot both be set: "
                "PgBouncer is the pool."
            )
        config["DISABLE_SERVER_SIDE_CURSORS"] = True


def _postgresql_options() -> dict:
    """How long to wait for the server (a health check or a page must not hang on a host that is down), and
    Django's connection pool (psycopg's) when CASEAUDIT_DB_POOL_MAX_SIZE is set: each process keeps up to
    that many connections open and lends them out, instead of opening one per request. Without a pool, a
    connection is kept for a minute."""
    options: dict = {"connect_timeout": _positive("CASEAUDIT_DB_CONNECT_TIMEOUT", 10)}
    max_size = _positive("CASEAUDIT_DB_POOL_MAX_SIZE", 0)
    if max_size:
        min_size = _positive("CASEAUDIT_DB_POOL_MIN_SIZE", 1)
        if min_size > max_size:
            raise ImproperlyConfigured(
                f"CASEAUDIT_DB_POOL_MIN_SIZE ({min_size}) is more than "
                f"CASEAUDIT_DB_POOL_MAX_SIZE ({max_size})."
            )
        # timeout: how long a request waits for a free connection before it fails.
        options["pool"] = {"min_size": min_size, "max_size": max_size, "timeout": 10}
    return options


def _positive(name: str, default: int) -> int:
    text = os.environ.get(name, "")
    if not text:
        return default
    if not text.isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number, such as {default or 4}: it is {text!r}.")
    return int(text)


def _databases() -> dict:
    """The primary, and a read replica for the report pages when DATABASE_REPLICA_URL names one
    (caseaudit.read_replica). Tests mirror the primary, so the replica sees what a test wrote."""
    databases = {"default": _database()}
    replica_url = os.environ.get("DATABASE_REPLICA_URL", "")
    if replica_url:
        replica = dict(dj_database_url.parse(replica_url, conn_max_age=60))
        if replica["ENGINE"] != databases["default"]["ENGINE"]:
            raise ImproperlyConfigured(
                "DATABASE_REPLICA_URL must name a replica of the same kind of database as DATABASE_URL."
            )
        if replica["ENGINE"] == "django.db.backends.postgresql":
            _connect_postgresql(replica)
        replica["TEST"] = {"MIRROR": "default"}
        databases["replica"] = replica
    return databases


DATABASES = _databases()
DATABASE_ROUTERS = ["caseaudit.read_replica.ReportsReplicaRouter"]
# Results kept between requests (the register's compliance, the committee paper's chart: caseaudit/kept.py) in
# the database, so that every process of the service, on every machine, shares what one of them computed.
# `caseaudit migrate` creates the table. A key names everything its result depends on: nothing is ever stale.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "caseaudit_cache",
        "TIMEOUT": 24 * 60 * 60,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Django's database sessions, but a busy database never fails a page over the time of its last request.
SESSION_ENGINE = "caseaudit.signin.session_store"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# A new person's link to choose their password works for 72 hours, and once (caseaudit.people.links).
PASSWORD_RESET_TIMEOUT = 72 * 60 * 60

# Argon2 (memory-hard) hashes every new or changed password. The PBKDF2 hashers stay after it so that the
# passwords stored before it still verify; Django rehashes each with Argon2 at its next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
if TESTING:
    # Tests sign in hundreds of personas; a deliberately slow hash would only slow the suite.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_FORMAT = "j N Y"

STATIC_URL = "static/"
# Built by `make setup` (scripts/build-assets.sh) into static/vendor/; never committed.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it, even before collectstatic
# Finders let the app serve its built assets without a collectstatic step in the demo and tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sign-in (caseaudit.signin): a session ends after CASEAUDIT_IDLE_MINUTES without a request, and in any case
# CASEAUDIT_SESSION_HOURS after sign-in; the cookie lasts no longer than that.
CASEAUDIT_IDLE_MINUTES = int(os.environ.get("CASEAUDIT_IDLE_MINUTES", "30"))
CASEAUDIT_SESSION_HOURS = int(os.environ.get("CASEAUDIT_SESSION_HOURS", "12"))
SESSION_COOKIE_AGE = CASEAUDIT_SESSION_HOURS * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not (DEBUG or DEMO or TESTING):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _flag("CASEAUDIT_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    # The service's own host name and any below it. `preload` only matters if the owner of the whole
    # domain asks browsers to preload it; without it, `check --deploy` warns.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# A load balancer or monitor asks /healthz over plain HTTP, straight to the app server: it carries no session
# and answers with no data, so it need not be sent to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Behind a reverse proxy that terminates HTTPS (caseaudit.web.client). Only turn it on when every request
# comes through the proxy, and the proxy sets X-Forwarded-Proto and appends to X-Forwarded-For: otherwise a
# client could claim HTTPS, or any address, with a header.
CASEAUDIT_BEHIND_PROXY = _flag("CASEAUDIT_BEHIND_PROXY")
if CASEAUDIT_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (django-csp): everything from the service itself, no inline script or style, no
# eval, no frames, forms post only here. Charts and the QR code are images in data: URIs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# A second factor (an authenticator app's code) for every account, except in the demo; the tests turn it on
# where they are about it, so that the other tests and journeys sign in with a password alone.
CASEAUDIT_REQUIRE_MFA = _flag("CASEAUDIT_REQUIRE_MFA", not (DEMO or TESTING))

# Uploads: the register import reads the file itself, so Django only needs to stream it to disk.
CASEAUDIT_MAX_UPLOAD_BYTES = int(os.environ.get("CASEAUDIT_MAX_UPLOAD_BYTES", 200 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 0
UPLOAD_DIR = DATA_DIR / "uploads"

# Committee papers rendered once and kept (reports.PaperVersion): each cycle's PDF and Word files, owner-only.
# An issued paper's files are the record of what the committee was given: back this folder up with the
# database.
CASEAUDIT_PAPERS_DIR = Path(os.environ.get("CASEAUDIT_PAPERS_DIR", DATA_DIR / "papers"))

# The access log and the security log (caseaudit.accounts.log_writer): an entry that cannot get the log's
# lock within CASEAUDIT_LOG_LOCK_SECONDS (a long import holds SQLite's write lock) waits in a spool file in
# this folder, owner-only, until the next write or `caseaudit flush-access-log` adds it to the chain.
CASEAUDIT_LOG_SPOOL_DIR = Path(os.environ.get("CASEAUDIT_LOG_SPOOL_DIR", DATA_DIR / "log-spool"))
CASEAUDIT_LOG_LOCK_SECONDS = float(os.environ.get("CASEAUDIT_LOG_LOCK_SECONDS", "1"))

# An .xlsx is a zip: the most its parts may really unpack to, counted as they stream (a zip bomb's declared
# sizes lie). A 100,000-row Annex A workbook unpacks to well under 200 MB.
CASEAUDIT_MAX_XLSX_INFLATED_BYTES = int(os.environ.get("CASEAUDIT_MAX_XLSX_INFLATED_BYTES", 1024**3))

# The mail server (caseaudit.mail_config): every email goes through the outbox (caseaudit.notifications).
try:
    _mail = mail_settings(os.environ)
except MailConfigError as error:
    raise ImproperlyConfigured(str(error)) from None
EMAIL_BACKEND = _mail["EMAIL_BACKEND"]
EMAIL_HOST = _mail.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _mail.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _mail.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _mail.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _mail.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _mail.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = _mail["EMAIL_TIMEOUT"]
DEFAULT_FROM_EMAIL = _mail["DEFAULT_FROM_EMAIL"]

SERVICE_NAME = os.environ.get("CASEAUDIT_SERVICE_NAME", "Case file audits")
OTP_TOTP_ISSUER = SERVICE_NAME  # what an authenticator app calls the account
# Who a child or carer is told is asking, on the public feedback form: they know the council, not the
# service's name. The demo's council is made up, like its data.
COUNCIL_NAME = os.environ.get("CASEAUDIT_COUNCIL_NAME", "").strip() or (
    "Northshire County Council" if DEMO else "the council"
)

# The improvement tracker: a case moderated Inadequate is due for re-audit this many weeks later; the
# address that reminder emails link to (they are sent from the command line, outside any request).
# Personal API tokens: how long a new one lasts unless its maker says, and how many requests each may make
# a minute.
CASEAUDIT_API_TOKEN_DAYS = _positive("CASEAUDIT_API_TOKEN_DAYS", 90)
CASEAUDIT_API_RATE = _positive("CASEAUDIT_API_RATE", 120)
CASEAUDIT_REAUDIT_WEEKS = int(os.environ.get("CASEAUDIT_REAUDIT_WEEKS", "12"))
CASEAUDIT_SITE_URL = os.environ.get("CASEAUDIT_SITE_URL", "http://127.0.0.1:8000")

# A local YAML file of timescale rules that change or add to the shipped ones (caseaudit.core.timescales);
# none by default.
CASEAUDIT_TIMESCALE_RULES = os.environ.get("CASEAUDIT_TIMESCALE_RULES", "") or None
# The authority's confirmed retention schedule (docs/operations.md#retention-and-disposal); without one,
# `caseaudit retention --dry-run` reads the shipped defaults and a real run refuses.
CASEAUDIT_RETENTION_FILE = os.environ.get("CASEAUDIT_RETENTION_FILE", "") or None

# Background jobs (caseaudit.jobs, Django's tasks API through the django-tasks backport). The database
# backend keeps the queue in the service's own database, so one machine needs no broker: `caseaudit worker`
# runs what is queued. CASEAUDIT_TASKS_BACKEND=immediate runs each job inside the request that starts it
# (the tests' default; no worker needed); a dotted path names another backend (docs/operations.md).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_task_backend = os.environ.get("CASEAUDIT_TASKS_BACKEND", "") or ("immediate" if TESTING else "database")
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS.get(_task_backend, _task_backend),
        # One queue for the jobs people wait for, one for the service's own (email, reminders,
        # retention), so that a worker can be given to each.
        "QUEUES": ["default", "service"],
    }
}
# A running job whose worker has written nothing for this long is taken for lost with its worker
# (a worker on this machine that is gone is known at once); it is run again, once, or failed.
CASEAUDIT_JOB_HEARTBEAT_TIMEOUT = _positive("CASEAUDIT_JOB_HEARTBEAT_TIMEOUT", 120)
# How many times a job is started before a lost worker fails it.
CASEAUDIT_JOB_ATTEMPTS = _positive("CASEAUDIT_JOB_ATTEMPTS", 2)
# /healthz fails when the oldest job has waited longer than this for a worker.
CASEAUDIT_JOB_QUEUE_MAX_WAIT = _positive("CASEAUDIT_JOB_QUEUE_MAX_WAIT", 300)
# Finished jobs (their results name rows of uploaded files) and their files are deleted by the workers
# after this many days.
CASEAUDIT_JOB_KEEP_DAYS = _positive("CASEAUDIT_JOB_KEEP_DAYS", 7)
# Where jobs write their files (large exports): owner-only, served only to the person who started the job.
CASEAUDIT_JOB_FILES_DIR = Path(os.environ.get("CASEAUDIT_JOB_FILES_DIR", DATA_DIR / "job-files"))
# An export from the web of more rows than this (the analysts' audit data, a cycle's progress) is written
# by a worker, as a job, rather than while the browser waits; smaller ones download at once.
CASEAUDIT_EXPORT_JOB_ROWS = _positive("CASEAUDIT_EXPORT_JOB_ROWS", 10_000)

# Every handler takes the secret out of the single-use links (caseaudit.web.log_redaction). Django's own
# loggers are set here too, or they would keep the handlers of its default configuration, which lack it:
# `django` (a warning for each 404, an error for each 500) writes through the root's handler, and
# `django.server` (the development server's request log) through its own, formatted as Django's is.
_LOG_LEVEL = os.environ.get("CASEAUDIT_LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"secret_links": {"()": "caseaudit.web.log_redaction.RedactSecretLinks"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["secret_links"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["secret_links"],
        },
    },
    "loggers": {
        "django": {"handlers": [], "level": _LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": _LOG_LEVEL},
}
