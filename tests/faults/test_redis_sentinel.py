"""The Redis primary dies (SIGKILL) mid-conversation; Sentinel promotes the replica.

A primary, a replica and three sentinels run on loopback; two daphne processes
find Redis through the sentinels (``REDIS_SENTINELS``), four members (two on
each process) talk the whole time. After the promotion every acknowledged
message reaches every member exactly once, in id order, and presence counts
everyone again within a minute.
"""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from devserver import wait_for, wait_until
from tests.faults.redisproc import redis_server_missing
from tests.faults.resilient import ResilientClient, acked_ids, acks, talk
from tests.faults.sentinel import MASTER, SentinelCluster, sentinel_missing
from tests.faults.test_redis_restart import PATH, SETTINGS, room_count
from tests.live import LiveMember, LiveServer, logs_on_failure, start_servers

pytestmark = [
    pytest.mark.faults,
    pytest.mark.live,
    # CI (REQUIRE_SERVICES=1) installs both and must never pass by skipping.
    pytest.mark.skipif(
        bool(redis_server_missing() or sentinel_missing())
        and os.environ.get("REQUIRE_SERVICES") != "1",
        reason=redis_server_missing() or sentinel_missing() or "",
    ),
]


async def test_primary_killed_sentinel_promotes_and_nothing_is_lost_or_doubled(live_database):
    cluster = SentinelCluster()
    env = {
        **SETTINGS,
        "REDIS_URL": "",
        "REDIS_SENTINELS": cluster.hosts,
        "REDIS_SENTINEL_MASTER": MASTER,
    }
    servers = [LiveServer(live_database, **env) for _ in range(2)]
    clients: list[ResilientClient] = []
    stop_talking = asyncio.Event()
    talker = None
    try:
        with logs_on_failure(*servers):
            cluster.start()
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

            old_primary = cluster.primary.port
            cluster.kill_primary()
            await wait_for(
                lambda: cluster.primary_port() not in (None, old_primary),
                timeout=60,
                what="Sentinel to promote the replica",
            )
            promoted_at = time.monotonic()
            acked_at_promotion = acks(clients)
            await wait_for(
                lambda: acks(clients) >= acked_at_promotion + 12,
                timeout=60,
                what="the conversation to go on after the promotion",
            )
            stop_talking.set()
            await talker
            for client in clients:
                await client.wait_acked(timeout=30)

            expected = acked_ids(clients)
            for client in clients:
                await client.wait_delivered(expected, timeout=60)
            for client in clients:
                client.check_stream(expected)
                for nonce, message_id in client.acks.items():
                    assert all(c.frames[message_id]["nonce"] == nonce for c in clients)
            assert len(expected) == acks(clients)

            # Presence in the promoted primary: all four counted, within a minute.
            for server in servers:
                wait_until(
                    lambda s=server: room_count(s) == len(clients),
                    timeout=max(1.0, 60 - (time.monotonic() - promoted_at)),
                    interval=0.2,
                    what=f"presence to recover on port {server.port}",
                )
    except BaseException:
        print(cluster.logs())
        raise
    finally:
        stop_talking.set()
        if talker is not None:
            talker.cancel()
        for client in clients:
            await client.stop()
        for server in servers:
            server.stop()
        cluster.stop()
