"""The bus's room shards (realtime.subscriber), against the real Redis.

A process listens to a room's shard channel only while it has a socket in one of
the shard's rooms (and a little after); member events travel on the channel every
process hears. Both kinds of Redis pub/sub are checked: classic and Redis 7's
sharded (SSUBSCRIBE). The live test joins a room, again and again, on a process
that has just let go of its shard while messages flow from another process.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import redis

from realtime import bus
from tests.live import LiveMember, LiveServer, logs_on_failure, next_frame, start_servers
from tests.presence.conftest import redis_url_or_skip

pytestmark = pytest.mark.redis


class FakeSocket:
    """What the hub needs of a socket, recording what it is given."""

    topics = ()

    def __init__(self, member_id: int, room_id: int) -> None:
        self.member_id = member_id
        self.room_id = room_id
        self.got: list[Any] = []

    def offer_messages(self, batch: Any, joined: bytes) -> bool:
        return False  # the slow path: hub_message

    async def hub_message(self, message_id: int, author_id: int, text: str) -> None:
        self.got.append(("message", message_id))

    async def hub_frame(self, text: str) -> None:
        self.got.append(("frame", json.loads(text)))

    async def hub_member_event(self, event: dict[str, Any]) -> None:
        self.got.append(("member", event))

    async def hub_close(self, code: int) -> None:
        self.got.append(("close", code))


@pytest.fixture(params=["classic", "sharded"])
def pubsub_kind(request, settings) -> str:
    settings.REDIS_URL = redis_url_or_skip()
    settings.BUS_PUBSUB = request.param
    settings.BUS_SHARDS = 4
    settings.BUS_SHARD_LINGER_SECONDS = 0.1
    return request.param


def listeners(kind: str, channel: str) -> int:
    """How many connections Redis says listen on *channel*."""
    client = redis.Redis.from_url(redis_url_or_skip())
    try:
        command = "SHARDNUMSUB" if kind == "sharded" else "NUMSUB"
        reply = client.execute_command("PUBSUB", command, channel)
    finally:
        client.close()
    return int(reply[1])


async def until(condition, timeout: float = 5, what: str = "a condition") -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


async def test_a_shard_is_heard_from_its_first_socket_until_a_while_after_its_last(
    pubsub_kind, hub
):
    shard = bus.shard_channel(1)
    assert listeners(pubsub_kind, shard) == 0
    first, second = FakeSocket(1, room_id=5), FakeSocket(2, room_id=9)  # both shard 1
    hub.register(first)
    # Ready means Redis has confirmed the subscription: nothing published from
    # now on can be missed by a history read that starts now.
    assert await hub.room_ready(5) is not None
    assert listeners(pubsub_kind, shard) == 1
    assert hub.subscriber.subscribed_shards() == {1}
    assert listeners(pubsub_kind, bus.shard_channel(2)) == 0

    hub.register(second)
    hub.unregister(first)
    assert hub.subscriber.shards[1].drop_timer is None  # room 9 still has a socket
    hub.unregister(second)
    await until(lambda: listeners(pubsub_kind, shard) == 0, what="the shard let go")
    assert hub.subscriber.subscribed_shards() == set()

    again = FakeSocket(3, room_id=13)
    hub.register(again)
    assert await hub.room_ready(13) is not None
    assert listeners(pubsub_kind, shard) == 1
    hub.unregister(again)


async def test_other_shards_stay_unheard_and_member_events_reach_every_room(pubsub_kind, hub):
    sock = FakeSocket(42, room_id=5)  # shard 1
    hub.register(sock)
    await hub.room_ready(5)
    heard: list[dict[str, Any]] = []
    dispatch = hub.dispatch

    def counting(payload: bytes) -> None:
        heard.append(json.loads(payload))
        dispatch(payload)

    hub.dispatch = counting
    bus.publish_room(6, {"type": "pong"})  # shard 2: not heard here at all
    bus.publish_room(5, {"type": "pong"})
    bus.publish_member(42, {"kind": "blocks", "ids": [7]})
    await until(lambda: len(sock.got) == 2, what="the room frame and the member event")
    # One connection for every channel: in the order they were published.
    assert sock.got == [("frame", {"type": "pong"}), ("member", {"kind": "blocks", "ids": [7]})]
    assert [event["k"] for event in heard] == ["r", "u"]
    assert all(event.get("r") != 6 for event in heard)
    hub.unregister(sock)


async def test_a_history_read_not_covered_by_a_confirmation_is_caught_up(pubsub_kind, hub):
    caught_up: list[int] = []

    def repair(room_id: int) -> Any:  # what Hub.catch_up starts (a database read)
        caught_up.append(room_id)
        return asyncio.sleep(0)

    hub._repair = repair
    sock = FakeSocket(1, room_id=5)
    hub.register(sock)
    ticket = await hub.room_ready(5)
    hub.room_known(5, 100, ticket)
    assert caught_up == []  # heard without a break since the ticket
    # A resubscription (after a reconnect, or a late confirmation) catches the
    # room up, and a socket that read its room before it does the same.
    hub.subscriber._confirmed(bus.shard_channel(1))
    assert caught_up == [5]
    later = FakeSocket(2, room_id=9)
    hub.register(later)
    hub.room_known(9, 50, ticket)  # its read began before the confirmation
    assert caught_up == [5, 9]
    hub.room_known(13, 20, None)  # not registered: nothing to catch up
    assert caught_up == [5, 9]
    hub.unregister(sock)
    hub.unregister(later)


# --- across real processes ------------------------------------------------------------

ROOM = "milestones"
PATH = f"/ws/rooms/{ROOM}/"


@pytest.mark.live
@pytest.mark.parametrize("kind", ["classic", "sharded"])
async def test_joining_a_room_whose_shard_was_let_go_misses_nothing_after_welcome(
    live_database, kind
):
    """Process A carries a conversation; a member joins on process B, whose only
    shard (BUS_SHARDS=1) was just let go, reads for a while and leaves; again.
    Each time they get every message after their welcome's history, in order."""
    settings = {
        "MESSAGE_RATE_LIMIT": "1000/1s",
        "TRUST_MIN_HOURS": "0",
        "TRUST_MIN_MESSAGES": "0",
        "BUS_SHARDS": "1",
        "BUS_SHARD_LINGER_SECONDS": "0.05",
        "BUS_PUBSUB": kind,
    }
    a_server, b_server = servers = [LiveServer(live_database, **settings) for _ in range(2)]
    shard = f"{live_database.env['REDIS_PREFIX']}:bus:room:0"
    acked: list[int] = []
    stop = asyncio.Event()
    with logs_on_failure(*servers):
        start_servers(*servers)
        try:
            talker_ws = await LiveMember(a_server).connect(PATH)
            await next_frame(talker_ws, "welcome")
            talker = asyncio.create_task(talk(talker_ws, acked, stop))
            await until(lambda: len(acked) >= 5, timeout=20, what="a conversation")
            reader = LiveMember(b_server)
            for _ in range(5):
                # Only process A listens: B let go of the shard after its last socket.
                await until(lambda: listeners(kind, shard) == 1, what="B to let go")
                await read_a_while(reader, acked)
            stop.set()
            await talker
            await talker_ws.close()
        finally:
            for server in servers:
                server.stop()


async def talk(ws, acked: list[int], stop: asyncio.Event) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        await ws.send(json.dumps({"type": "message", "body": f"step {n}", "nonce": f"s{n}"}))
        async with asyncio.timeout(10):
            while (frame := json.loads(await ws.recv()))["type"] != "ack":
                assert frame["type"] != "error", frame
        acked.append(frame["id"])
        await asyncio.sleep(0.02)


async def read_a_while(reader: LiveMember, acked: list[int]) -> None:
    ws = await reader.connect(PATH)
    welcome = await next_frame(ws, "welcome")
    after = max((m["id"] for m in welcome["history"]), default=0)
    got: list[int] = []
    async with asyncio.timeout(20):
        while len(got) < 8:
            frame = json.loads(await ws.recv())
            if frame["type"] == "message":
                got.append(frame["id"])
    await ws.close()
    await until(lambda: acked and acked[-1] >= got[-1], timeout=10, what="the acks")
    # (The room's last id is read just before its history, so a message stored in
    # between can come both in the history and live; the client keeps one.)
    assert got == sorted(set(got)), "in id order, once"
    fresh = [i for i in got if i > after]
    assert fresh == [i for i in acked if after < i <= got[-1]], "every message after the welcome"
