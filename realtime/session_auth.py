"""Who opened a socket: the session cookie read and the member loaded, in one layer.

Channels' ``AuthMiddlewareStack`` does this in three layers (cookies, session,
user), each copying the scope and each adding coroutines that live as long as
the socket, and it keeps the session store and a lazy user wrapper for the
socket's whole life. A socket needs three facts from them, once, at connect:
the member (``user``: their id, handle and language), which session it was
(signing out closes exactly that session's sockets) and the cookies (the
language cookie). This layer reads the cookies as Channels' ``CookieMiddleware``
does and loads the member with Channels' own ``get_user`` (the same
session-hash check; a session whose hash fails is flushed, as before), then
passes on one scope holding only those facts.

The scope's ``session`` is a :class:`SessionKey`, the key and not the store, so
nothing in a socket reads or writes session data after connect (Channels saves
a session only on an HTTP response, never on a socket, so nothing is lost).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

from channels.auth import get_user
from django.conf import settings
from django.http.cookie import parse_cookie


@dataclass(frozen=True, slots=True)
class SessionKey:
    """The part of a session a socket keeps: which session it was."""

    session_key: str | None


def cookies_of(scope: dict[str, Any]) -> dict[str, str]:
    """The handshake's cookies, from its first ``Cookie`` header (as Channels reads them)."""
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            return parse_cookie(value.decode("latin1"))
    return {}


class SessionAuth:
    """ASGI middleware: ``scope["user"]`` (the member or an anonymous user),
    ``scope["session"]`` (a :class:`SessionKey`) and ``scope["cookies"]``."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.store = import_module(settings.SESSION_ENGINE).SessionStore

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        cookies = cookies_of(scope)
        session = self.store(cookies.get(settings.SESSION_COOKIE_NAME))
        user = await get_user({"session": session})  # one worker-thread call
        scope = {
            **scope,
            "cookies": cookies,
            "session": SessionKey(session.session_key),
            "user": user,
        }
        return await self.inner(scope, receive, send)
