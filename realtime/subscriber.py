"""What this process hears of the bus: the channel every process listens to, and
the shards of the rooms it has sockets in.

A process with no socket in a busy room should not pay for that room's traffic,
so room events travel on ``BUS_SHARDS`` shard channels (realtime.bus) and the hub
listens to a shard only while one of its rooms has a socket here, plus
``BUS_SHARD_LINGER_SECONDS`` (a member reloading a page doesn't cost a
subscribe and an unsubscribe).

Nothing published after a socket reads its room's history may be missed. A
socket waits for its shard's subscription to be confirmed by Redis before it
reads the history (:meth:`BusSubscriber.room_ready`); from then on every event of
the room reaches this process. Every confirmation of a shard, the first one, one
after a reconnect and one that came late, also catches the shard's rooms up from
the database (the hub's repair), and a socket whose history read was not covered
by a confirmation it waited for asks for the same (:meth:`BusSubscriber.covered`).

All channels are heard on one connection, so on one Redis server the events
still arrive in the order they were published, whatever their channel.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from django.conf import settings

from core import redis as kredis
from realtime import bus

logger = logging.getLogger("kindred.hub")

#: How long a socket waits for its shard's subscription before reading its room
#: anyway (Redis unreachable: the confirmation, when it comes, catches the room up).
ROOM_READY_WAIT_SECONDS = 2.0


class Shard:
    """This process's interest in one shard channel."""

    __slots__ = ("channel", "confirmed", "drop_timer", "live", "rooms", "sent")

    def __init__(self, channel: str) -> None:
        self.channel = channel
        #: Rooms of this shard with a socket in this process.
        self.rooms: set[int] = set()
        #: Whether its subscribe was sent on the current connection.
        self.sent = False
        #: Confirmations heard so far: a socket's ticket (see room_ready).
        self.confirmed = 0
        #: Set while Redis has confirmed the subscription on the current connection.
        self.live = asyncio.Event()
        self.drop_timer: asyncio.TimerHandle | None = None


class BusSubscriber:
    """Owned by the hub (``hub.subscriber``); runs as one of its tasks."""

    def __init__(self, hub: Any) -> None:
        self.hub = hub
        self.shards: dict[int, Shard] = {}
        #: Channels to unsubscribe from on the current connection.
        self._leaving: list[str] = []
        self._changed = asyncio.Event()
        #: Set once the channel every process hears is subscribed (hub.start waits).
        self.ready = asyncio.Event()

    # --- interest (called on the event loop by the hub) -----------------------------

    def room_added(self, room_id: int) -> None:
        number = bus.shard_of(room_id)
        shard = self.shards.get(number)
        if shard is None:
            shard = self.shards[number] = Shard(bus.shard_channel(number))
            self._changed.set()
        shard.rooms.add(room_id)
        if shard.drop_timer is not None:
            shard.drop_timer.cancel()
            shard.drop_timer = None

    def room_removed(self, room_id: int) -> None:
        number = bus.shard_of(room_id)
        shard = self.shards.get(number)
        if shard is None:
            return
        shard.rooms.discard(room_id)
        if not shard.rooms and shard.drop_timer is None:
            loop = self.hub.loop or asyncio.get_running_loop()
            shard.drop_timer = loop.call_later(
                settings.BUS_SHARD_LINGER_SECONDS, self._drop, number
            )

    def _drop(self, number: int) -> None:
        shard = self.shards.get(number)
        if shard is None:
            return
        shard.drop_timer = None
        if shard.rooms:
            return
        del self.shards[number]
        if shard.sent:
            self._leaving.append(shard.channel)
            self._changed.set()

    async def room_ready(self, room_id: int) -> int | None:
        """Wait until this process hears *room_id*'s shard (the room must be
        registered); its ticket, for :meth:`covered`, or None if not heard in time."""
        shard = self.shards.get(bus.shard_of(room_id))
        if shard is None:
            return None
        if not shard.live.is_set():
            try:
                await asyncio.wait_for(shard.live.wait(), ROOM_READY_WAIT_SECONDS)
            except TimeoutError:
                return None
        return shard.confirmed

    def covered(self, room_id: int, ticket: int | None) -> bool:
        """Whether *room_id*'s shard has been heard without a break since *ticket*."""
        shard = self.shards.get(bus.shard_of(room_id))
        return (
            ticket is not None
            and shard is not None
            and shard.live.is_set()
            and shard.confirmed == ticket
        )

    def subscribed_shards(self) -> set[int]:
        """Shards Redis has confirmed on the current connection."""
        return {n for n, shard in self.shards.items() if shard.live.is_set()}

    # --- the connection ----------------------------------------------------------------

    async def run(self) -> None:
        """Listen, reconnecting after any failure; every (re)subscription catches
        its shard's rooms up from the database when its confirmation arrives."""
        backoff = 0.2
        while True:
            client = kredis.async_client(retry=False)
            pubsub = client.pubsub()
            tasks: list[asyncio.Task[None]] = []
            try:
                await self._listen(pubsub, [bus.channel()])
                self._leaving.clear()
                for shard in self.shards.values():
                    shard.sent = False
                self._changed.set()
                tasks = [
                    asyncio.create_task(self._read(pubsub), name="bus-read"),
                    asyncio.create_task(self._command(pubsub), name="bus-subscribe"),
                ]
                backoff = 0.2
                done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    task.result()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                logger.warning("hub lost Redis (%s); reconnecting", type(exc).__name__)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                for shard in self.shards.values():
                    shard.live.clear()
                try:
                    await pubsub.aclose()
                    await client.aclose()
                except Exception:  # already broken; nothing to tidy
                    logger.debug("closing a broken Redis client failed")

    async def _read(self, pubsub: Any) -> None:
        while True:
            message = await pubsub.get_message(timeout=30.0)
            if message is None:
                continue
            kind = message["type"]
            if kind in ("message", "smessage"):
                self.hub.dispatch(message["data"])
            elif kind in ("subscribe", "ssubscribe"):
                self._confirmed(message["channel"].decode())

    def _confirmed(self, name: str) -> None:
        if name == bus.channel():
            self.ready.set()
            return
        shard = self.shards.get(int(name.rpartition(":")[2]))
        if shard is None or not shard.sent or shard.channel != name:
            return  # let go of since (or BUS_SHARDS changed under a running process)
        shard.confirmed += 1
        shard.live.set()
        for room_id in shard.rooms:
            self.hub.catch_up(room_id)

    async def _command(self, pubsub: Any) -> None:
        """Send the subscribes and unsubscribes interest changes call for, in order."""
        while True:
            await self._changed.wait()
            self._changed.clear()
            leaving, self._leaving = self._leaving, []
            if leaving:
                await self._listen(pubsub, leaving, on=False)
            joining = [shard for shard in self.shards.values() if not shard.sent]
            for shard in joining:
                shard.sent = True
            if joining:
                await self._listen(pubsub, [shard.channel for shard in joining])

    @staticmethod
    async def _listen(pubsub: Any, channels: list[str], *, on: bool = True) -> None:
        """Subscribe to *channels* (``on=False``: unsubscribe), classic or sharded."""
        if not bus.sharded():
            await (pubsub.subscribe if on else pubsub.unsubscribe)(*channels)
            return
        # One channel per command: under Redis Cluster the channels of one
        # SSUBSCRIBE must share a slot, and shard channels deliberately don't.
        command = pubsub.ssubscribe if on else pubsub.sunsubscribe
        for name in channels:
            await command(name)
