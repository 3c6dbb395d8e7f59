"""Twisted internals: a TCP transport's write buffer and socket, the reactor's shutdown."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

from realtime.hooks import Reliance

_TCP = "twisted.internet.tcp.Server"

RELIES_ON = (
    Reliance("Twisted", _TCP, "dataBuffer", why="bytes waiting to be written"),
    Reliance("Twisted", _TCP, "offset", why="how much of dataBuffer is written"),
    Reliance("Twisted", _TCP, "_tempDataLen", kind="instance", why="bytes not yet in dataBuffer"),
    Reliance("Twisted", _TCP, "disconnecting", why="no direct write to a closing socket"),
    Reliance("Twisted", _TCP, "TLS", why="no direct write under TLS"),
    Reliance("Twisted", _TCP, "socket", kind="instance", why="the socket written to directly"),
    Reliance("Twisted", "twisted.internet.defer", "Deferred", why="shutdown waits on one"),
    Reliance("Twisted", "twisted.web.http.HTTPChannel", "connectionMade", why="header deadline"),
    Reliance("Twisted", "twisted.web.http.HTTPChannel", "allHeadersReceived", why="headers done"),
    Reliance("Twisted", "twisted.web.http.HTTPChannel", "connectionLost", why="deadline cancelled"),
    Reliance("Twisted", _TCP, "loseWriteConnection", why="half-close after a failing close frame"),
    Reliance("Twisted", _TCP, "abortConnection", why="end a lingering connection"),
    Reliance("Twisted", _TCP, "disconnected", why="is a lingering connection over"),
)


def pending_bytes(protocol: Any) -> int | None:
    """How many bytes the transport under *protocol* still has to write, or None
    when there is no Twisted transport (not under daphne)."""
    transport = getattr(protocol, "transport", None)
    if transport is None:
        return None
    # TLS wraps the TCP transport; the bytes wait in the inner one.
    inner = getattr(transport, "transport", None) or transport
    buffered = getattr(inner, "dataBuffer", None)
    if buffered is None:
        return None
    return len(buffered) - getattr(inner, "offset", 0) + getattr(inner, "_tempDataLen", 0)


def direct_socket(transport: Any) -> Any:
    """The socket under *transport* when bytes may go to it directly: plain TCP,
    nothing buffered in Twisted (so nothing can be overtaken), not closing."""
    sock = getattr(transport, "socket", None)
    if (
        sock is None
        or getattr(transport, "TLS", False)
        or getattr(transport, "dataBuffer", b"x")
        or getattr(transport, "_tempDataLen", 1)
        or getattr(transport, "disconnecting", True)
    ):
        return None
    return sock


def before_shutdown(callback: Callable[[], Any]) -> bool:
    """Under daphne, run *callback* when the reactor is told to stop (SIGTERM), and
    hold the shutdown until the Deferred it may return fires. False when there is no running reactor
    (tests with the in-process communicator)."""
    if "twisted.internet.reactor" not in sys.modules:
        return False
    from twisted.internet import reactor

    if not reactor.running:
        return False
    reactor.addSystemEventTrigger("before", "shutdown", callback)
    return True


def when_serving(callback: Callable[[], Any]) -> bool:
    """Under daphne, run *callback* on the event loop once the server starts, before
    any request arrives. False (and nothing scheduled) when daphne's reactor is not
    installed in this process (tests driving the application in-process)."""
    if "twisted.internet.reactor" not in sys.modules:
        return False
    from twisted.internet import reactor

    reactor.callWhenRunning(callback)
    return True


def wait_until(done: Callable[[], bool], *, timeout: float, interval: float = 0.05) -> Any:
    """A Deferred that fires once *done()* is true or *timeout* seconds have passed,
    checked every *interval* on the reactor."""
    from twisted.internet import defer, reactor

    fired: defer.Deferred[None] = defer.Deferred()
    deadline = time.monotonic() + timeout

    def check() -> None:
        if done() or time.monotonic() > deadline:
            fired.callback(None)
        else:
            reactor.callLater(interval, check)

    check()
    return fired


def limit_header_time(seconds: Callable[[], float]) -> None:
    """A connection must send its first request's headers within *seconds()*, or
    it is dropped (slowloris: a client trickling one header byte every few
    seconds resets Twisted's idle timeout for ever). Installed once, on
    Twisted's HTTP channel, which daphne's HTTP and WebSocket handshakes use."""
    from twisted.web import http

    channel = http.HTTPChannel
    if getattr(channel, "_kindred_header_deadline", False):
        return
    made, headers_done, lost = (
        channel.connectionMade,
        channel.allHeadersReceived,
        channel.connectionLost,
    )

    def _cancel(self: Any) -> None:
        call = self.__dict__.pop("_kindred_deadline", None)
        if call is not None and call.active():
            call.cancel()

    def _expire(self: Any) -> None:
        self.__dict__.pop("_kindred_deadline", None)
        transport = getattr(self, "transport", None)
        if transport is not None:
            transport.abortConnection()

    def connection_made(self: Any) -> None:
        made(self)
        limit = seconds()
        if limit > 0:
            from twisted.internet import reactor

            self._kindred_deadline = reactor.callLater(limit, _expire, self)

    def all_headers_received(self: Any) -> None:
        _cancel(self)
        headers_done(self)

    def connection_lost(self: Any, reason: Any) -> None:
        _cancel(self)
        lost(self, reason)

    channel.connectionMade = connection_made
    channel.allHeadersReceived = all_headers_received
    channel.connectionLost = connection_lost
    channel._kindred_header_deadline = True


def linger_close(transport: Any, seconds: float) -> None:
    """Close *transport* without a reset while its peer is still sending.

    Closing a socket with unread bytes makes the kernel answer with a TCP reset,
    which can destroy what was just written (a close frame) or fail the peer's
    write before it reads it. Instead: half-close (a FIN after everything
    buffered, the close frame included), keep reading (the caller discards what
    arrives), and end the connection when the peer closes its side, or abort it
    after *seconds*."""
    lose_write = getattr(transport, "loseWriteConnection", None)
    if lose_write is None or seconds <= 0:
        transport.loseConnection()
        return
    from twisted.internet import reactor

    lose_write()

    def give_up() -> None:
        if not getattr(transport, "disconnected", True):
            transport.abortConnection()

    reactor.callLater(seconds, give_up)
