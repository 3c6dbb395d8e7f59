"""Cookies, security headers and the Content-Security-Policy."""

from __future__ import annotations

import os

from .base import DEBUG
from .env import env_bool, env_int

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
    # Plain HTTP gets a redirect to HTTPS (so HSTS doesn't rest on the proxy alone);
    # off with SECURE_COOKIES=0, the "production build over plain HTTP" mode.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SESSION_COOKIE_SECURE)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a load balancer's plain-HTTP probe
# Staff (facilitators, peer supporters, admins) sign in with a password; members
# never do. Django's validators, with a minimum length.
STAFF_PASSWORD_MIN_LENGTH = env_int("STAFF_PASSWORD_MIN_LENGTH", 12)
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("handle",)},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": STAFF_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Staff sign-in attempts, per handle and per client address (the address only as
# a keyed hash in Redis or memory, for one window: core/throttle.py).
SIGN_IN_ATTEMPTS_PER_HANDLE = os.environ.get("SIGN_IN_ATTEMPTS_PER_HANDLE", "10/15m")
SIGN_IN_ATTEMPTS_PER_ADDRESS = os.environ.get("SIGN_IN_ATTEMPTS_PER_ADDRESS", "30/15m")
# Proxies in front of daphne whose X-Forwarded-For is trusted for throttles (0: none;
# the peer address is used).
THROTTLE_PROXY_HOPS = env_int("THROTTLE_PROXY_HOPS", 0)

# No inline script anywhere: every script is a file under /static/.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
