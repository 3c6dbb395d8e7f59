"""Presence in Redis: several processes, one truth, no ghosts after ``kill -9``.

Every key lives under ``kredis.key("presence")`` (``P`` below)::

    P:conns               ZSET  conn_id -> expiry          (the liveness of each socket)
    P:conn:<conn_id>      HASH  m=<member_id> r=<room>
    P:mconns:<member_id>  SET   the member's conn_ids (any room, any process)
    P:member:<member_id>  HASH  h=<handle> role inv open duty ("1"/"0" flags)
    P:members             ZSET  member_id -> latest expiry of the member's connections
    P:room:<room>         ZSET  member_id -> latest expiry of the member's connections there
    P:rooms               SET   topic rooms (not "chat:") that have a P:room:<room> key
    P:duty                ZSET  member_id -> expiry, facilitators/admins on duty
    P:open                ZSET  member_id -> expiry, members open to a chat
    P:inv                 ZSET  member_id -> expiry, invisible members (not counted)

An expiry is "last heartbeat + TTL"; an entry is live while ``expiry > now``, so
every read (``ZCOUNT``/``ZRANGEBYSCORE (now +inf``) ignores the entries of a dead
process at once, before any sweep. The member-level sorted sets make ``counts()``
cost O(rooms) rather than O(connections).

Every write is one Lua script, so it runs atomically with respect to every other
process: a member's entry in ``P:room:<room>`` exists from the connect that
announced the join until the script that removes it, and only the script whose
``ZREM`` actually removed it reports the leave. That is what makes concurrent
sweeps, and a sweep racing a disconnect, announce each leave exactly once.

The scripts build key names from the prefix, so they suit a single Redis (or a
replica set), not Redis Cluster. The scripts themselves are in
realtime.presence.redis_scripts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import redis

from core import redis as kredis
from realtime.presence.base import (
    Arrival,
    Change,
    ConnectionConflict,
    PresenceStore,
    StateUpdate,
    is_chat_room,
    resolve_now,
)
from realtime.presence.redis_scripts import (
    HEARTBEAT_CHUNK,
    SWEEP_CHUNK,
    connect_script,
    counts_script,
    disconnect_script,
    heartbeat_script,
    open_to_chat_script,
    room_online_script,
    set_state_script,
    sweep_script,
)


def _s(value: bytes | str | None) -> str:
    if value is None:
        return ""
    return value.decode() if isinstance(value, bytes) else str(value)


def _flag(value: bool) -> str:
    return "1" if value else "0"


def _num(value: float) -> str:
    return repr(float(value))


def _leave(raw: Sequence[Any]) -> Change:
    room, handle, inv, count = raw
    return Change(_s(room), "leave", _s(handle), _s(inv) != "1", int(count))


class RedisPresenceStore(PresenceStore):
    def __init__(self, *, ttl: float | None = None, client: redis.Redis | None = None) -> None:
        super().__init__(ttl=ttl)
        self._client = client

    @property
    def client(self) -> redis.Redis:
        return self._client if self._client is not None else kredis.sync_client()

    @staticmethod
    def prefix() -> str:
        """Read per call, so that a changed ``settings.REDIS_PREFIX`` applies."""
        return kredis.key("presence") + ":"

    def _base(self, now: float) -> list[str]:
        return [self.prefix(), _num(now)]

    # --- the interface ---------------------------------------------------------------

    def connect(self, arrival: Arrival, *, now: float | None = None) -> Change | None:
        now = resolve_now(now)
        args = [
            *self._base(now),
            _num(now + self.ttl),
            arrival.conn_id,
            str(int(arrival.member_id)),
            arrival.room,
            arrival.handle,
            arrival.role,
            _flag(arrival.invisible),
            _flag(arrival.open_to_chat),
            _flag(arrival.on_duty),
            "0" if is_chat_room(arrival.room) else "1",
        ]
        raw = connect_script(self.client, args)
        tag = _s(raw[0])
        if tag == "conflict":
            raise ConnectionConflict(f"connection {arrival.conn_id!r} is registered elsewhere")
        if tag == "same":
            return None
        return Change(
            arrival.room, "join", _s(raw[1]), _s(raw[2]) != "1", int(raw[3]), _s(raw[4]) == "1"
        )

    def disconnect(self, *, conn_id: str, now: float | None = None) -> Change | None:
        raw = disconnect_script(self.client, [*self._base(resolve_now(now)), conn_id])
        return _leave(raw) if raw else None

    def heartbeat(self, conn_ids: Iterable[str], *, now: float | None = None) -> set[str]:
        ids = list(dict.fromkeys(conn_ids))
        if not ids:
            return set()
        now = resolve_now(now)
        head = [*self._base(now), _num(now + self.ttl)]
        chunks = [ids[i : i + HEARTBEAT_CHUNK] for i in range(0, len(ids), HEARTBEAT_CHUNK)]
        if len(chunks) == 1:
            results = [heartbeat_script(self.client, head + chunks[0])]
        else:
            results = heartbeat_script.many(self.client, [head + chunk for chunk in chunks])
        return {_s(c) for result in results for c in result}

    def sweep(self, *, now: float | None = None) -> list[Change]:
        args = [*self._base(resolve_now(now)), str(SWEEP_CHUNK)]
        changes: list[Change] = []
        while True:
            raw = sweep_script(self.client, args)
            changes.extend(_leave(entry) for entry in raw[1:])
            if int(raw[0]) < SWEEP_CHUNK:
                return changes

    def _room_visible(self, room: str, now: float) -> list[dict]:
        raw = room_online_script(self.client, [*self._base(now), room])
        return [
            {"handle": _s(raw[i]), "role": _s(raw[i + 1]), "open_to_chat": _s(raw[i + 2]) == "1"}
            for i in range(0, len(raw), 3)
        ]

    def counts(self, *, now: float | None = None) -> dict:
        raw = counts_script(self.client, self._base(resolve_now(now)))
        rooms = {_s(raw[i]): int(raw[i + 1]) for i in range(2, len(raw), 2)}
        return {"online": int(raw[0]), "facilitators_on_duty": int(raw[1]), "rooms": rooms}

    def _update_member(self, member_id: int, update: StateUpdate, now: float) -> list[Change]:
        def opt(value: bool | None) -> str:
            return "" if value is None else _flag(value)

        args = [
            *self._base(now),
            str(int(member_id)),
            opt(update.invisible),
            opt(update.open_to_chat),
            opt(update.on_duty),
        ]
        raw = set_state_script(self.client, args)
        if not raw or not _s(raw[3]):
            return []
        handle, invisible, open_now = _s(raw[0]), _s(raw[1]) == "1", _s(raw[2]) == "1"
        event = "update" if _s(raw[3]) == "open" else "leave" if invisible else "join"
        open_now = open_now and event != "leave"
        changes = [
            Change(_s(room), event, handle, True, int(count), open_now) for room, count in raw[4:]
        ]
        return sorted(changes, key=lambda c: c.room)

    def _open_to_chat(self, now: float) -> list[dict]:
        raw = open_to_chat_script(self.client, self._base(now))
        return [{"member_id": int(mid), "handle": _s(h), "role": _s(role)} for mid, h, role in raw]

    def _live_ids(self, name: str, now: float | None) -> set[int]:
        now_s = "(" + _num(resolve_now(now))
        return {int(m) for m in self.client.zrangebyscore(self.prefix() + name, now_s, "+inf")}

    def live_member_ids(self, *, now: float | None = None) -> set[int]:
        return self._live_ids("members", now)

    def on_duty_member_ids(self, *, now: float | None = None) -> set[int]:
        return self._live_ids("duty", now)

    def clear(self) -> None:
        client = self.client
        pattern = _glob_escape(self.prefix()) + "*"
        batch: list[bytes] = []
        for key in client.scan_iter(match=pattern, count=500):
            batch.append(key)
            if len(batch) >= 500:
                client.delete(*batch)
                batch.clear()
        if batch:
            client.delete(*batch)


def _glob_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in text)
