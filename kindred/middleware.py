"""Headers Django does not set by itself: security, caching and compression."""

from __future__ import annotations

from collections.abc import Callable

import brotli
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

from kindred.styles import style_src_hashes


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy (no inline script, ever; one inline stylesheet,
    by its hash) and a strict Permissions-Policy to every response that does not set
    its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = _with_inline_styles(settings.CONTENT_SECURITY_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        inlined = getattr(request, "inline_style_sources", None)
        if inlined:
            # The page's own stylesheet only (kindred/styles.py noted it while rendering).
            policy = _with_inline_styles(settings.CONTENT_SECURITY_POLICY, inlined)
        elif settings.DEBUG:
            policy = _with_inline_styles(settings.CONTENT_SECURITY_POLICY)
        else:
            policy = self.policy
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        return response


class StaticHeadersMiddleware:
    """Static files (answered by WhiteNoise, further in) without the headers that only
    mean something on a page (``Referrer-Policy``, ``Cross-Origin-Opener-Policy``),
    and a hashed file, cached for good (``immutable``), without the validators nobody
    will ever send back (``ETag``, ``Last-Modified``). A room loads some 25 files and
    every header line is paid for on each; ``X-Content-Type-Options: nosniff`` stays.
    Outermost, so it sees what Django's SecurityMiddleware added."""

    DROPPED = ("Referrer-Policy", "Cross-Origin-Opener-Policy")
    DROPPED_WHEN_IMMUTABLE = ("ETag", "Last-Modified")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.prefix = settings.STATIC_URL

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(self.prefix) and response.status_code in (200, 304):
            immutable = "immutable" in response.get("Cache-Control", "")
            for name in self.DROPPED + (self.DROPPED_WHEN_IMMUTABLE if immutable else ()):
                response.headers.pop(name, None)
        return response


def _with_inline_styles(policy: str, sources: list[str] | None = None) -> str:
    """*policy* with the page's inline stylesheet (kindred/styles.py) allowed by its
    hash in ``style-src`` (*sources*; else every stylesheet that may be inlined): no
    other inline style, and no ``'unsafe-inline'``."""
    hashes = " ".join(dict.fromkeys(sources or style_src_hashes()))
    return policy.replace("style-src 'self'", f"style-src 'self' {hashes}", 1)


class PrivateResponsesMiddleware:
    """``Cache-Control: no-store`` on every answer to a member: pages and API answers
    name the member's handle, rooms and chats, and a phone may be shared, so neither
    the browser's cache nor anything between may keep a copy. "A member" is anyone
    whose request carries a session cookie, or whose answer sets one (join, recover).
    Static files never get here: WhiteNoise answers them further out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.cookie = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.cookie in request.COOKIES or self.cookie in response.cookies:
            response.headers["Cache-Control"] = "no-store"
        return response


class HtmlCompressionMiddleware:
    """Brotli (else gzip) for HTML pages, never for JSON.

    BREACH needs a secret and attacker-chosen text in the same compressed body. No
    page carries a secret: the session id and the CSRF secret live only in cookies,
    the one form token (the facilitators' login) is masked afresh on every response,
    and recovery phrases are only ever in JSON, which stays uncompressed. See
    docs/security.md ("Compression and BREACH")."""

    MIN_BYTES = 512  # below one packet, compressing saves nothing

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.streaming
            or response.has_header("Content-Encoding")
            or not response.get("Content-Type", "").startswith("text/html")
            or len(response.content) < self.MIN_BYTES
        ):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        accepted = request.headers.get("Accept-Encoding", "")
        if _accepts("br", accepted):
            response.content = brotli.compress(response.content, quality=5)
            response.headers["Content-Encoding"] = "br"
        elif _accepts("gzip", accepted):
            # Django's gzip adds random padding (its own BREACH hardening).
            response.content = compress_string(response.content, max_random_bytes=100)
            response.headers["Content-Encoding"] = "gzip"
        else:
            return response
        response.headers["Content-Length"] = str(len(response.content))
        if response.has_header("ETag"):
            response.headers["ETag"] = "W/" + response["ETag"].removeprefix("W/")
        return response


def _accepts(coding: str, header: str) -> bool:
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() == coding:
            return params.replace(" ", "") not in {"q=0", "q=0.0", "q=0.00", "q=0.000"}
    return False
