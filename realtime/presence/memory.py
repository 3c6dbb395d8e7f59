"""In-process presence: the embedded default (one process), and the reference semantics.

Same rules as the Redis backend, under one lock:

* a connection is live while ``expires > now``; heartbeats push ``expires`` on;
* a member is *present* in a room from the connect that announced their join
  until the operation that announced their leave. A leave is announced exactly
  when that presence record is removed, which happens (once) as soon as the
  member has no live connection left in the room after a disconnect or sweep;
* the member record (handle, role, flags) is written by a connect when the
  member has no live connection anywhere, and changed afterwards only by
  ``set_member_state``; it is dropped with the member's last connection.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from realtime.presence.base import (
    Arrival,
    Change,
    ConnectionConflict,
    PresenceStore,
    StateUpdate,
    counts_on_duty,
    is_chat_room,
    resolve_now,
)


@dataclass
class _Conn:
    member_id: int
    room: str
    expires: float


@dataclass
class _Member:
    handle: str
    role: str
    invisible: bool
    open_to_chat: bool
    on_duty: bool
    conns: set[str] = field(default_factory=set)


class MemoryPresenceStore(PresenceStore):
    def __init__(self, *, ttl: float | None = None) -> None:
        super().__init__(ttl=ttl)
        self._lock = threading.Lock()
        self._conns: dict[str, _Conn] = {}
        self._members: dict[int, _Member] = {}
        self._present: dict[str, set[int]] = {}  # room -> members whose join was announced

    # --- helpers (call with the lock held) -------------------------------------------

    def _expiry(self, member: _Member, room: str | None = None) -> float:
        """Latest expiry of the member's connections (in *room*), or -inf."""
        best = -math.inf
        for conn_id in member.conns:
            conn = self._conns[conn_id]
            if room is None or conn.room == room:
                best = max(best, conn.expires)
        return best

    def _room_members(self, room: str, now: float) -> list[tuple[int, _Member]]:
        found = []
        for member_id in self._present.get(room, ()):
            member = self._members.get(member_id)
            if member is not None and self._expiry(member, room) > now:
                found.append((member_id, member))
        return found

    def _live_members(self, now: float) -> list[tuple[int, _Member]]:
        return [(mid, m) for mid, m in self._members.items() if self._expiry(m) > now]

    def _count(self, room: str, now: float) -> int:
        """Visible members in *room*: invisible ones are not counted either."""
        return sum(not m.invisible for _, m in self._room_members(room, now))

    def _drop(self, conn_id: str) -> _Conn | None:
        conn = self._conns.pop(conn_id, None)
        if conn is not None:
            member = self._members.get(conn.member_id)
            if member is not None:
                member.conns.discard(conn_id)
        return conn

    def _settle(self, member_id: int, room: str, now: float) -> bool:
        """After connections went away: True if the member's presence in *room* ended now."""
        member = self._members.get(member_id)
        left = False
        if member is None or self._expiry(member, room) <= now:
            present = self._present.get(room)
            if present is not None and member_id in present:
                present.discard(member_id)
                left = True
                if not present:
                    del self._present[room]
        if member is not None and not member.conns:
            del self._members[member_id]
        return left

    # --- the interface ---------------------------------------------------------------

    def connect(self, arrival: Arrival, *, now: float | None = None) -> Change | None:
        conn_id, member_id, room = arrival.conn_id, arrival.member_id, arrival.room
        now = resolve_now(now)
        with self._lock:
            old = self._conns.get(conn_id)
            if old is not None and (old.member_id != member_id or old.room != room):
                raise ConnectionConflict(f"connection {conn_id!r} is registered elsewhere")
            member = self._members.get(member_id)
            live_before = member is not None and self._expiry(member, room) > now
            if member is None:
                member = self._members[member_id] = _Member(
                    arrival.handle,
                    arrival.role,
                    arrival.invisible,
                    arrival.open_to_chat,
                    arrival.on_duty,
                )
            elif self._expiry(member) <= now:
                # No live connection anywhere: this connect carries the fresh state.
                member.handle, member.role = arrival.handle, arrival.role
                member.invisible = arrival.invisible
                member.open_to_chat, member.on_duty = arrival.open_to_chat, arrival.on_duty
            self._conns[conn_id] = _Conn(member_id, room, now + self.ttl)
            member.conns.add(conn_id)
            self._present.setdefault(room, set()).add(member_id)
            if live_before:
                return None
            return Change(
                room,
                "join",
                member.handle,
                not member.invisible,
                self._count(room, now),
                member.open_to_chat,
            )

    def disconnect(self, *, conn_id: str, now: float | None = None) -> Change | None:
        now = resolve_now(now)
        with self._lock:
            conn = self._drop(conn_id)
            if conn is None:
                return None
            member = self._members[conn.member_id]
            handle, visible = member.handle, not member.invisible
            if not self._settle(conn.member_id, conn.room, now):
                return None
            return Change(conn.room, "leave", handle, visible, self._count(conn.room, now))

    def heartbeat(self, conn_ids: Iterable[str], *, now: float | None = None) -> set[str]:
        now = resolve_now(now)
        missing: set[str] = set()
        with self._lock:
            for conn_id in conn_ids:
                conn = self._conns.get(conn_id)
                if conn is None or conn.expires <= now:
                    missing.add(conn_id)
                else:
                    conn.expires = now + self.ttl
        return missing

    def sweep(self, *, now: float | None = None) -> list[Change]:
        now = resolve_now(now)
        with self._lock:
            expired = [cid for cid, conn in self._conns.items() if conn.expires <= now]
            if not expired:
                return []
            affected: dict[tuple[int, str], tuple[str, bool]] = {}
            for conn_id in expired:
                conn = self._drop(conn_id)
                assert conn is not None
                member = self._members[conn.member_id]
                affected.setdefault(
                    (conn.member_id, conn.room), (member.handle, not member.invisible)
                )
            changes = []
            for (member_id, room), (handle, visible) in affected.items():
                if self._settle(member_id, room, now):
                    changes.append(Change(room, "leave", handle, visible, self._count(room, now)))
            return changes

    def _room_visible(self, room: str, now: float) -> list[dict]:
        with self._lock:
            return [
                {"handle": m.handle, "role": m.role, "open_to_chat": m.open_to_chat}
                for _, m in self._room_members(room, now)
                if not m.invisible
            ]

    def counts(self, *, now: float | None = None) -> dict:
        now = resolve_now(now)
        with self._lock:
            live = self._live_members(now)
            rooms = {}
            for room in self._present:
                if not is_chat_room(room):
                    count = self._count(room, now)
                    if count:
                        rooms[room] = count
            return {
                "online": sum(not m.invisible for _, m in live),
                "facilitators_on_duty": sum(counts_on_duty(m.role, m.on_duty) for _, m in live),
                "rooms": rooms,
            }

    def _update_member(self, member_id: int, update: StateUpdate, now: float) -> list[Change]:
        with self._lock:
            member = self._members.get(member_id)
            if member is None:
                return []
            invisible, open_to_chat = update.invisible, update.open_to_chat
            flipped = invisible is not None and invisible != member.invisible
            opened = open_to_chat is not None and open_to_chat != member.open_to_chat
            if invisible is not None:
                member.invisible = invisible
            if open_to_chat is not None:
                member.open_to_chat = open_to_chat
            if update.on_duty is not None:
                member.on_duty = update.on_duty
            if flipped:
                event = "leave" if member.invisible else "join"
            elif opened and not member.invisible:
                event = "update"
            else:
                return []
            rooms = {self._conns[cid].room for cid in member.conns}
            open_now = member.open_to_chat and event != "leave"
            return [
                Change(room, event, member.handle, True, self._count(room, now), open_now)
                for room in sorted(rooms)
                if member_id in self._present.get(room, ()) and self._expiry(member, room) > now
            ]

    def _open_to_chat(self, now: float) -> list[dict]:
        with self._lock:
            return [
                {"member_id": mid, "handle": m.handle, "role": m.role}
                for mid, m in self._live_members(now)
                if m.open_to_chat and not m.invisible
            ]

    def live_member_ids(self, *, now: float | None = None) -> set[int]:
        now = resolve_now(now)
        with self._lock:
            return {mid for mid, _ in self._live_members(now)}

    def on_duty_member_ids(self, *, now: float | None = None) -> set[int]:
        now = resolve_now(now)
        with self._lock:
            return {mid for mid, m in self._live_members(now) if counts_on_duty(m.role, m.on_duty)}

    def clear(self) -> None:
        with self._lock:
            self._conns.clear()
            self._members.clear()
            self._present.clear()
