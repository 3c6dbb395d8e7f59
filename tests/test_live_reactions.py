"""Reactions across two real daphne processes sharing one Redis: a "me too" given
on one process reaches a reader on the other, and the author (on the second
process) can read who reacted; a member who blocks the author gets nothing."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.live import LiveMember, logs_on_failure, next_frame
from tests.test_live_inbox import csrf_post, two_servers  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.live, pytest.mark.redis]


async def test_me_too_reaches_the_other_process_and_skips_the_blocker(two_servers):  # noqa: F811
    a, b = two_servers
    with logs_on_failure(a, b):
        author, fan, blocker = LiveMember(b), LiveMember(a), LiveMember(b)
        csrf_post(blocker.client, "/api/blocks/", {"handle": author.handle})
        author_ws = await author.connect("/ws/rooms/newcomers/")
        blocker_ws = await blocker.connect("/ws/rooms/newcomers/")
        fan_ws = await fan.connect("/ws/rooms/newcomers/")
        for ws in (author_ws, blocker_ws, fan_ws):
            await next_frame(ws, "welcome")
        await author_ws.send(
            json.dumps({"type": "message", "body": "one week today", "nonce": "n1"})
        )
        message_id = (await next_frame(author_ws, "ack"))["id"]
        await next_frame(fan_ws, "message")

        await fan_ws.send(
            json.dumps({"type": "react", "message": message_id, "reaction": "me_too"})
        )
        seen = await next_frame(author_ws, "reactions")
        assert seen == {"type": "reactions", "message": message_id, "counts": {"me_too": 1}}
        who = author.client.get(f"/api/messages/{message_id}/reactions/").json()
        assert who == {"message": message_id, "who": {"me_too": [fan.handle]}}
        # Not the fan, nor anyone else, can read the names.
        assert fan.client.get(f"/api/messages/{message_id}/reactions/").status_code == 404

        # The blocker's next room frame is the fan's message, not the reaction.
        await fan_ws.send(json.dumps({"type": "message", "body": "so glad", "nonce": "n2"}))
        async with asyncio.timeout(10):
            while True:
                frame = json.loads(await blocker_ws.recv())
                assert frame["type"] != "reactions", frame
                if frame["type"] == "message":
                    assert frame["body"] == "so glad"
                    break
        for ws in (author_ws, blocker_ws, fan_ws):
            await ws.close()
