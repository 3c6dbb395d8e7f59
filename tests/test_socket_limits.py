"""A member can't hold more than SOCKETS_PER_MEMBER sockets in one process."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from tests.conftest import communicator, receive_until

pytestmark = [pytest.mark.django_db(transaction=True)]


async def test_sockets_past_the_per_member_limit_are_closed_4429(
    member, make_member, rooms, hub, settings
):
    settings.SOCKETS_PER_MEMBER = 3
    open_ = []
    for _ in range(3):
        ws = await communicator("/ws/rooms/newcomers/", member)
        assert (await ws.connect())[0]
        await receive_until(ws, "welcome")
        open_.append(ws)
    extra = await communicator("/ws/rooms/late-night/", member)
    await extra.connect()
    while (output := await extra.receive_output(timeout=5))["type"] != "websocket.close":
        pass
    assert output["code"] == 4429
    # Someone else is not affected, and closing one makes room again.
    lark = await database_sync_to_async(make_member)("KindLark")
    other = await communicator("/ws/rooms/newcomers/", lark)
    assert (await other.connect())[0]
    await receive_until(other, "welcome")
    await open_.pop().disconnect()
    again = await communicator("/ws/rooms/newcomers/", member)
    await again.connect()
    await receive_until(again, "welcome")
    for ws in (*open_, other, again):
        await ws.disconnect()
