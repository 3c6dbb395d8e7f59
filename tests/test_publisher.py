"""The event loop's publisher (rooms/publisher.py), against the real Redis.

A sender's thread hands its bus event to the publisher and returns; these
tests check that what is handed over reaches Redis subscribers in order, that
nothing is dropped while Redis can't be reached, and that a process without a
running publisher still publishes.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from urllib.parse import urlparse

import pytest
import redis.asyncio as aioredis

from realtime import bus
from realtime.publisher import Publisher
from tests.faults.tcpproxy import TcpProxy
from tests.presence.conftest import redis_url_or_skip

pytestmark = pytest.mark.redis


class Listener:
    """A plain subscriber on the real Redis, collecting what arrives on *channel*."""

    def __init__(self, url: str, channel: str) -> None:
        self.client = aioredis.Redis.from_url(url)
        self.pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        self.channel = channel
        self.got: list[str] = []

    async def __aenter__(self) -> Listener:
        await self.pubsub.subscribe(self.channel)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.pubsub.aclose()
        await self.client.aclose()

    async def until(self, count: int, timeout: float = 10) -> list[str]:
        async with asyncio.timeout(timeout):
            while len(self.got) < count:
                message = await self.pubsub.get_message(timeout=1.0)
                if message is not None:
                    self.got.append(message["data"].decode())
        return self.got


@pytest.fixture
def redis_url(settings) -> str:
    settings.REDIS_URL = redis_url_or_skip()
    return settings.REDIS_URL


def offer_from_a_thread(publisher: Publisher, channel: str, payloads: list[str]) -> list[bool]:
    """What a sender's worker thread does after its commit."""
    taken: list[bool] = []

    def offer_all() -> None:
        taken.extend(publisher.offer_threadsafe(channel, payload) for payload in payloads)

    thread = threading.Thread(target=offer_all)
    thread.start()
    thread.join()
    return taken


async def test_events_handed_over_by_threads_reach_redis_in_order(redis_url):
    channel = f"kindred-test-publisher-{uuid.uuid4().hex}"
    publisher = Publisher(asyncio.get_running_loop())
    task = asyncio.create_task(publisher.run())
    payloads = [f'{{"n":{n}}}' for n in range(300)]
    try:
        async with Listener(redis_url, channel) as listener:
            assert offer_from_a_thread(publisher, channel, payloads) == [True] * 300
            assert await listener.until(300) == payloads
    finally:
        task.cancel()
        await publisher.close(timeout=2)


async def test_nothing_is_dropped_while_redis_cannot_be_reached(redis_url, settings):
    target = urlparse(redis_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 6379).start()
    settings.REDIS_URL = redis_url.replace(f":{target.port or 6379}", f":{proxy.port}", 1)
    channel = f"kindred-test-publisher-{uuid.uuid4().hex}"
    publisher = Publisher(asyncio.get_running_loop())
    task = asyncio.create_task(publisher.run())
    try:
        async with Listener(redis_url, channel) as listener:
            proxy.cut()
            offer_from_a_thread(publisher, channel, ['{"n":1}', '{"n":2}'])
            # Kept while Redis is out of reach ...
            async with asyncio.timeout(10):
                while proxy.refused == 0:
                    await asyncio.sleep(0.02)
            assert publisher.queued == 2 and listener.got == []
            proxy.restore()
            offer_from_a_thread(publisher, channel, ['{"n":3}'])
            # ... and sent, in order, once it is back.
            assert await listener.until(3) == ['{"n":1}', '{"n":2}', '{"n":3}']
            async with asyncio.timeout(5):
                while publisher.queued:  # Redis answers the subscriber first
                    await asyncio.sleep(0.01)
    finally:
        task.cancel()
        await publisher.close(timeout=2)
        proxy.stop()


async def test_a_full_queue_or_a_stopped_loop_leaves_the_caller_to_publish(redis_url, settings):
    publisher = Publisher(asyncio.get_running_loop())
    settings.BUS_PUBLISH_QUEUE_MAX = 0
    assert offer_from_a_thread(publisher, "unused", ["x"]) == [False]
    settings.BUS_PUBLISH_QUEUE_MAX = 10
    ended = asyncio.new_event_loop()
    ended.close()
    assert Publisher(ended).offer_threadsafe("unused", "x") is False


async def test_bus_publishes_itself_when_the_hub_has_no_publisher_running(redis_url, settings):
    """A management command or a process whose hub stopped: the event still goes out."""
    settings.REDIS_PREFIX = f"kindred-test-publisher-{uuid.uuid4().hex}"
    ended = asyncio.new_event_loop()
    ended.close()

    class StoppedHub:
        publisher = Publisher(ended)

    bus.set_local_hub(StoppedHub())
    try:
        async with Listener(redis_url, bus.channel()) as listener:
            await asyncio.to_thread(bus.publish_member, 7, {"kind": "notice"})
            assert await listener.until(1) == ['{"k":"u","u":7,"e":{"kind":"notice"}}']
    finally:
        bus.set_local_hub(None)
