"""How many bytes a socket's server still has to write to the client.

Daphne writes frames into Twisted's transport buffer, which grows without limit
if the client stops reading. ASGI gives no back-pressure signal, so Kindred
looks at that buffer through the send callable daphne hands the application
(``functools.partial(server.handle_reply, protocol)``). Under any other server
(the test communicator) the answer is None and the check is skipped.
"""

from __future__ import annotations

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


def write_now(transport: Any, data: bytes) -> None:
    """Write *data* to the client, straight to the socket when nothing is queued.

    Twisted's ``transport.write`` always buffers and asks the event loop to watch
    the socket for writability, which costs more than the send itself when a room
    fans one message out to hundreds of sockets. When the transport has nothing
    buffered (so ordering is safe) and is plain TCP, send now; whatever the
    kernel doesn't take goes through Twisted's buffer as usual.
    """
    sock = getattr(transport, "socket", None)
    if (
        sock is None
        or getattr(transport, "TLS", False)
        or getattr(transport, "dataBuffer", b"x")
        or getattr(transport, "_tempDataLen", 1)
        or getattr(transport, "disconnecting", True)
    ):
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
