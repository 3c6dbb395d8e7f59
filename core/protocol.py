"""The protocol's constants, in one place: close codes and frame types.

docs/protocol.md documents each of them; ``tests/test_protocol_doc.py`` checks
that every constant here is documented there, and the browser client's
constants are checked against :func:`as_json` so the two can't drift.
"""

from __future__ import annotations

from typing import Any

# WebSocket close codes the server uses (docs/protocol.md, "Close codes").
CLOSE_IDLE = 4000  # nothing received for SOCKET_IDLE_SECONDS
CLOSE_KICKED = 4001  # a facilitator removed the member from the room
CLOSE_NO_SESSION = 4401  # no member session (or it ended)
CLOSE_FORBIDDEN = 4403  # not allowed here (banned, not staff, not a participant)
CLOSE_NOT_FOUND = 4404  # no such room, chat or path
CLOSE_SLOW_READER = 4408  # the client stopped reading its frames
CLOSE_FLOOD = 4429  # too many frames, for too long
CLOSE_TOO_BIG = 1009  # a frame over WEBSOCKET_MAX_FRAME_BYTES
CLOSE_RESTART = 1012  # the server is restarting: reconnect and resume

CLOSE_CODES: dict[str, int] = {
    name.removeprefix("CLOSE_"): value
    for name, value in sorted(globals().items())
    if name.startswith("CLOSE_") and isinstance(value, int)
}

#: Close codes after which a client should not reconnect on its own.
CLOSE_FINAL = frozenset({CLOSE_NO_SESSION, CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, CLOSE_KICKED})

#: The longest request id (``ref``) a client may attach to a frame.
REF_MAX_LENGTH = 64


def as_json() -> dict[str, Any]:
    """What the browser client must agree with (see static/kindred/protocol.js)."""
    return {
        "close": CLOSE_CODES,
        "closeFinal": sorted(CLOSE_FINAL),
        "refMaxLength": REF_MAX_LENGTH,
    }
