"""How many bytes a socket's server still has to write to the client.

Daphne writes frames into Twisted's transport buffer, which grows without limit
if the client stops reading. ASGI gives no back-pressure signal, so Kindred
looks at that buffer through the send callable daphne hands the application
(``functools.partial(server.handle_reply, protocol)``). Under any other server
(the test communicator) the answer is None and the check is skipped.
"""

from __future__ import annotations

import threading
from typing import Any


def protocol_of(send: Any) -> Any:
    # Middleware can stand in between: channels' session middleware hands the
    # consumer its own bound ``send``, which keeps the next one as ``real_send``.
    for _ in range(8):
        args = getattr(send, "args", None)
        if args:
            protocol = args[0]
            return protocol if hasattr(protocol, "transport") else None
        send = getattr(getattr(send, "__self__", None), "real_send", None)
        if send is None:
            return None
    return None


def pending_bytes(protocol: Any) -> int | None:
    transport = getattr(protocol, "transport", None)
    if transport is None:
        return None
    # TLS wraps the TCP transport; the bytes wait in the inner one.
    inner = getattr(transport, "transport", None) or transport
    buffered = getattr(inner, "dataBuffer", None)
    if buffered is None:
        return None
    return len(buffered) - getattr(inner, "offset", 0) + getattr(inner, "_tempDataLen", 0)


def text_frame(payload: bytes) -> bytes:
    """One unmasked, final WebSocket text frame (RFC 6455 §5.2), as a server sends it.

    Built once per message by the hub and written as-is to every local socket,
    instead of letting the server frame (and UTF-8 encode) it again per recipient.
    """
    length = len(payload)
    if length < 126:
        header = bytes((0x81, length))
    elif length < 65536:
        header = bytes((0x81, 126)) + length.to_bytes(2, "big")
    else:
        header = bytes((0x81, 127)) + length.to_bytes(8, "big")
    return header + payload


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


def _direct_socket(transport: Any) -> Any:
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


def write_now(transport: Any, data: bytes) -> None:
    """Write *data* to the client, straight to the socket when nothing is queued.

    Twisted's ``transport.write`` always buffers and asks the event loop to watch
    the socket for writability, which costs more than the send itself when a room
    fans one message out to hundreds of sockets. When the transport has nothing
    buffered (so ordering is safe) and is plain TCP, send now; whatever the
    kernel doesn't take goes through Twisted's buffer as usual.
    """
    sock = _direct_socket(transport)
    if sock is None:
        transport.write(data)
        return
    try:
        sent = sock.send(data)
    except (BlockingIOError, InterruptedError):
        sent = 0
    except OSError:
        transport.write(data)  # let Twisted notice and report the broken connection
        return
    if sent < len(data):
        transport.write(data[sent:])


class DirectWriter:
    """One socket's direct writes, from the event loop and from worker threads.

    A send's ack is written by the worker thread that stored the message, the
    moment the service returns, instead of after the event loop gets round to
    the socket again (behind a room's write to hundreds of sockets, that wait
    was most of an ack's tail on a busy machine). Everything else is written on
    the loop. The lock keeps the two from interleaving inside a frame, and what
    the kernel didn't take of a thread's write (``_tail``: only Twisted may
    buffer, and only the loop may touch Twisted) is written on the loop before
    anything else goes to the socket.
    """

    def __init__(self, protocol: Any) -> None:
        self.protocol = protocol
        self._lock = threading.Lock()
        self._tail = b""
        self._closing = False

    def write(self, data: bytes) -> None:
        """On the event loop: *data* after anything a thread left unsent."""
        with self._lock:
            self._flush_tail()
            write_now(self.protocol.transport, data)

    def flush(self) -> None:
        """On the event loop: hand Twisted what a thread's write left unsent, so
        that whatever Twisted writes next (a close, a reply framed by daphne) goes
        after it."""
        if self._tail:
            with self._lock:
                self._flush_tail()

    def closing(self) -> None:
        """On the event loop, before the socket's close frame is written: what a
        thread left unsent goes first, and no thread writes after it."""
        with self._lock:
            self._flush_tail()
            self._closing = True

    def _flush_tail(self) -> None:
        if self._tail:
            tail, self._tail = self._tail, b""
            self.protocol.transport.write(tail)

    def write_from_thread(self, data: bytes) -> bool:
        """From a worker thread: send *data* now if it can go straight to the
        kernel with nothing ahead of it. False when nothing was written (Twisted
        holds bytes for the socket, it is closing, or the kernel took none): the
        caller then writes *data* on the loop as usual."""
        with self._lock:
            if self._closing or self._tail or not can_write_direct(self.protocol):
                return False
            sock = _direct_socket(self.protocol.transport)
            if sock is None:
                return False
            try:
                sent = sock.send(data)
            except OSError:  # full, or broken: the loop's write deals with it
                return False
            if sent == 0:
                return False
            self._tail = data[sent:]
            return True
