"""autobahn internals: a WebSocket protocol's state, queue and close frames."""

from __future__ import annotations

import inspect
import pprint
from collections.abc import Callable
from typing import Any

from realtime.hooks import Reliance

# The server side, which daphne's protocol class extends.
_PROTOCOL = "autobahn.websocket.protocol.WebSocketServerProtocol"
# The same, bound to Twisted (daphne's actual base): its TCP close and data entry.
_TWISTED_PROTOCOL = "autobahn.twisted.websocket.WebSocketServerProtocol"
_MODULE = "autobahn.websocket.protocol"
# Where a new connection copies the factory's options onto the protocol.
_BASE = f"{_MODULE}.WebSocketProtocol"

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
    Reliance("autobahn", _TWISTED_PROTOCOL, "CONFIG_ATTRS", why="the options copied per socket"),
    Reliance(
        "autobahn",
        _BASE,
        "if not hasattr(self, configAttr)",
        kind="source",
        why="an option the protocol class already has is not copied onto each socket",
    ),
    Reliance(
        "autobahn",
        _MODULE,
        "pformat",
        why="its debug lines are pretty-printed only when they are logged",
    ),
    Reliance("autobahn", f"{_MODULE}.Timings", "_timings", kind="instance", why="its own text"),
    Reliance(
        "autobahn", _PROTOCOL, "http_request_data", kind="instance", why="the handshake's request"
    ),
    Reliance(
        "autobahn", _PROTOCOL, "http_response_data", kind="instance", why="the handshake's response"
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


def forget_handshake(protocol: Any) -> None:
    """Once the socket is open, let go of the handshake's raw request and
    response, which autobahn keeps for the socket's whole life (about half a
    KiB a socket). The attributes stay, as None."""
    for name in ("http_request_data", "http_response_data"):
        if name in protocol.__dict__:
            setattr(protocol, name, None)


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


def lighter_connections() -> None:
    """What each new socket costs autobahn under daphne, made smaller: the
    options shared, the debug formatting skipped unless logged."""
    format_debug_lines_lazily()
    try:
        from daphne.ws_protocol import WebSocketFactory
    except ImportError:  # served by something else
        return
    share_factory_options(WebSocketFactory)


def share_factory_options(factory_class: Any) -> None:
    """A socket's protocol reads autobahn's options (about 30) from its class,
    not from copies in its own ``__dict__``.

    On every new connection autobahn copies each of the factory's options onto
    the protocol instance unless the protocol already has it; the copies were
    the largest part of a socket's biggest dict (docs/performance.md, "Idle
    memory"). Each factory builds its protocols from a subclass that holds the
    factory's options as class attributes, made again if an option changes.
    """
    build = factory_class.buildProtocol
    if getattr(build, "shares_options", False):
        return

    def build_protocol(self: Any, addr: Any) -> Any:
        base = type(self).protocol
        names = base.CONFIG_ATTRS
        options = tuple(getattr(self, name) for name in names)
        shared = self.__dict__.get("protocol")
        if shared is None or shared.factory_options != options:
            # A function (perMessageCompressionAccept) must not become a method.
            attrs = {
                name: staticmethod(value) if inspect.isfunction(value) else value
                for name, value in zip(names, options, strict=True)
            }
            attrs["factory_options"] = options
            attrs.update(__module__=base.__module__, __qualname__=base.__qualname__)
            self.protocol = type(base.__name__, (base,), attrs)
        return build(self, addr)

    build_protocol.shares_options = True  # type: ignore[attr-defined]
    factory_class.buildProtocol = build_protocol


class _WhenLogged:
    """``pprint.pformat(value)``, done only if a log line is actually written."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __str__(self) -> str:
        return pprint.pformat(self.value)


def format_debug_lines_lazily() -> None:
    """autobahn pretty-prints its whole configuration, and the connection's
    details, for a debug log line on every connection, whether or not debug
    lines are logged: about a tenth of the event loop's share of a connect
    (docs/performance.md, "CPU per connect"). The text is now made only when
    the line is written."""
    from autobahn.websocket import protocol

    if protocol.pformat is _when_logged:
        return
    protocol.pformat = _when_logged
    # The module's one other use returns the text itself.
    protocol.Timings.__str__ = lambda self: pprint.pformat(self._timings)


def _when_logged(value: Any, *args: Any, **kwargs: Any) -> Any:
    return _WhenLogged(value)
