"""A frame several times over the 64 KiB limit gets a readable 1009 close, not 1006
(issue 29, item 23), with a real WebSocket client against a real daphne.

On loopback the whole frame is read at once, so the failure needs a client
still sending when the server closes: a phone on a slow uplink sending 300 KB.
Before the fix daphne aborted the connection when its one-second close
handshake ran out, with the rest of the frame still arriving, and the client
met a TCP reset (1006). Now the server half-closes after its close frame, reads
and discards the rest, and ends the connection with an orderly close.
"""

from __future__ import annotations

import contextlib
import json

import pytest
import websockets

from tests.faults.slowlink import SlowLink
from tests.faults.test_live_bad_input import PATH, closed_with, serves
from tests.faults.test_live_bad_input import server as server  # the module's own daphne
from tests.live import LiveMember

pytestmark = [pytest.mark.live]


async def oversize(ws, size: int) -> int | None:
    """Send a message frame of about *size* bytes; the close code the client read."""
    welcome = json.loads(await ws.recv())
    assert welcome["type"] == "welcome"
    with contextlib.suppress(websockets.ConnectionClosedOK):
        await ws.send(json.dumps({"type": "message", "body": "x" * size}))
    return await closed_with(ws, timeout=30)


@pytest.mark.parametrize("size", [200_000, 2_000_000])
async def test_far_over_the_limit_on_a_fast_link_is_closed_1009(server, size):
    async with await LiveMember(server).connect(PATH) as ws:
        assert await oversize(ws, size) == 1009
    await serves(server)


@pytest.mark.parametrize("size", [200_000, 300_000])
async def test_far_over_the_limit_on_a_slow_uplink_is_closed_1009_not_reset(server, size):
    member = LiveMember(server)
    with SlowLink(server.port, rate=120_000) as link:
        ws = await websockets.connect(
            f"ws://127.0.0.1:{link.port}{PATH}",
            additional_headers={"Cookie": member.cookie_header()},
            origin=f"http://127.0.0.1:{link.port}",
            compression=None,
            open_timeout=10,
        )
        async with ws:
            assert await oversize(ws, size) == 1009
        assert link.server_ended == ["eof"]
    await serves(server)
