"""The per-process room hub: one subscriber, encoded once, written to local sockets.

The plain Channels pattern routes every message through the channel layer to
every recipient consumer, which re-encodes it; on two cores that tops out near
a few thousand deliveries a second and then drops messages at the layer's
capacity. Instead each process runs one hub. A message is published once per
process (realtime.bus), already encoded, and the hub writes that text straight to
the sockets of the room in this process.

Ordering and gaps: sends in a room are serialised by the room's row lock, so
every published message carries the id of the message before it. The hub
delivers a room's messages strictly along that chain; one that arrives early
waits for its predecessor, and a predecessor that never arrives (a publish lost
while Redis restarted) is read back from the database. After the subscriber
subscribes to a room's shard (realtime.subscriber), the first time or again
after a reconnect, the shard's rooms are caught up from the database the same way.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from channels.db import database_sync_to_async
from django.conf import settings

from core import redis as kredis
from core.frames import encode
from core.protocol import CLOSE_IDLE, CLOSE_RESTART
from realtime import bus, collector
from realtime.hooks import autobahn, twisted
from realtime.hub_output import HubOutput, RoomState
from realtime.periodic import periodic_duties, sweep_duties
from realtime.publisher import Publisher
from realtime.subscriber import BusSubscriber

logger = logging.getLogger("kindred.hub")

#: Reads what a room's chain is missing from the database: ``reader(room_id,
#: after_id) -> (last_id, messages)``, each message with ``id``, ``author_id``
#: and ``frame()``. The rooms app registers it when ready; realtime knows no models.
_catch_up: Callable[[int, int], tuple[int, list[Any]]] | None = None


def set_catch_up_reader(reader: Callable[[int, int], tuple[int, list[Any]]]) -> None:
    global _catch_up
    _catch_up = reader


def catch_up_reader() -> Callable[[int, int], tuple[int, list[Any]]]:
    if _catch_up is None:
        raise RuntimeError("no catch-up reader is registered (is the rooms app installed?)")
    return _catch_up


class LiveSocket(Protocol):
    member_id: int
    room_id: int | None

    async def hub_message(self, message_id: int, author_id: int, text: str) -> None: ...
    async def hub_frame(self, text: str) -> None: ...
    async def hub_member_event(self, event: dict[str, Any]) -> None: ...
    async def hub_close(self, code: int) -> None: ...


def _closes(sock: Any, event: dict[str, Any]) -> bool:
    """Whether a close event (all of a member's sockets, or one room's, one
    session's, one topic's) reaches *sock*."""
    if event.get("r") is not None and sock.room_id != event["r"]:
        return False
    if event.get("s") is not None and getattr(sock, "session", None) != event["s"]:
        return False
    return event.get("t") is None or event["t"] in getattr(sock, "topics", ())


class Hub(HubOutput):
    def __init__(self) -> None:
        self.rooms: dict[int, RoomState] = {}
        self.members: dict[int, set[Any]] = {}
        self.topics: dict[str, set[Any]] = {}
        self.sockets: set[Any] = set()
        self.loop: asyncio.AbstractEventLoop | None = None
        self._outbox: deque[tuple[str, Any, tuple[Any, ...]]] = deque()
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[Any]] = []
        #: Rooms with messages held back for their next write.
        self._holding: set[int] = set()
        #: Sends this process's bus events to Redis (realtime.publisher); None without Redis.
        self.publisher: Publisher | None = None
        #: What this process hears of the bus (realtime.subscriber); None without Redis.
        self.subscriber: BusSubscriber | None = None

    # --- lifecycle -------------------------------------------------------------

    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._tasks.append(asyncio.create_task(self._writer(), name="hub-writer"))
        self._tasks.append(asyncio.create_task(self._heartbeat(), name="hub-heartbeat"))
        self._tasks.append(asyncio.create_task(self._sweeper(), name="hub-sweeper"))
        if kredis.enabled():
            self.publisher = Publisher(self.loop)
            self._tasks.append(asyncio.create_task(self.publisher.run(), name="hub-publisher"))
            self.subscriber = BusSubscriber(self)
            self._tasks.append(asyncio.create_task(self.subscriber.run(), name="hub-subscriber"))
            try:
                await asyncio.wait_for(self.subscriber.ready.wait(), timeout=5)
            except TimeoutError:
                # Local sockets still work; the subscriber keeps trying and
                # catches every room up from the database once it is in.
                logger.error("hub started without Redis; retrying in the background")
        bus.set_local_hub(self)
        self._install_restart_hook()
        # Django, the pools and the first requests' caches exist by now and
        # live as long as the process: exempt them from the collector.
        collector.freeze_long_lived(once_key="hub")

    def _install_restart_hook(self) -> None:
        """Under daphne, close every socket with 1012 when the server is told to stop
        (SIGTERM), so clients reconnect elsewhere instead of seeing a dropped line."""
        twisted.before_shutdown(self._close_for_restart)

    def _close_for_restart(self) -> Any:
        protocols = []
        for sock in list(self.sockets):
            protocol = getattr(sock, "_protocol", None)
            if protocol is None or sock.closed:
                continue
            sock.closed = True
            if sock._out is not None:
                sock._out.closing()
            try:
                autobahn.send_close(protocol, CLOSE_RESTART)
                protocols.append(protocol)
            except Exception:  # already gone
                logger.debug("socket closed before the restart notice")
        logger.info("closing %d sockets for a restart", len(protocols))
        return twisted.wait_until(
            lambda: all(autobahn.is_closed(p) for p in protocols),
            timeout=settings.SHUTDOWN_CLOSE_WAIT_SECONDS,
        )

    async def stop(self) -> None:
        bus.set_local_hub(None)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        if self.publisher is not None and self.loop is asyncio.get_running_loop():
            # (A hub left over from a loop that has ended has nothing left to send with.)
            await self.publisher.close(timeout=settings.SHUTDOWN_CLOSE_WAIT_SECONDS)

    # --- sockets -----------------------------------------------------------------

    def register(self, sock: Any) -> None:
        self.sockets.add(sock)
        self.members.setdefault(sock.member_id, set()).add(sock)
        if sock.room_id is not None:
            state = self.rooms.get(sock.room_id)
            if state is None:
                state = self.rooms[sock.room_id] = RoomState()
                if self.subscriber is not None:
                    self.subscriber.room_added(sock.room_id)
            state.sockets.add(sock)
        for topic in getattr(sock, "topics", ()):
            self.topics.setdefault(topic, set()).add(sock)

    def unregister(self, sock: Any) -> None:
        self.sockets.discard(sock)
        for topic in getattr(sock, "topics", ()):
            listeners = self.topics.get(topic)
            if listeners is not None:
                listeners.discard(sock)
                if not listeners:
                    del self.topics[topic]
        mine = self.members.get(sock.member_id)
        if mine is not None:
            mine.discard(sock)
            if not mine:
                del self.members[sock.member_id]
        state = self.rooms.get(sock.room_id) if sock.room_id is not None else None
        if state is not None:
            state.sockets.discard(sock)
            if not state.sockets:
                for timer in (state.gap_timer, state.hold_timer, state.presence_timer):
                    if timer is not None:
                        timer.cancel()
                self._holding.discard(sock.room_id)
                del self.rooms[sock.room_id]
                if self.subscriber is not None:
                    self.subscriber.room_removed(sock.room_id)

    async def room_ready(self, room_id: int) -> int | None:
        """Before a registered socket reads its room: wait until this process hears
        the room's events. A ticket for :meth:`room_known`."""
        if self.subscriber is None:
            return 0  # in-process bus: every event is heard
        return await self.subscriber.room_ready(room_id)

    def room_known(self, room_id: int, last_id: int, ticket: int | None = 0) -> None:
        """A socket read the room at *last_id* after :meth:`room_ready` gave it
        *ticket*; start the chain there if unknown, and catch the room up from
        the database if the bus wasn't heard without a break since the ticket."""
        state = self.rooms.get(room_id)
        if state is None or state.last_id is not None:
            return
        state.last_id = last_id
        state.pending = {p: v for p, v in state.pending.items() if v[0] > last_id}
        self._drain(room_id, state)
        if self.subscriber is not None and not self.subscriber.covered(room_id, ticket):
            self.catch_up(room_id)

    def catch_up(self, room_id: int) -> None:
        """Read whatever *room_id*'s chain may have missed from the database (its
        shard was subscribed again, or late); nothing if the chain isn't known yet
        (the first socket's history read starts it)."""
        state = self.rooms.get(room_id)
        if state is None or state.last_id is None:
            return
        if state.repairing:
            state.repair_again = True
            return
        self._tasks.append(asyncio.create_task(self._repair(room_id)))

    # --- incoming events -----------------------------------------------------------

    def dispatch_threadsafe(self, payload: str) -> None:
        loop = self.loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self.dispatch, payload)

    def dispatch(self, payload: str | bytes) -> None:
        try:
            event = json.loads(payload)
            kind = event["k"]
        except (ValueError, KeyError, TypeError):
            logger.error("hub dropped a malformed bus event")
            return
        if kind == "m":
            self._on_message(event["r"], event["i"], event["p"], event["a"], event["f"])
        elif kind == "p":
            self._on_presence(event)
        elif kind == "r":
            state = self.rooms.get(event["r"])
            if state is not None:
                author = event.get("a")
                targets = tuple(s for s in state.sockets if author not in getattr(s, "blocked", ()))
                self._enqueue("frame", targets, (event["f"],))
        elif kind == "t":
            listeners = self.topics.get(event["t"])
            if listeners:
                self._enqueue("frame", tuple(listeners), (event["f"],))
        elif kind == "u":
            targets = tuple(self.members.get(event["u"], ()))
            if targets:
                self._enqueue("member", targets, (event["e"],))
        elif kind == "c":
            targets = tuple(s for s in self.members.get(event["u"], ()) if _closes(s, event))
            if targets:
                self._enqueue("close", targets, (event["c"],))

    def _on_message(
        self, room_id: int, message_id: int, prev_id: int, author_id: int, text: str | None
    ) -> None:
        state = self.rooms.get(room_id)
        if state is None:
            return
        if state.last_id is not None and message_id <= state.last_id:
            return
        state.pending[prev_id] = (message_id, author_id, text)
        if state.last_id is not None and not state.repairing:
            self._drain(room_id, state)
        if state.pending and state.gap_timer is None and self.loop is not None:
            state.gap_timer = self.loop.call_later(
                settings.HUB_GAP_WAIT_SECONDS, self._gap_expired, room_id
            )

    def _drain(self, room_id: int, state: RoomState) -> None:
        while state.last_id is not None and state.last_id in state.pending:
            message_id, author_id, text = state.pending.pop(state.last_id)
            state.last_id = message_id
            if text is not None:
                self._deliver(room_id, state, (message_id, author_id, text))
        if not state.pending and state.gap_timer is not None:
            state.gap_timer.cancel()
            state.gap_timer = None

    def _gap_expired(self, room_id: int) -> None:
        state = self.rooms.get(room_id)
        if state is None:
            return
        state.gap_timer = None
        if state.pending and not state.repairing:
            self._tasks.append(asyncio.create_task(self._repair(room_id)))

    async def _repair(self, room_id: int) -> None:
        """Deliver from the database whatever the chain is missing in *room_id*."""
        state = self.rooms.get(room_id)
        if state is None or state.last_id is None or state.repairing:
            return
        state.repairing = True
        try:
            last_id, missed = await database_sync_to_async(catch_up_reader())(
                room_id, state.last_id
            )
            # What the room holds is older than what was missed; _enqueue sends it first.
            for item in missed:
                if item.id > state.last_id:
                    self._enqueue(
                        "message",
                        tuple(state.sockets),
                        (item.id, item.author_id, encode(item.frame())),
                    )
            state.last_id = max(state.last_id, last_id)
            state.pending = {p: v for p, v in state.pending.items() if v[0] > state.last_id}
            logger.info("hub caught up room=%s from database (%d messages)", room_id, len(missed))
        except Exception:
            logger.exception("hub could not catch up room=%s; will retry", room_id)
        finally:
            state.repairing = False
        if state.repair_again:
            # A read that began before the latest resubscription may miss what
            # was lost just before it: read once more.
            state.repair_again = False
            self._tasks.append(asyncio.create_task(self._repair(room_id)))
            return
        self._drain(room_id, state)
        if state.pending and state.gap_timer is None and self.loop is not None:
            state.gap_timer = self.loop.call_later(
                settings.HUB_GAP_WAIT_SECONDS, self._gap_expired, room_id
            )

    # --- presence heartbeat, sweep and idle sockets ----------------------------------

    async def _heartbeat(self) -> None:
        """Every few seconds: refresh this process's sockets in the presence store,
        sweep out the sockets of processes that died, and close silent sockets."""
        while True:
            await asyncio.sleep(settings.PRESENCE_HEARTBEAT_SECONDS)
            now = asyncio.get_running_loop().time()
            idle_limit = settings.SOCKET_IDLE_SECONDS
            for sock in list(self.sockets):
                if now - sock.last_seen > idle_limit:
                    await sock.close(CLOSE_IDLE)
            mine = {
                s.conn_id: (s.member_id, s.presence_key, s.room_id)
                for s in self.sockets
                if getattr(s, "presence_key", None)
            }
            try:
                await database_sync_to_async(periodic_duties)(mine)
            except Exception as exc:
                logger.warning("presence heartbeat failed (%s); will retry", type(exc).__name__)

    async def _sweeper(self) -> None:
        """Between heartbeats: announce the leave of entries that just expired
        (a process killed with SIGKILL) within PRESENCE_SWEEP_SECONDS of expiry."""
        while True:
            await asyncio.sleep(settings.PRESENCE_SWEEP_SECONDS)
            try:
                await database_sync_to_async(sweep_duties, thread_sensitive=False)()
            except Exception as exc:
                logger.warning("presence sweep failed (%s); will retry", type(exc).__name__)


