"""autobahn internals: a WebSocket protocol's state, queue and close frames."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from realtime.hooks import Reliance

# The server side, which daphne's protocol class extends.
_PROTOCOL = "autobahn.websocket.protocol.WebSocketServerProtocol"
# The same, bound to Twisted (daphne's actual base): its TCP close and data entry.
_TWISTED_PROTOCOL = "autobahn.twisted.websocket.WebSocketServerProtocol"

RELIES_ON = (
    Reliance("autobahn", _PROTOCOL, "STATE_OPEN", why="is the socket open"),
    Reliance("autobahn", _PROTOCOL, "STATE_CLOSED", why="has the close handshake ended"),
    Reliance("autobahn", _PROTOCOL, "state", kind="instance", why="the socket's state"),
    Reliance("autobahn", _PROTOCOL, "send_queue", kind="instance", why="frames still queued"),
    Reliance(
        "autobahn",
        _PROTOCOL,
        "websocket_extensions_in_use",
        kind="instance",
        why="compression would have to transform a pre-built frame",
    ),
    Reliance(
        "autobahn", _PROTOCOL, "failByDrop", kind="instance", why="close with 1009/1007, not drop"
    ),
    Reliance(
        "autobahn", _PROTOCOL, "sendCloseFrame", why="close with 1012, which sendClose refuses"
    ),
    Reliance(
        "autobahn",
        _TWISTED_PROTOCOL,
        "_closeConnection",
        why="where a failed connection's TCP close happens (the linger goes there)",
    ),
    Reliance("autobahn", _PROTOCOL, "failedByMe", kind="instance", why="did we fail it"),
    Reliance("autobahn", _TWISTED_PROTOCOL, "dataReceived", why="what a lingering socket discards"),
)


def can_write_direct(protocol: Any) -> bool:
    """True when a pre-built frame may go straight to the transport: the socket is
    open, nothing is queued inside the protocol, and no extension (compression)
    would have to transform the payload."""
    return (
        protocol is not None
        and getattr(protocol, "state", None) == getattr(protocol, "STATE_OPEN", object())
        and not getattr(protocol, "send_queue", None)
        and not getattr(protocol, "websocket_extensions_in_use", None)
    )


def close_on_protocol_errors(
    protocol: Any, *, linger_seconds: float = 0, linger: Callable[[Any, float], None] | None = None
) -> None:
    """Autobahn drops the TCP connection on a protocol error (a frame over the
    size limit, invalid UTF-8) unless told to close it with the code: 1009 or
    1007, as docs/protocol.md promises.

    The close frame must also arrive: a client still sending the rest of a
    frame several times over the limit would otherwise meet a TCP reset (the
    close-handshake timeout aborts, or a close with unread bytes resets) and
    see 1006. So when Kindred's side failed the connection, its TCP close goes
    to *linger* (realtime.hooks.twisted.linger_close) with *linger_seconds*,
    and whatever still arrives is discarded unread."""
    protocol.failByDrop = False
    if linger is None or linger_seconds <= 0:
        return
    close = protocol._closeConnection

    def close_connection(abort: bool = False) -> None:
        transport = getattr(protocol, "transport", None)
        if not getattr(protocol, "failedByMe", False) or transport is None:
            close(abort)
            return
        protocol.dataReceived = _discard
        linger(transport, linger_seconds)

    protocol._closeConnection = close_connection


def _discard(data: bytes) -> None:
    """What a failed socket does with the bytes its peer still sends: nothing."""


def send_close(protocol: Any, code: int) -> None:
    """Start the close handshake with *code*. Not daphne's ``handle_reply``:
    autobahn's ``sendClose()`` accepts only 1000 and 3000-4999 from an
    application, and refuses 1012 with an exception."""
    protocol.sendCloseFrame(code=code)


def is_closed(protocol: Any) -> bool:
    return getattr(protocol, "state", None) == protocol.STATE_CLOSED
