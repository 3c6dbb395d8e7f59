"""Kindred settings, read from the environment (twelve-factor).

The embedded defaults (no ``DATABASE_URL``, no ``REDIS_URL``) give one process on
an SQLite file with in-process stores. Setting both lets several daphne
processes serve one community. Every limit is a setting with a sane default; the
ones that matter operationally can be overridden by an environment variable of
the same name.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, got {value!r}") from exc


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from exc


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. For local development set DEBUG=1."
        )
    SECRET_KEY = "kindred-development-key-not-for-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
if not DEBUG and "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS=* is refused when DEBUG is off: list the host names this site serves."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "community",
    "rooms",
    "moderation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "community.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "community.urls"
ASGI_APPLICATION = "community.asgi.application"
AUTH_USER_MODEL = "community.Member"
LOGIN_URL = "/facilitators/login/"

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
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
# Under ASGI Django gives every request its own worker thread, so persistent
# connections (CONN_MAX_AGE) would be left behind by threads that end; and
# opening a PostgreSQL connection per call costs more server CPU than a whole
# message send. So each process keeps a small pool (psycopg_pool): every
# database call borrows a connection and gives it back. A process never holds
# more than DB_POOL_MAX_SIZE, so size PostgreSQL's max_connections for
# processes × DB_POOL_MAX_SIZE. DB_POOL_MAX_SIZE=0 turns the pool off and
# opens a connection per call (CONN_MAX_AGE then applies).
DB_POOL_MAX_SIZE = env_int("DB_POOL_MAX_SIZE", 10)
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    if DB_POOL_MAX_SIZE > 0:
        DATABASES["default"]["OPTIONS"] = {
            "pool": {
                "min_size": min(env_int("DB_POOL_MIN_SIZE", 2), DB_POOL_MAX_SIZE),
                "max_size": DB_POOL_MAX_SIZE,
                # How long a call waits for a connection before it fails; also how
                # long a call waits while the database is unreachable, so short:
                # a member is told "try again" rather than left hanging.
                "timeout": env_float("DB_POOL_TIMEOUT_SECONDS", 3.0),
                # Connections above min_size close after this long unused.
                "max_idle": env_float("DB_POOL_MAX_IDLE_SECONDS", 300.0),
            }
        }
        # A check on every borrow is a round trip on every call: at 200 msgs/s
        # it doubled a send's time from receipt to ack. Without it, a connection
        # that died with a database restart fails one call: a send is then
        # retried once on a fresh connection (rooms/services.py), and the
        # periodic duties check idle connections every heartbeat.
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("DB_POOL_HEALTH_CHECKS", False)
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 0)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # A waiting writer retries for this long instead of failing at once;
            # WAL mode lets readers go on while a message is written.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
if "TEST" not in DATABASES["default"]:
    # Separate test databases per run so that concurrent runs never collide.
    DATABASES["default"]["TEST"] = {}
if os.environ.get("KINDRED_TEST_DB_NAME"):
    DATABASES["default"]["TEST"]["NAME"] = os.environ["KINDRED_TEST_DB_NAME"]

# --- Redis and the channel layer ---------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# Every key and pub/sub channel Kindred writes starts with this, so several
# communities (or test runs) can share one Redis and clean up only their own.
REDIS_PREFIX = os.environ.get("REDIS_PREFIX", "kindred")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": f"{REDIS_PREFIX}:asgi"},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Sessions, cookies and security headers ----------------------------------
SESSION_COOKIE_AGE = 60 * 60 * 24 * 90
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# No inline script anywhere: every script is a file under /static/.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# --- Static files --------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Logging: handles, never IP addresses ------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's request logger and daphne's access log would write client
        # addresses; Kindred logs handles instead.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "ERROR"},
        "daphne.access": {"level": "ERROR", "propagate": False},
    },
}

# --- Kindred limits (each overridable by the environment variable of its name) --
HANDLE_MIN_LENGTH = 3
HANDLE_MAX_LENGTH = 24
MESSAGE_MAX_LENGTH = env_int("MESSAGE_MAX_LENGTH", 2000)
MESSAGE_RATE_LIMIT = os.environ.get("MESSAGE_RATE_LIMIT", "8/10s")
HISTORY_ON_CONNECT = env_int("HISTORY_ON_CONNECT", 50)
HISTORY_PAGE_MAX = env_int("HISTORY_PAGE_MAX", 100)
WEBSOCKET_MAX_FRAME_BYTES = env_int("WEBSOCKET_MAX_FRAME_BYTES", 64 * 1024)
# Frames a socket may send per second before it is rate limited, and the number
# of rate-limited frames after which the socket is closed.
SOCKET_FRAME_RATE = env_int("SOCKET_FRAME_RATE", 30)
SOCKET_FLOOD_CLOSE_AFTER = env_int("SOCKET_FLOOD_CLOSE_AFTER", 200)
# A socket whose outgoing buffer stays above this many bytes is closed with 4408
# so the client reconnects and resumes instead of the server buffering forever.
SOCKET_SEND_BUFFER_LIMIT = env_int("SOCKET_SEND_BUFFER_LIMIT", 1024 * 1024)
SOCKET_SEND_BUFFER_GRACE_SECONDS = env_float("SOCKET_SEND_BUFFER_GRACE_SECONDS", 5)
# The hub waits this long for an out-of-order predecessor before it reads the
# gap from the database.
HUB_GAP_WAIT_SECONDS = env_float("HUB_GAP_WAIT_SECONDS", 0.5)
# Who may read this process's timings at /metrics/ (send "Authorization: Bearer
# <token>"); empty: the page does not exist.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# When messages for a room pile up faster than the hub writes them, it writes up
# to this many to each socket in one go (one system call instead of many).
HUB_BATCH_MAX_MESSAGES = env_int("HUB_BATCH_MAX_MESSAGES", 64)
# A room's sockets are written to at most once per this interval: a message
# arriving sooner after the last write waits for the rest of it and goes out
# with whatever joins it (one system call per socket for several messages).
# The first message after a quiet spell goes at once; 0 writes every message
# as soon as it is delivered.
HUB_ROOM_WRITE_INTERVAL_SECONDS = env_float("HUB_ROOM_WRITE_INTERVAL_SECONDS", 0.04)
# Bus events (stored messages, presence, notices) waiting in this process for
# Redis; beyond this many the sender publishes itself (rooms.publisher).
BUS_PUBLISH_QUEUE_MAX = env_int("BUS_PUBLISH_QUEUE_MAX", 10_000)
RECOVERY_PHRASE_WORDS = 6
BLOCKED_WORDS_PATH = os.environ.get(
    "BLOCKED_WORDS_PATH", str(BASE_DIR / "community" / "data" / "blocked_words.txt")
)

# --- Cache: shared counters (rate limits, throttles) live in Redis when set ----
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{REDIS_PREFIX}:cache",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

RECOVERY_ATTEMPTS_PER_HOUR = env_int("RECOVERY_ATTEMPTS_PER_HOUR", 10)
SESSIONS_CREATED_PER_HOUR = env_int("SESSIONS_CREATED_PER_HOUR", 0)  # 0: unlimited
RESUME_MAX = env_int("RESUME_MAX", 1000)
BLOCKED_WORDS_REFRESH_SECONDS = env_int("BLOCKED_WORDS_REFRESH_SECONDS", 30)
if env_bool("KINDRED_FAST_HASH"):
    # Test runs only: the same scrypt, with a small work factor.
    RECOVERY_HASH_SCRYPT = (2**8, 8, 1)
# Presence: sockets refresh every PRESENCE_HEARTBEAT_SECONDS; an entry expires
# PRESENCE_TTL_SECONDS after its last refresh (a crashed process's members
# drop out within that time); silent sockets are closed after SOCKET_IDLE_SECONDS.
PRESENCE_HEARTBEAT_SECONDS = env_float("PRESENCE_HEARTBEAT_SECONDS", 20)
PRESENCE_TTL_SECONDS = env_float("PRESENCE_TTL_SECONDS", 60)
PRESENCE_COALESCE_SECONDS = env_float("PRESENCE_COALESCE_SECONDS", 0.25)
SOCKET_IDLE_SECONDS = env_float("SOCKET_IDLE_SECONDS", 60)
# Moderation
REPORT_RATE_LIMIT = os.environ.get("REPORT_RATE_LIMIT", "10/1h")
# How many of an item's report notes (newest first) facilitators see with it.
QUEUE_ITEM_NOTES_SHOWN = env_int("QUEUE_ITEM_NOTES_SHOWN", 5)
MUTE_MAX_MINUTES = env_int("MUTE_MAX_MINUTES", 60 * 24 * 30)
SLOW_MODE_MAX_SECONDS = env_int("SLOW_MODE_MAX_SECONDS", 3600)
MODERATION_CONTEXT = env_int("MODERATION_CONTEXT", 5)
# Links from handles younger than this many minutes are flagged for review.
LINK_MIN_HANDLE_AGE_MINUTES = env_int("LINK_MIN_HANDLE_AGE_MINUTES", 60)
# Being refused for sending too fast more often than this is flagged ("3/10m":
# a fourth refusal within 10 minutes files an item).
RATE_LIMIT_FLAG_AFTER = os.environ.get("RATE_LIMIT_FLAG_AFTER", "3/10m")
# Crisis hand-off (docs/safety.md)
CRISIS_ESCALATE_AFTER = env_float("CRISIS_ESCALATE_AFTER", 180)
CRISIS_WEBHOOK_URL = os.environ.get("CRISIS_WEBHOOK_URL", "")
CRISIS_WEBHOOK_ATTEMPTS = env_int("CRISIS_WEBHOOK_ATTEMPTS", 4)
# When set, every webhook request is signed with it (X-Kindred-Signature,
# HMAC-SHA256 over "<X-Kindred-Timestamp>.<body>"; docs/safety.md).
CRISIS_WEBHOOK_SECRET = os.environ.get("CRISIS_WEBHOOK_SECRET", "")
# An escalation whose page did not get through (webhook failing after all its
# attempts, mail refused, the process gone) is paged again this long after.
CRISIS_PAGE_RETRY_SECONDS = env_float("CRISIS_PAGE_RETRY_SECONDS", 120)
CRISIS_ONCALL_EMAILS = env_list("CRISIS_ONCALL_EMAILS")
CRISIS_CARD_EVERY = os.environ.get("CRISIS_CARD_EVERY", "1/30m")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kindred@localhost")
# One-on-one chats and the drop-in line
CHAT_REQUEST_COOLDOWN_HOURS = env_int("CHAT_REQUEST_COOLDOWN_HOURS", 24)
CHAT_REQUEST_EXPIRE_MINUTES = env_int("CHAT_REQUEST_EXPIRE_MINUTES", 30)
CHAT_MAX_OPEN_REQUESTS = env_int("CHAT_MAX_OPEN_REQUESTS", 5)
DROPIN_TIMEOUT_SECONDS = env_float("DROPIN_TIMEOUT_SECONDS", 600)
# On SIGTERM, how long to wait for clients to receive the 1012 close before exiting.
SHUTDOWN_CLOSE_WAIT_SECONDS = env_float("SHUTDOWN_CLOSE_WAIT_SECONDS", 3)
# Privacy: messages older than this are deleted by purge_messages (run daily by the
# server processes and available as a command); closed moderation items are kept
# for MODERATION_RETENTION_DAYS with only the excerpt facilitators need.
MESSAGE_RETENTION_DAYS = env_int("MESSAGE_RETENTION_DAYS", 90)
MODERATION_RETENTION_DAYS = env_int("MODERATION_RETENTION_DAYS", 180)