_hub: Hub | None = None
_hub_started: asyncio.Future[None] | None = None


async def get_hub() -> Hub:
    """This process's hub, started on first use (in the running event loop)."""
    global _hub, _hub_started
    loop = asyncio.get_running_loop()
    if _hub is None or _hub.loop is not loop:
        hub = Hub()
        hub.loop = loop
        _hub, _hub_started = hub, loop.create_future()
        try:
            await hub.start()
        finally:
            _hub_started.set_result(None)
    elif _hub_started is not None and not _hub_started.done():
        await _hub_started
    return _hub


async def reset_hub() -> None:
    """Stop this process's hub (tests start each with a fresh one)."""
    global _hub
    if _hub is not None:
        await _hub.stop()
    _hub = None


def start_with_server() -> bool:
    """Start this process's hub as soon as daphne serves, not with the first socket:
    the heartbeat's duties (crisis escalation, pages retried, check-ins coming due)
    must run after a restart at 3 a.m. even if nobody has opened a page yet."""

    def start() -> None:
        task = asyncio.ensure_future(get_hub())
        _starting.add(task)
        task.add_done_callback(_started)

    return twisted.when_serving(start)


_starting: set[asyncio.Future[Hub]] = set()


def _started(task: asyncio.Future[Hub]) -> None:
    _starting.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.error("hub failed to start with the server: %r", task.exception())
