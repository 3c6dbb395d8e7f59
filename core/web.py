"""What every server-rendered page shares: who is asking, where to send them,
and which country their browser says they are in."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

# The newcomers' room in the visitor's language (rooms.pages.start).
DEFAULT_NEXT = "/start/"
# A same-site path: one leading slash (never "//" or "/\", which browsers treat
# as another host), then only URL-safe characters: no scheme, no backslash,
# no whitespace or control characters.
_SAFE_PATH = re.compile(r"/(?![/\\])[A-Za-z0-9\-._~/?=&%+]{0,199}")
# Paths a member is never sent to after joining.
_NOT_NEXT = ("/join/", "/api/", "/ws/", "/admin/", "/static/", "/facilitators/login/")
#: How many Accept-Language entries are read (the header is the client's to fill).
_MAX_LANGUAGE_TAGS = 20


def current_member(request: HttpRequest) -> Any:
    """The signed-in member, or None (also while the session store is down).

    Remembered on the request: with the database down, every attempt to read the
    session waits for the pool's timeout, and a page that asked several times
    (the header, the crisis lines' country) would keep a person waiting for help.
    """
    if hasattr(request, "_kindred_member"):
        return request._kindred_member
    user = getattr(request, "user", None)
    try:
        member = user if user is not None and user.is_authenticated else None
    except DatabaseError:
        # Sessions live in the database: with it down, treat everyone as a visitor
        # so the pages that lead to help still render.
        member = None
    request._kindred_member = member
    return member


def safe_next(value: str | None) -> str:
    """*value* when it is a same-site path a member may be sent to, else the
    newcomers' room in their language."""
    if not value or not _SAFE_PATH.fullmatch(value):
        return DEFAULT_NEXT
    if not url_has_allowed_host_and_scheme(value, allowed_hosts=None):
        return DEFAULT_NEXT
    if value.startswith(_NOT_NEXT) or value == "/join":
        return DEFAULT_NEXT
    return value


def join_first(path: str) -> HttpResponse:
    """Send a visitor to the join page, to come back to *path*."""
    return redirect(f"/join/?{urlencode({'next': path})}")


def member_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page for members only: a visitor is sent to join first, to come back here.
    The view is called with the member after the request."""

    @functools.wraps(view)
    def page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        member = current_member(request)
        if member is None:
            return join_first(request.path)
        return view(request, member, *args, **kwargs)

    return page


def accept_language_tags(accept_language: str) -> list[tuple[float, str]]:
    """(quality, tag) of each Accept-Language entry, most preferred first.

    The one parser for pages and sockets alike, so the crisis card and
    /resources/ always pick the same country, and core.language the same
    language, for the same browser.
    """
    tags: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")[:_MAX_LANGUAGE_TAGS]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        tags.append((-quality, index, tag.strip().replace("_", "-")))
    return [(-quality, tag) for quality, _, tag in sorted(tags)]


def browser_country(accept_language: str) -> str | None:
    """The region of the most preferred language tag that names one ("en-GB" -> "GB")."""
    for _quality, tag in accept_language_tags(accept_language):
        for subtag in tag.split("-")[1:]:
            if len(subtag) == 2 and subtag.isascii() and subtag.isalpha():
                return subtag.upper()
    return None


def scope_header(scope: dict[str, Any], name: bytes) -> str:
    """A header of an ASGI scope (a socket's handshake) as text, or ""."""
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return ""
