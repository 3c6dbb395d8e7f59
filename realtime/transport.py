"""How many bytes a socket's server still has to write to the client.

Daphne writes frames into Twisted's transport buffer, which grows without limit
if the client stops reading. ASGI gives no back-pressure signal, so Kindred
looks at that buffer through the send callable daphne hands the application
(``functools.partial(server.handle_reply, protocol)``). Under any other server
(the test communicator) the answer is None and the check is skipped. What this
needs from daphne, autobahn and Twisted themselves is in realtime.hooks.
"""

from __future__ import annotations

import threading
from typing import Any

from realtime.hooks.autobahn import can_write_direct
from realtime.hooks.daphne import protocol_of
from realtime.hooks.twisted import direct_socket, pending_bytes

__all__ = [
    "DirectWriter",
    "can_write_direct",
    "pending_bytes",
    "protocol_of",
    "text_frame",
    "write_now",
]


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


def write_now(transport: Any, data: bytes) -> None:
    """Write *data* to the client, straight to the socket when nothing is queued.

    Twisted's ``transport.write`` always buffers and asks the event loop to watch
    the socket for writability, which costs more than the send itself when a room
    fans one message out to hundreds of sockets. When the transport has nothing
    buffered (so ordering is safe) and is plain TCP, send now; whatever the
    kernel doesn't take goes through Twisted's buffer as usual.
    """
    sock = direct_socket(transport)
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
            sock = direct_socket(self.protocol.transport)
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
