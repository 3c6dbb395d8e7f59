"""Redis dies (SIGKILL) mid-conversation and comes back empty.

Two daphne processes share a private ``redis-server``; four members (two on
each process) talk the whole time. While Redis is gone a send is still stored
and acknowledged (nothing in a send's path needs Redis: each process's
publisher keeps the message for the room until Redis is back), and a
reconnecting socket is closed with 1011 and retried. Once Redis is back, every
acknowledged message, those sent during the outage included, reaches every
member exactly once, in id order, and presence is rebuilt by the heartbeats.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from devserver import wait_for, wait_until
from tests.faults.redisproc import PrivateRedis, redis_server_missing
from tests.faults.resilient import ResilientClient, acked_ids, acks, talk
from tests.live import (
    LiveMember,
    LiveServer,
    logs_on_failure,
    start_servers,
)

pytestmark = [
    pytest.mark.faults,
    pytest.mark.live,
    pytest.mark.skipif(bool(redis_server_missing()), reason=redis_server_missing() or ""),
]

ROOM = "opioids"
PATH = f"/ws/rooms/{ROOM}/"
# Quick heartbeats so the test is short; production's 20 s heartbeat gives the
# same recovery within 20 s (docs/presence.md), well inside a minute.
SETTINGS = {
    "PRESENCE_HEARTBEAT_SECONDS": "1",
    "PRESENCE_TTL_SECONDS": "6",
    "PRESENCE_COALESCE_SECONDS": "0.05",
    "MESSAGE_RATE_LIMIT": "1000/1s",
}


def room_count(server: LiveServer) -> int | None:
    try:
        body = httpx.get(f"{server.http}/api/presence/", timeout=5).json()
    except (httpx.HTTPError, ValueError):
        return None
    return body["rooms"].get(ROOM, 0)


async def test_redis_restart_mid_conversation_loses_and_duplicates_nothing(live_database):
    redis = PrivateRedis()
    servers = [LiveServer(live_database, REDIS_URL=redis.url, **SETTINGS) for _ in range(2)]
    clients: list[ResilientClient] = []
    stop_talking = asyncio.Event()
    talker = None
    try:
        with logs_on_failure(*servers):
            redis.start()
            start_servers(*servers)
            members = [LiveMember(servers[i % 2]) for i in range(4)]
            clients = [
                ResilientClient(m, PATH, [servers[i % 2], servers[(i + 1) % 2]])
                for i, m in enumerate(members)
            ]
            for client in clients:
                await client.start()
            talker = asyncio.create_task(talk(clients, stop_talking))
            await wait_for(lambda: acks(clients) >= 12, timeout=30, what="a conversation")

            before_outage = acked_ids(clients)
            redis.kill()
            # The conversation goes on: sends are stored and acknowledged.
            await wait_for(
                lambda: len(acked_ids(clients) - before_outage) >= 8,
                timeout=30,
                what="sends acknowledged while Redis is down",
            )
            sent_in_outage = acked_ids(clients) - before_outage
            # A member's line drops during the outage: reconnecting is refused with
            # 1011 (nothing half-done) until Redis is back.
            phone = clients[0]
            phone.drop()
            await wait_for(lambda: 1011 in phone.closes, timeout=30, what="a 1011 close")
            acked_during_outage = acks(clients)

            redis.start()
            await wait_for(phone.ready.is_set, timeout=30, what="the dropped member to resume")
            await wait_for(
                lambda: acks(clients) >= acked_during_outage + 12,
                timeout=30,
                what="the conversation to go on after the restart",
            )
            stop_talking.set()
            await talker
            for client in clients:
                await client.wait_acked(timeout=30)

            expected = acked_ids(clients)
            assert sent_in_outage <= expected
            for client in clients:
                await client.wait_delivered(expected, timeout=30)
            for client in clients:
                client.check_stream(expected)
                # Each delivered message is the one that was acknowledged.
                for nonce, message_id in client.acks.items():
                    assert all(c.frames[message_id]["nonce"] == nonce for c in clients)
            # A retried nonce was stored once: every ack of it names the same id.
            for client in clients:
                ids_by_nonce: dict[str, set[int]] = {}
                for ack in client.ack_frames:
                    ids_by_nonce.setdefault(ack["nonce"], set()).add(ack["id"])
                assert all(len(ids) == 1 for ids in ids_by_nonce.values())
            assert len(expected) == acks(clients)
            # Any send that was refused meanwhile said which one, so it was retried.
            unavailable = [e for c in clients for e in c.errors if e["code"] == "unavailable"]
            assert all(e.get("nonce") for e in unavailable)
            assert phone.resumes >= 1 and phone.connections >= 2

            # Presence is rebuilt in the new, empty Redis: all four are counted again.
            for server in servers:
                wait_until(
                    lambda s=server: room_count(s) == len(clients),
                    timeout=60,
                    interval=0.2,
                    what=f"presence to recover on port {server.port}",
                )
    finally:
        stop_talking.set()
        if talker is not None:
            talker.cancel()
        for client in clients:
            await client.stop()
        for server in servers:
            server.stop()
        redis.stop()
