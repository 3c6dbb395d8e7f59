"""Cross-site WebSocket hijacking: a handshake must come from Kindred's own pages.

A browser sends its session cookie with a WebSocket handshake from any site, so
the ``Origin`` header is what tells a page of ours from someone else's. It must
name the same scheme, host and port the request was made to (a page on another
port of the same host is another site), on a host in ``ALLOWED_HOSTS``, or be
listed in ``CSRF_TRUSTED_ORIGINS``. Anything else is refused before the socket
is accepted (daphne answers 403), and without touching Redis or the database:
Channels' own denier opens a channel-layer channel per refusal, so a flood of
foreign handshakes used to slow the layer down and fail ``/healthz``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import split_domain_port, validate_host

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin_parts(text: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    if parts.username is not None or parts.password is not None or parts.path not in ("", "/"):
        return None
    return parts.scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[parts.scheme]


def _request_scheme(scope: dict[str, Any], headers: dict[bytes, bytes]) -> str:
    if scope.get("scheme") in ("wss", "https"):
        return "https"
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy:
        name = proxy[0].removeprefix("HTTP_").replace("_", "-").lower().encode()
        if headers.get(name, b"").decode("latin-1").split(",")[0].strip() == proxy[1]:
            return "https"
    return "http"


def origin_allowed(scope: dict[str, Any]) -> bool:
    headers = {name.lower(): value for name, value in scope.get("headers", [])}
    origin = _origin_parts(headers.get(b"origin", b"").decode("latin-1"))
    if origin is None:
        return False
    trusted = {_origin_parts(o) for o in getattr(settings, "CSRF_TRUSTED_ORIGINS", ())}
    if origin in trusted:
        return True
    host, port = split_domain_port(headers.get(b"host", b"").decode("latin-1"))
    if not host or not validate_host(host, settings.ALLOWED_HOSTS):
        return False
    scheme = _request_scheme(scope, headers)
    expected = (scheme, host.strip("[]").lower(), int(port) if port else _DEFAULT_PORTS[scheme])
    return origin == expected


class SameOriginOnly:
    """ASGI middleware: WebSocket handshakes from another origin are closed
    before they are accepted; everything else passes to *app*."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and not origin_allowed(scope):
            message = await receive()
            if message["type"] == "websocket.connect":
                await send({"type": "websocket.close", "code": 1008})
            return None
        return await self.app(scope, receive, send)
