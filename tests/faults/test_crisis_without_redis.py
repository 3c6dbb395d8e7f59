"""Redis is gone and a member writes that they want to die (issue 29, item 1).

Nothing in the crisis path may wait for a service: the message is stored and
acknowledged, the card is shown (the once-per-30-minutes card limit lives in
Redis, so while it can't be read every crisis message gets its card), and the
queue item is filed and escalated.
"""

from __future__ import annotations

import json

import pytest

from tests.faults.redisproc import PrivateRedis, redis_server_missing
from tests.live import LiveMember, LiveServer, logs_on_failure, next_frame

pytestmark = [
    pytest.mark.faults,
    pytest.mark.live,
    pytest.mark.skipif(bool(redis_server_missing()), reason=redis_server_missing() or ""),
]

CRISIS = "i can't do this anymore, i want to end it tonight"


def crisis_items(database, handle: str) -> list[str]:
    """(escalated?) of each crisis item about *handle*, read by a management shell."""
    code = (
        "from moderation.models import QueueItem\n"
        f"for i in QueueItem.objects.filter(kind='crisis', subject__handle={handle!r}):\n"
        "    print('item:', 'escalated' if i.escalated_at else 'waiting')\n"
    )
    out = database.manage("shell", "-c", code).splitlines()
    return [line.split()[1] for line in out if line.startswith("item: ")]


async def test_crisis_message_while_redis_is_down_gets_card_ack_and_item(live_database):
    redis = PrivateRedis()
    server = LiveServer(live_database, REDIS_URL=redis.url, MESSAGE_RATE_LIMIT="1000/1s")
    try:
        with logs_on_failure(server):
            redis.start()
            server.start()
            member = LiveMember(server)
            ws = await member.connect("/ws/rooms/late-night/")
            await next_frame(ws, "welcome")
            redis.kill()

            for nonce in ("c1", "c2"):
                await ws.send(json.dumps({"type": "message", "body": CRISIS, "nonce": nonce}))
                card = await next_frame(ws, "crisis", timeout=30)
                assert card["category"] == "suicide" and card["resources"]
                # Nobody on duty (presence unreadable) and nobody to page: said plainly.
                assert card["followup"] == "later"
                ack = await next_frame(ws, "ack", timeout=30)
                assert ack["nonce"] == nonce
            await ws.close()
            # Both stored, each with its item (grouped or not, none is lost), and
            # with nobody on duty and presence unreadable, escalated at once.
            items = crisis_items(live_database, member.handle)
            assert items and set(items) == {"escalated"}
    finally:
        server.stop()
        redis.stop()
