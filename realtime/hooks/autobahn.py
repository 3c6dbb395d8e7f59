"""autobahn internals: a WebSocket protocol's state, queue and close frames."""

from __future__ import annotations

from typing import Any

from realtime.hooks import Reliance

# The server side, which daphne's protocol class extends.
_PROTOCOL = "autobahn.websocket.protocol.WebSocketServerProtocol"

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


def close_on_protocol_errors(protocol: Any) -> None:
    """Autobahn drops the TCP connection on a protocol error (a frame over the
    size limit, invalid UTF-8) unless told to close it with the code: 1009 or
    1007, as docs/protocol.md promises."""
    protocol.failByDrop = False


def send_close(protocol: Any, code: int) -> None:
    """Start the close handshake with *code*. Not daphne's ``handle_reply``:
    autobahn's ``sendClose()`` accepts only 1000 and 3000-4999 from an
    application, and refuses 1012 with an exception."""
    protocol.sendCloseFrame(code=code)


def is_closed(protocol: Any) -> bool:
    return getattr(protocol, "state", None) == protocol.STATE_CLOSED
