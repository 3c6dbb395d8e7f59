"""Publishing bus events from the event loop, so a sender's ack doesn't wait for Redis.

A message is stored in a worker thread and published after commit. Publishing
there meant one more Redis round trip before the ack, and under load every
round trip from a worker thread also waits for the interpreter behind the busy
event loop. Instead the thread hands the encoded event to this process's
publisher and returns; the publisher, a task on the hub's event loop, sends
whatever has queued up in one pipelined round trip.

Nothing is lost quietly: events that Redis refused stay queued, in order, and
are sent again after a short backoff. Only when the queue is full
(``BUS_PUBLISH_QUEUE_MAX``), or there is no running event loop in the process
(a management command, a test without a hub), does the caller publish
synchronously as before. A message whose publish never arrives is still
delivered: the hubs read a gap in a room's chain back from the database.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any

from django.conf import settings

from core import redis as kredis
from realtime import bus

logger = logging.getLogger("kindred.bus")

#: Most events sent in one pipelined round trip.
_BATCH = 256


class Publisher:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        #: (channel, payload), in the order they were offered.
        self._queue: deque[tuple[str, str]] = deque()
        self._wake = asyncio.Event()
        self._client: Any = None

    def offer_threadsafe(self, channel: str, payload: str) -> bool:
        """Queue *payload* for *channel* from any thread; False when the caller must
        publish it."""
        loop = self.loop
        if loop.is_closed() or not loop.is_running():
            return False
        if len(self._queue) >= settings.BUS_PUBLISH_QUEUE_MAX:
            return False
        try:
            loop.call_soon_threadsafe(self._add, (channel, payload))
        except RuntimeError:  # the loop closed in between
            return False
        return True

    def _add(self, item: tuple[str, str]) -> None:
        self._queue.append(item)
        self._wake.set()

    @property
    def queued(self) -> int:
        return len(self._queue)

    async def run(self) -> None:
        """The one task that sends (so the queue keeps its order)."""
        backoff = 0.1
        me = asyncio.current_task()
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._queue:
                sent = await self._send_some()
                if me is not None and me.cancelling():
                    # The Redis client can swallow a cancellation that lands
                    # mid-command; the hub is stopping, so stop.
                    raise asyncio.CancelledError
                if sent:
                    backoff = 0.1
                else:
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 5.0)

    async def _send_some(self) -> bool:
        """Publish the oldest queued events in one round trip; True if Redis took them.

        After a failure the whole batch is sent again, so an event Redis took
        just before the connection broke can arrive twice: the hubs ignore a
        message they already delivered (by id), and the other events are
        idempotent for a client (a presence count, a queue item, a notice)."""
        if self._client is None:
            self._client = kredis.async_client()
        batch = [self._queue[i] for i in range(min(len(self._queue), _BATCH))]
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                for channel, payload in batch:
                    bus.send(pipe, channel, payload)
                await pipe.execute()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            logger.error(
                "publish failed (%s); %d events kept to send again",
                type(exc).__name__,
                len(self._queue),
            )
            return False
        for _ in batch:
            self._queue.popleft()
        return True

    async def close(self, timeout: float) -> None:
        """Try to send what is still queued, then let go of Redis (the hub is
        stopping and its :meth:`run` task has been cancelled)."""
        try:
            async with asyncio.timeout(timeout):
                while self._queue and await self._send_some():
                    pass
                client, self._client = self._client, None
                if client is not None:
                    await client.aclose()
        except TimeoutError:
            pass
        except Exception:  # already broken; nothing to tidy
            logger.debug("closing the publisher's Redis client failed")
        if self._queue:
            logger.error("stopping with %d unpublished events", len(self._queue))
