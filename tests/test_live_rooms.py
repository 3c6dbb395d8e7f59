"""Rooms across real daphne processes sharing one Redis."""

from __future__ import annotations

import asyncio
import json
import os

import pytest

from tests.live import LiveMember, LiveServer, next_frame

pytestmark = [pytest.mark.live, pytest.mark.redis]


@pytest.fixture(scope="module")
def two_servers(live_database):
    assert os.environ.get("REDIS_URL"), "needs Redis"
    servers = [
        LiveServer(live_database, MESSAGE_RATE_LIMIT="1000/1s").start(),
        LiveServer(live_database, MESSAGE_RATE_LIMIT="1000/1s").start(),
    ]
    yield servers
    for server in servers:
        server.stop()


async def collect_messages(ws, count: int, timeout: float = 20) -> list[dict]:
    got = []
    async with asyncio.timeout(timeout):
        while len(got) < count:
            frame = json.loads(await ws.recv())
            if frame["type"] == "message":
                got.append(frame)
    return got


async def test_members_on_two_processes_see_every_message_once_in_id_order(two_servers):
    a_server, b_server = two_servers
    members = [LiveMember(a_server) for _ in range(3)] + [LiveMember(b_server) for _ in range(3)]
    sockets = []
    for member in members:
        ws = await member.connect("/ws/rooms/alcohol/")
        await next_frame(ws, "welcome")
        sockets.append(ws)
    per_member = 10
    total = per_member * len(members)
    readers = [asyncio.create_task(collect_messages(ws, total)) for ws in sockets]

    async def send_all(ws, member):
        for i in range(per_member):
            await ws.send(
                json.dumps(
                    {
                        "type": "message",
                        "body": f"{member.handle} {i}",
                        "nonce": f"{member.handle}-{i}",
                    }
                )
            )

    await asyncio.gather(*(send_all(ws, m) for ws, m in zip(sockets, members, strict=True)))
    results = await asyncio.gather(*readers)
    expected = {f"{m.handle} {i}" for m in members for i in range(per_member)}
    for got in results:
        ids = [f["id"] for f in got]
        assert ids == sorted(ids) and len(set(ids)) == total, "in id order, exactly once"
        assert {f["body"] for f in got} == expected
    for ws in sockets:
        await ws.close()


async def test_on_a_real_server_every_send_is_acked_once_with_its_id_card_first(two_servers):
    """Under daphne the ack is written by the worker thread that stored the message
    (realtime.transport.DirectWriter): the sender still gets exactly one ack per
    message, carrying the id the room sees, with the crisis card just before it."""
    member = LiveMember(two_servers[0])
    ws = await member.connect("/ws/rooms/alcohol/")
    await next_frame(ws, "welcome")
    bodies = ["first night without a drink", "I want to kill myself tonight", "thank you all"]
    for i, body in enumerate(bodies):
        await ws.send(json.dumps({"type": "message", "body": body, "nonce": f"n{i}"}))
    replies, stored = [], {}
    async with asyncio.timeout(20):
        while len(stored) < len(bodies) or sum(f["type"] == "ack" for f in replies) < len(bodies):
            frame = json.loads(await ws.recv())
            if frame["type"] == "message":
                stored[frame["nonce"]] = frame["id"]
            elif frame["type"] in ("ack", "crisis", "error"):
                replies.append(frame)
    # A socket's frames are answered in order: every reply to the sends comes before the pong.
    await ws.send(json.dumps({"type": "ping"}))
    async with asyncio.timeout(10):
        while (frame := json.loads(await ws.recv()))["type"] != "pong":
            if frame["type"] != "message":
                replies.append(frame)
    assert [f["type"] for f in replies] == ["ack", "crisis", "ack", "ack"]
    acks = [f for f in replies if f["type"] == "ack"]
    assert [a["nonce"] for a in acks] == ["n0", "n1", "n2"]
    assert {a["nonce"]: a["id"] for a in acks} == stored
    await ws.close()
