"""Django itself: apps, middleware, templates, static files, time, logging.

The settings package is this module plus one module per integration
(database, redis, security) and per area of Kindred's own limits (realtime,
members, moderation, crisis); ``kindred/settings/__init__.py`` gathers them.
Everything is read from the environment (twelve-factor).
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from .env import BASE_DIR, env_bool, env_list

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
    "realtime",
    "community",
    "rooms",
    "moderation",
    "leadership",
    "recovery",
    "meetings",
]

MIDDLEWARE = [
    "kindred.middleware.StaticHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kindred.middleware.HtmlCompressionMiddleware",
    "kindred.middleware.SecurityHeadersMiddleware",
    "kindred.middleware.PrivateResponsesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kindred.locale.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kindred.urls"
ASGI_APPLICATION = "kindred.asgi.application"
AUTH_USER_MODEL = "community.Member"
# Who moderates the one message path (rooms.policy): mutes, flags, the crisis hand-off,
# and a meeting's check-in round (meetings.policy builds on moderation's).
ROOMS_MESSAGE_POLICY = "meetings.policy.MeetingPolicy"
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
                "kindred.context_processors.client_limits",
                "kindred.context_processors.member_nav",
                "django.template.context_processors.i18n",
                "kindred.locale.language_context",
            ],
            "libraries": {"modules": "kindred.modules", "styles": "kindred.styles"},
        },
    },
]

# --- Static files --------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles"
# Production (DEBUG off): `collectstatic` writes content-hashed copies with
# brotli and gzip siblings to STATIC_ROOT, and WhiteNoise serves only those, the
# hashed ones for ten years with `immutable`. Development reads the sources
# through the finders, so an edit shows on reload without collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedStaticFilesStorage"
            if DEBUG
            else "kindred.storage.HashedStaticFiles"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Same-origin pages only: no `Access-Control-Allow-Origin: *` on every file.
WHITENOISE_ALLOW_ALL_ORIGINS = False

LANGUAGE_CODE = "en"
# The languages Kindred ships catalogues for (locale/<code>/LC_MESSAGES); adding one
# is a translation job, docs/i18n.md. Each is named in its own language in the picker.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The picker's choice on this browser (core.language: it comes before the member's
# saved language and Accept-Language). Not a tracker: it holds "en" or "es".
LANGUAGE_COOKIE_NAME = "kindred_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", True)
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
