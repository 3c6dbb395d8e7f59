"""What the hub writes, and when: the one writer task, a room's message pacing
and presence coalescing.

Kept apart from the hub's routing (realtime.hub) because this is where the
fan-out's cost is decided: every frame written here goes to a room's sockets
one system call each, so the hub writes a room at most once per
``HUB_ROOM_WRITE_INTERVAL_SECONDS`` and a room's joins and leaves once per
``PRESENCE_COALESCE_SECONDS``, in the order the hub decided them.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from core.frames import encode
from realtime.transport import text_frame

logger = logging.getLogger("kindred.hub")


@dataclass
class RoomState:
    sockets: set[Any] = field(default_factory=set)
    #: Id of the last message delivered along the chain; None until known.
    last_id: int | None = None
    #: Early arrivals, keyed by the id they follow: prev_id -> (id, author, text).
    pending: dict[int, tuple[int, int, str | None]] = field(default_factory=dict)
    repairing: bool = False
    #: Asked to catch up again while a repair was running (Hub.catch_up).
    repair_again: bool = False
    gap_timer: asyncio.TimerHandle | None = None
    #: Presence changes waiting to be sent as one frame.
    presence: list[dict[str, Any]] = field(default_factory=list)
    presence_timer: asyncio.TimerHandle | None = None
    #: Messages held back until the room's next write (see Hub._deliver).
    held: list[tuple[int, int, str]] = field(default_factory=list)
    hold_timer: asyncio.TimerHandle | None = None
    #: Loop time of the room's last message write.
    written_at: float = float("-inf")


class HubOutput:
    """Mixed into realtime.hub.Hub, whose state it shares."""

    rooms: dict[int, RoomState]
    loop: asyncio.AbstractEventLoop | None
    _outbox: deque[tuple[str, Any, tuple[Any, ...]]]
    _wake: asyncio.Event
    _holding: set[int]

    def _on_presence(self, event: dict[str, Any]) -> None:
        state = self.rooms.get(event["r"])
        if state is None:
            return
        state.presence.append(event)
        if state.presence_timer is None and self.loop is not None:
            state.presence_timer = self.loop.call_later(
                settings.PRESENCE_COALESCE_SECONDS, self._flush_presence, event["r"]
            )

    def _flush_presence(self, room_id: int) -> None:
        """One frame per socket for however many joins and leaves arrived together."""
        state = self.rooms.get(room_id)
        if state is None:
            return
        state.presence_timer = None
        changes, state.presence = state.presence, []
        if not changes:
            return
        count = changes[-1]["n"]
        if len(changes) == 1:
            frame = {"type": "presence", **_presence_change(changes[0]), "count": count}
        else:
            frame = {
                "type": "presence",
                "event": "batch",
                "changes": [_presence_change(c) for c in changes],
                "count": count,
            }
        self._enqueue("frame", tuple(state.sockets), (encode(frame),))

    def _deliver(self, room_id: int, state: RoomState, message: tuple[int, int, str]) -> None:
        """Queue a room's next message for its sockets, at most one write per room
        every ``HUB_ROOM_WRITE_INTERVAL_SECONDS``.

        On loopback and real networks alike, a ``send()`` costs the server far
        more than the bytes in it, and a busy room pays it once per socket per
        write. A message for a room written to less than the interval ago is
        held and goes out with whatever joins it when the interval is up, so a
        room of 200 taking 200 messages a second costs a few writes per socket
        instead of 200. The first message after a quiet spell goes at once.
        Anything else queued for the room's sockets releases what is held
        first (``_enqueue``), so nothing overtakes a message (a ``removed``
        frame, say)."""
        if state.hold_timer is not None:
            state.held.append(message)
            return
        loop = self.loop
        interval = settings.HUB_ROOM_WRITE_INTERVAL_SECONDS
        if loop is not None and interval > 0:
            now = loop.time()
            if now - state.written_at < interval:
                state.held.append(message)
                state.hold_timer = loop.call_at(state.written_at + interval, self._release, room_id)
                self._holding.add(room_id)
                return
            state.written_at = now
        self._enqueue("message", tuple(state.sockets), message)

    def _release(self, room_id: int) -> None:
        """Queue the messages held for *room_id* now (its interval is up, or
        something else for its sockets must go out behind them)."""
        state = self.rooms.get(room_id)
        self._holding.discard(room_id)
        if state is None:
            return
        if state.hold_timer is not None:
            state.hold_timer.cancel()
            state.hold_timer = None
        if not state.held:
            return
        held, state.held = state.held, []
        if self.loop is not None:
            state.written_at = self.loop.time()
        targets = tuple(state.sockets)
        for message in held:
            self._enqueue("message", targets, message)

    def _enqueue(self, kind: str, targets: Any, args: tuple[Any, ...]) -> None:
        """Queue a write. Nothing overtakes a message held for a room's next
        write: whatever is queued for a room's sockets (a room frame, presence,
        a member event or close, messages read back from the database) first
        releases what that room holds. A release itself finds its room no
        longer holding, so it passes straight through."""
        if self._holding:
            for room_id in {s.room_id for s in targets} & self._holding:
                self._release(room_id)
        self._outbox.append((kind, targets, args))
        self._wake.set()

    async def _writer(self) -> None:
        """One task writes everything, in the order the hub decided it."""
        outbox = self._outbox
        while True:
            await self._wake.wait()
            self._wake.clear()
            while outbox:
                kind, targets, args = outbox.popleft()
                if kind == "message":
                    await self._write_messages(outbox, targets, args)
                    continue
                for sock in targets:
                    try:
                        if kind == "frame":
                            await sock.hub_frame(*args)
                        elif kind == "member":
                            await sock.hub_member_event(*args)
                        else:
                            await sock.hub_close(*args)
                    except Exception:
                        logger.exception("hub could not write to a socket")

    async def _write_messages(
        self, outbox: deque[tuple[str, Any, tuple[Any, ...]]], targets: Any, first: tuple[Any, ...]
    ) -> None:
        """Write a room's next messages, and any queued right behind them for the
        same sockets, framing each once. Under load messages pile up in the
        outbox, so each socket gets several in one system call: the busier the
        room, the fewer calls per message, and no waiting when it is quiet."""
        batch = [first]
        limit = settings.HUB_BATCH_MAX_MESSAGES
        while (
            outbox and len(batch) < limit and outbox[0][0] == "message" and outbox[0][1] == targets
        ):
            batch.append(outbox.popleft()[2])
        framed = [(i, author, text_frame(text.encode())) for i, author, text in batch]
        joined = b"".join(m[2] for m in framed)
        slow = [s for s in targets if not s.offer_messages(framed, joined)]
        for sock in slow:
            try:
                for args in batch:
                    await sock.hub_message(*args)
            except Exception:
                logger.exception("hub could not write to a socket")


def _presence_change(event: dict[str, Any]) -> dict[str, Any]:
    """A bus presence event as the frame's {event, handle[, open_to_chat]}."""
    change = {"event": event["e"], "handle": event["h"]}
    if "o" in event:
        change["open_to_chat"] = bool(event["o"])
    return change
