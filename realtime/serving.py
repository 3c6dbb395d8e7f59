"""The one daphne command line Kindred is served with.

``make run``, the Procfile, the README's many-process example, the live-server
tests and the benchmark all start daphne with these flags; the code here builds
the command for the last two, and tests/test_health_and_settings.py checks the
others say the same. Plain Python, no Django: the benchmark imports it too.
"""

from __future__ import annotations

import sys

#: A frame or message over 64 KiB is refused by daphne itself (1009), before
#: Kindred's own checks: the largest client frame the protocol allows is far
#: smaller (docs/protocol.md). Liveness is the protocol's own: clients send a
#: ``ping`` frame every 20 s and the hub closes a socket silent for
#: SOCKET_IDLE_SECONDS (60), so daphne's keepalive pings (after 20 s without a
#: frame by default) only duplicated it: with 5,000 idle sockets they cost
#: 1.5-3 % of a core (docs/performance.md). Now daphne pings only a socket
#: silent for 60 s, which the hub is about to close anyway.
DAPHNE_FLAGS = (
    "--websocket-max-message-size",
    "65536",
    "--websocket-max-frame-size",
    "65536",
    "--ping-interval",
    "60",
)
APPLICATION = "kindred.asgi:application"


def daphne_command(
    *,
    port: int,
    host: str = "127.0.0.1",
    extra: tuple[str, ...] | list[str] = (),
    app: str = APPLICATION,
) -> list[str]:
    """``python -m daphne`` with Kindred's flags, *extra* flags, then *app*."""
    return [sys.executable, "-m", "daphne", "-b", host, "-p", str(port), *DAPHNE_FLAGS, *extra, app]
