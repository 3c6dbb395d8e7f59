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
    args = getattr(send, "args", None)
    if not args:
        return None
    protocol = args[0]
    return protocol if hasattr(protocol, "transport") else None


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
