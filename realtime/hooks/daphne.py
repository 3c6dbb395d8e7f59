"""daphne internals: the protocol behind the ASGI send callable, and the access log."""

from __future__ import annotations

from typing import Any

from realtime.hooks import Reliance

RELIES_ON = (
    Reliance(
        "daphne",
        "daphne.server.Server",
        "partial(self.handle_reply, protocol)",
        kind="source",
        why="the send callable carries the socket's protocol as its first argument",
    ),
    Reliance(
        "daphne",
        "daphne.access.AccessLogGenerator",
        "write_entry",
        why="the access-log line is rewritten without the client's address",
    ),
)


def protocol_of(send: Any) -> Any:
    """The Twisted/autobahn protocol behind an ASGI *send* callable daphne made
    (``functools.partial(server.handle_reply, protocol)``), or None under any
    other server (the test communicator)."""
    # Middleware can stand in between: Channels' session middleware (no longer in
    # Kindred's stack, see realtime.session_auth) hands the consumer its own
    # bound ``send``, which keeps the next one as ``real_send``.
    for _ in range(8):
        args = getattr(send, "args", None)
        if args:
            protocol = args[0]
            return protocol if hasattr(protocol, "transport") else None
        send = getattr(getattr(send, "__self__", None), "real_send", None)
        if send is None:
            return None
    return None


def access_log_without_addresses() -> None:
    """daphne prints an access-log line per request and socket to stdout (unless
    started with ``-v 0``), beginning with the client's address and port; it is
    not a logging logger, so LOGGING can't silence it. Kindred logs handles,
    never addresses: keep the line, drop the address."""
    try:
        from daphne.access import AccessLogGenerator
    except ImportError:  # served by something else
        return
    write_entry = AccessLogGenerator.write_entry
    if getattr(write_entry, "without_address", False):
        return

    def without_address(self, host, date, request, status=None, length=None, *args, **kwargs):
        return write_entry(self, "-", date, request, status, length, *args, **kwargs)

    without_address.without_address = True  # type: ignore[attr-defined]
    AccessLogGenerator.write_entry = without_address  # type: ignore[method-assign]
