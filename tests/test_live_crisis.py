"""A message only the crisis model catches, over real sockets to a real daphne."""

from __future__ import annotations

import asyncio
import json
import os
import re
import time

import pytest

from tests.browser.staff import LiveStaff
from tests.live import LiveMember, LiveServer, next_frame
from tests.test_crisis_feedback import stage2_only

pytestmark = [pytest.mark.live, pytest.mark.redis]


@pytest.fixture(scope="module")
def server(live_database):
    assert os.environ.get("REDIS_URL"), "needs Redis"
    server = LiveServer(live_database).start()
    yield server
    server.stop()


async def staff_socket(staff: LiveStaff, server: LiveServer, path: str):
    import websockets

    cookies = "; ".join(f"{k}={v}" for k, v in staff.client.cookies.items())
    return await websockets.connect(
        f"{server.ws}{path}",
        additional_headers={"Cookie": cookies},
        origin=f"http://127.0.0.1:{server.port}",
        compression=None,
        open_timeout=10,
    )


async def test_a_model_only_hit_reaches_the_member_and_the_on_duty_facilitator(server):
    text = stage2_only()
    facilitator = LiveStaff(server, "FacilCrisis")
    dashboard = await staff_socket(facilitator, server, "/ws/moderation/")
    await next_frame(dashboard, "queue")
    await dashboard.send(json.dumps({"type": "duty", "on": True}))
    await next_frame(dashboard, "status")

    member = LiveMember(server)
    ws = await member.connect("/ws/rooms/late-night/")
    await next_frame(ws, "welcome")
    sent = time.monotonic()
    await ws.send(json.dumps({"type": "message", "body": text, "nonce": "m1"}))
    replies = []
    async with asyncio.timeout(10):
        while "crisis" not in [f["type"] for f in replies]:
            frame = json.loads(await ws.recv())
            if frame["type"] in ("crisis", "ack", "error"):
                replies.append(frame)
    took = time.monotonic() - sent
    # Stage 2 judges the message after the ack (moderation.stage2); the card
    # must reach the member within a second of the message (docs/safety.md).
    assert [f["type"] for f in replies] == ["ack", "crisis"], "the card follows the ack"
    ack, card = replies
    assert card["category"] == "suicide"
    assert took < 1.0, f"the card took {took:.2f} s"
    seen: dict[str, dict] = {}
    async with asyncio.timeout(10):
        while len(seen) < 2:
            frame = json.loads(await dashboard.recv())
            if frame["type"] in ("crisis.alert", "queue.item"):
                seen[frame["type"]] = frame
    alert, item = seen["crisis.alert"], seen["queue.item"]["item"]
    assert alert["handle"] == member.handle and alert["message"]["id"] == ack["id"]
    assert item["id"] == alert["item"] and item["kind"] == "crisis"
    assert item["detected_by"] == "model"
    assert re.match(r"Model score \d\.\d\d", item["detection_reason"])
    await ws.close()
    await dashboard.close()
