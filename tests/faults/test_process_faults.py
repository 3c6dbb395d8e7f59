"""A daphne process dies (SIGKILL) or is told to stop (SIGTERM) mid-conversation.

Three processes share a private ``redis-server``: a survivor, and one victim for
each test. Members on the victim reconnect to the survivor, ``resume``, and end
with exactly the acknowledged messages, in strictly increasing id order.
"""

from __future__ import annotations

import asyncio
import signal

import pytest

from devserver import wait_for
from tests.faults.redisproc import PrivateRedis, redis_server_missing
from tests.faults.resilient import ResilientClient, acked_ids, acks, talk
from tests.live import LiveMember, LiveServer, logs_on_failure, start_servers

pytestmark = [
    pytest.mark.faults,
    pytest.mark.live,
    pytest.mark.skipif(bool(redis_server_missing()), reason=redis_server_missing() or ""),
]

SETTINGS = {"MESSAGE_RATE_LIMIT": "1000/1s", "PRESENCE_COALESCE_SECONDS": "0.05"}


@pytest.fixture(scope="module")
def processes(live_database):
    """{"survivor", "killed", "stopped"}: three daphne processes on one private Redis."""
    redis = PrivateRedis()
    servers = {
        name: LiveServer(live_database, REDIS_URL=redis.url, **SETTINGS)
        for name in ("survivor", "killed", "stopped")
    }
    try:
        redis.start()
        start_servers(*servers.values())
        yield servers
    finally:
        for server in servers.values():
            server.stop()
        redis.stop()


async def converse_through(
    victim: LiveServer, survivor: LiveServer, room: str, fault
) -> tuple[list[ResilientClient], list[ResilientClient]]:
    """Two members on *victim* and two on *survivor* talk while *fault* happens to the
    victim; returns (the victim's clients, the survivor's) once everything is delivered."""
    path = f"/ws/rooms/{room}/"
    moved = [ResilientClient(LiveMember(victim), path, [victim, survivor]) for _ in range(2)]
    stayed = [ResilientClient(LiveMember(survivor), path, [survivor, victim]) for _ in range(2)]
    clients = moved + stayed
    stop = asyncio.Event()
    talker = None
    try:
        with logs_on_failure(victim, survivor):
            for client in clients:
                await client.start()
            talker = asyncio.create_task(talk(clients, stop))
            await wait_for(lambda: acks(clients) >= 12, timeout=30, what="a conversation")
            await fault()
            await wait_for(
                lambda: all(c.connections >= 2 and c.ready.is_set() for c in moved),
                timeout=30,
                what="the victim's members to reconnect and resume",
            )
            before = acks(clients)
            await wait_for(
                lambda: acks(clients) >= before + 12, timeout=30, what="the conversation to go on"
            )
            stop.set()
            await talker
            for client in clients:
                await client.wait_acked(timeout=30)
            expected = acked_ids(clients)
            for client in clients:
                await client.wait_delivered(expected, timeout=30)
            for client in clients:
                client.check_stream(expected)
            assert len(expected) == acks(clients), "a retried nonce was stored twice"
            for client in moved:
                assert client.server is survivor and client.resumes >= 1
            return moved, stayed
    finally:
        stop.set()
        if talker is not None:
            talker.cancel()
        for client in clients:
            await client.stop()


async def test_sigkill_one_of_two_processes_its_members_resume_on_the_other(processes):
    victim, survivor = processes["killed"], processes["survivor"]

    async def kill() -> None:
        victim.kill(signal.SIGKILL)

    moved, stayed = await converse_through(victim, survivor, "milestones", kill)
    for client in moved:
        assert client.closes[0] == 1006, "a killed process sends no close frame"
    for client in stayed:
        assert client.connections == 1, "the survivor's members never noticed"


async def test_sigterm_closes_sockets_with_1012_and_members_move_on(processes):
    victim, survivor = processes["stopped"], processes["survivor"]

    async def terminate() -> None:
        assert victim.process is not None
        victim.process.send_signal(signal.SIGTERM)
        await wait_for(lambda: victim.process.poll() is not None, timeout=30, what="daphne to exit")

    moved, stayed = await converse_through(victim, survivor, "mental-health", terminate)
    for client in moved:
        assert client.closes[0] == 1012, f"{client.handle} saw {client.closes}"
    for client in stayed:
        assert client.connections == 1
    assert "closing 2 sockets for a restart" in victim.output()
