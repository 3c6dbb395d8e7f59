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
replica set), not Redis Cluster.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

import redis
from redis.exceptions import NoScriptError

from core import redis as kredis
from realtime.presence.base import (
    Change,
    ConnectionConflict,
    by_handle,
    is_chat_room,
    resolve_now,
    ttl_seconds,
)

#: Connections per heartbeat script call (all calls go in one pipeline round trip).
HEARTBEAT_CHUNK = 1000
#: Expired connections removed per sweep script call.
SWEEP_CHUNK = 1000

# ARGV[1] is the key prefix ("...:presence:"), ARGV[2] is now; script-specific arguments follow.
# Scores travel as the strings Redis gave us (never re-formatted Lua numbers) so that
# nothing loses precision.
_COMMON = """
local P = ARGV[1]
local NOW_S = ARGV[2]
local NOW = tonumber(NOW_S)
local K_CONNS, K_MEMBERS = P .. 'conns', P .. 'members'
local K_DUTY, K_OPEN, K_ROOMS = P .. 'duty', P .. 'open', P .. 'rooms'
local function k_conn(c) return P .. 'conn:' .. c end
local function k_mconns(m) return P .. 'mconns:' .. m end
local function k_member(m) return P .. 'member:' .. m end
local function k_room(r) return P .. 'room:' .. r end

local function live_count(room)
  return redis.call('ZCOUNT', k_room(room), '(' .. NOW_S, '+inf')
end

local function is_live(score)
  return score and tonumber(score) > NOW
end

-- Forget one connection; returns its member and room (nil if unknown).
local function drop(c)
  local v = redis.call('HMGET', k_conn(c), 'm', 'r')
  redis.call('ZREM', K_CONNS, c)
  redis.call('DEL', k_conn(c))
  if v[1] then redis.call('SREM', k_mconns(v[1]), c) end
  return v[1], v[2]
end

-- After connections of member m went away: re-derive its expiry entries from what is
-- left. Returns true when this call ended the member's presence in room (a leave).
local function settle(m, room)
  local best, best_s, here, here_s = nil, nil, nil, nil
  for _, c in ipairs(redis.call('SMEMBERS', k_mconns(m))) do
    local s = redis.call('ZSCORE', K_CONNS, c)
    if s then
      local n = tonumber(s)
      if best == nil or n > best then best, best_s = n, s end
      if redis.call('HGET', k_conn(c), 'r') == room and (here == nil or n > here) then
        here, here_s = n, s
      end
    end
  end
  local left = false
  if here ~= nil and here > NOW then
    redis.call('ZADD', k_room(room), here_s, m)
  else
    left = redis.call('ZREM', k_room(room), m) == 1
    if redis.call('EXISTS', k_room(room)) == 0 then redis.call('SREM', K_ROOMS, room) end
  end
  if best ~= nil then
    redis.call('ZADD', K_MEMBERS, best_s, m)
    redis.call('ZADD', K_DUTY, 'XX', best_s, m)
    redis.call('ZADD', K_OPEN, 'XX', best_s, m)
  else
    redis.call('ZREM', K_MEMBERS, m)
    redis.call('ZREM', K_DUTY, m)
    redis.call('ZREM', K_OPEN, m)
    redis.call('DEL', k_member(m))
  end
  return left
end

-- Put member m in (or out of) the duty and open sets according to its record.
local function sync_flags(m)
  local st = redis.call('HMGET', k_member(m), 'role', 'duty', 'open')
  local score = redis.call('ZSCORE', K_MEMBERS, m)
  if score and (st[1] == 'facilitator' or st[1] == 'admin') and st[2] == '1' then
    redis.call('ZADD', K_DUTY, score, m)
  else
    redis.call('ZREM', K_DUTY, m)
  end
  if score and st[3] == '1' then
    redis.call('ZADD', K_OPEN, score, m)
  else
    redis.call('ZREM', K_OPEN, m)
  end
end
"""

# ARGV: 3 expiry, 4 conn_id, 5 member_id, 6 room, 7 handle, 8 role, 9 inv, 10 open,
# 11 duty, 12 "1" for a topic room. Returns {'conflict'} | {'same'} | {'join', h, inv, n}.
_CONNECT = """
local EXP_S, C, M, R = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local old = redis.call('HMGET', k_conn(C), 'm', 'r')
if old[1] and (old[1] ~= M or old[2] ~= R) then return {'conflict'} end
local live_before = is_live(redis.call('ZSCORE', k_room(R), M))
if not is_live(redis.call('ZSCORE', K_MEMBERS, M)) then
  redis.call('HSET', k_member(M), 'h', ARGV[7], 'role', ARGV[8], 'inv', ARGV[9],
             'open', ARGV[10], 'duty', ARGV[11])
end
redis.call('ZADD', K_CONNS, EXP_S, C)
redis.call('HSET', k_conn(C), 'm', M, 'r', R)
redis.call('SADD', k_mconns(M), C)
redis.call('ZADD', k_room(R), 'GT', EXP_S, M)
if ARGV[12] == '1' then redis.call('SADD', K_ROOMS, R) end
redis.call('ZADD', K_MEMBERS, 'GT', EXP_S, M)
sync_flags(M)
if live_before then return {'same'} end
local st = redis.call('HMGET', k_member(M), 'h', 'inv')
return {'join', st[1], st[2], live_count(R)}
"""

# ARGV: 3 conn_id. Returns {room, handle, inv, count} for a leave, else nil.
_DISCONNECT = """
local m, r = drop(ARGV[3])
if not m then return false end
local st = redis.call('HMGET', k_member(m), 'h', 'inv')
if settle(m, r) then return {r, st[1] or '', st[2] or '0', live_count(r)} end
return false
"""

# ARGV: 3 expiry, 4.. conn_ids. Refreshes live connections only; returns the others.
_HEARTBEAT = """
local EXP_S = ARGV[3]
local missing = {}
for i = 4, #ARGV do
  local c = ARGV[i]
  if is_live(redis.call('ZSCORE', K_CONNS, c)) then
    redis.call('ZADD', K_CONNS, 'XX', EXP_S, c)
    local v = redis.call('HMGET', k_conn(c), 'm', 'r')
    if v[1] then
      redis.call('ZADD', k_room(v[2]), 'GT', EXP_S, v[1])
      redis.call('ZADD', K_MEMBERS, 'GT', EXP_S, v[1])
      redis.call('ZADD', K_DUTY, 'XX', 'GT', EXP_S, v[1])
      redis.call('ZADD', K_OPEN, 'XX', 'GT', EXP_S, v[1])
    end
  else
    missing[#missing + 1] = c
  end
end
return missing
"""

# ARGV: 3 limit. Returns {number expired, {room, handle, inv, count}...}.
_SWEEP = """
local expired = redis.call('ZRANGEBYSCORE', K_CONNS, '-inf', NOW_S, 'LIMIT', 0, tonumber(ARGV[3]))
local seen, todo = {}, {}
for _, c in ipairs(expired) do
  local m, r = drop(c)
  if m then
    local id = m .. ' ' .. r
    if not seen[id] then
      seen[id] = true
      local st = redis.call('HMGET', k_member(m), 'h', 'inv')
      todo[#todo + 1] = {m, r, st[1] or '', st[2] or '0'}
    end
  end
end
local out = {#expired}
for _, t in ipairs(todo) do
  if settle(t[1], t[2]) then out[#out + 1] = {t[2], t[3], t[4], live_count(t[2])} end
end
return out
"""

# ARGV: 3 room. Returns {member_id, handle, role, inv, open} per live member.
_ROOM_ONLINE = """
local out = {}
for _, m in ipairs(redis.call('ZRANGEBYSCORE', k_room(ARGV[3]), '(' .. NOW_S, '+inf')) do
  local st = redis.call('HMGET', k_member(m), 'h', 'role', 'inv', 'open')
  out[#out + 1] = {m, st[1], st[2], st[3], st[4]}
end
return out
"""

# Returns {online, on duty, room, count, room, count...}.
_COUNTS = """
local out = {redis.call('ZCOUNT', K_MEMBERS, '(' .. NOW_S, '+inf'),
             redis.call('ZCOUNT', K_DUTY, '(' .. NOW_S, '+inf')}
for _, r in ipairs(redis.call('SMEMBERS', K_ROOMS)) do
  local n = live_count(r)
  if n > 0 then out[#out + 1] = r; out[#out + 1] = n end
end
return out
"""

# ARGV: 3 member_id, 4 inv, 5 open, 6 duty ('' = unchanged).
# Returns {} when the member is not connected, else {handle, inv, {room, count}...} where
# the rooms are listed only when visibility flipped.
_SET_STATE = """
local M = ARGV[3]
if redis.call('EXISTS', k_member(M)) == 0 then return {} end
local was = redis.call('HGET', k_member(M), 'inv')
if ARGV[4] ~= '' then redis.call('HSET', k_member(M), 'inv', ARGV[4]) end
if ARGV[5] ~= '' then redis.call('HSET', k_member(M), 'open', ARGV[5]) end
if ARGV[6] ~= '' then redis.call('HSET', k_member(M), 'duty', ARGV[6]) end
sync_flags(M)
local st = redis.call('HMGET', k_member(M), 'h', 'inv')
local out = {st[1], st[2]}
if ARGV[4] ~= '' and ARGV[4] ~= was then
  local seen = {}
  for _, c in ipairs(redis.call('SMEMBERS', k_mconns(M))) do
    local r = redis.call('HGET', k_conn(c), 'r')
    if r and not seen[r] then
      seen[r] = true
      if is_live(redis.call('ZSCORE', k_room(r), M)) then out[#out + 1] = {r, live_count(r)} end
    end
  end
end
return out
"""

# Returns {member_id, handle, role} per live, visible member open to a chat.
_OPEN_TO_CHAT = """
local out = {}
for _, m in ipairs(redis.call('ZRANGEBYSCORE', K_OPEN, '(' .. NOW_S, '+inf')) do
  local st = redis.call('HMGET', k_member(m), 'h', 'role', 'inv')
  if st[1] and st[3] ~= '1' then out[#out + 1] = {m, st[1], st[2]} end
end
return out
"""


class _Script:
    """A Lua script run by EVALSHA, loaded on first use (one round trip once cached).

    Not redis-py's ``Script``: inside a pipeline that one checks ``SCRIPT EXISTS``
    on every execute, an extra round trip per heartbeat.
    """

    def __init__(self, body: str) -> None:
        self.source = _COMMON + body
        self.sha = hashlib.sha1(self.source.encode(), usedforsecurity=False).hexdigest()

    def __call__(self, client: redis.Redis, args: Sequence[Any]) -> Any:
        try:
            return client.evalsha(self.sha, 0, *args)
        except NoScriptError:
            return client.eval(self.source, 0, *args)  # EVAL caches it for next time

    def many(self, client: redis.Redis, calls: list[Sequence[Any]]) -> list[Any]:
        """Several calls in one pipeline round trip (plus a load the very first time)."""
        results = self._pipelined(client, calls)
        redo = [i for i, r in enumerate(results) if isinstance(r, NoScriptError)]
        if redo:  # those calls did nothing; load the script and run just them again
            client.script_load(self.source)
            again = self._pipelined(client, [calls[i] for i in redo])
            for i, r in zip(redo, again, strict=True):
                results[i] = r
        for r in results:
            if isinstance(r, Exception):
                raise r
        return results

    def _pipelined(self, client: redis.Redis, calls: list[Sequence[Any]]) -> list[Any]:
        pipe = client.pipeline(transaction=False)
        for args in calls:
            pipe.evalsha(self.sha, 0, *args)
        return pipe.execute(raise_on_error=False)


_connect = _Script(_CONNECT)
_disconnect = _Script(_DISCONNECT)
_heartbeat = _Script(_HEARTBEAT)
_sweep = _Script(_SWEEP)
_room_online = _Script(_ROOM_ONLINE)
_counts = _Script(_COUNTS)
_set_state = _Script(_SET_STATE)
_open_to_chat = _Script(_OPEN_TO_CHAT)


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


class RedisPresenceStore:
    def __init__(self, *, ttl: float | None = None, client: redis.Redis | None = None) -> None:
        self._ttl = None if ttl is None else float(ttl)
        self._client = client

    @property
    def ttl(self) -> float:
        """Seconds a connection stays live after its last heartbeat (settings unless given)."""
        return ttl_seconds() if self._ttl is None else self._ttl

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

    def connect(
        self,
        *,
        conn_id: str,
        member_id: int,
        handle: str,
        room: str,
        role: str,
        invisible: bool,
        open_to_chat: bool,
        on_duty: bool,
        now: float | None = None,
    ) -> Change | None:
        now = resolve_now(now)
        args = [
            *self._base(now),
            _num(now + self.ttl),
            conn_id,
            str(int(member_id)),
            room,
            handle,
            role,
            _flag(invisible),
            _flag(open_to_chat),
            _flag(on_duty),
            "0" if is_chat_room(room) else "1",
        ]
        raw = _connect(self.client, args)
        tag = _s(raw[0])
        if tag == "conflict":
            raise ConnectionConflict(f"connection {conn_id!r} is registered elsewhere")
        if tag == "same":
            return None
        return Change(room, "join", _s(raw[1]), _s(raw[2]) != "1", int(raw[3]))

    def disconnect(self, *, conn_id: str, now: float | None = None) -> Change | None:
        raw = _disconnect(self.client, [*self._base(resolve_now(now)), conn_id])
        return _leave(raw) if raw else None

    def heartbeat(self, conn_ids: Iterable[str], *, now: float | None = None) -> set[str]:
        ids = list(dict.fromkeys(conn_ids))
        if not ids:
            return set()
        now = resolve_now(now)
        head = [*self._base(now), _num(now + self.ttl)]
        chunks = [ids[i : i + HEARTBEAT_CHUNK] for i in range(0, len(ids), HEARTBEAT_CHUNK)]
        if len(chunks) == 1:
            results = [_heartbeat(self.client, head + chunks[0])]
        else:
            results = _heartbeat.many(self.client, [head + chunk for chunk in chunks])
        return {_s(c) for result in results for c in result}

    def sweep(self, *, now: float | None = None) -> list[Change]:
        args = [*self._base(resolve_now(now)), str(SWEEP_CHUNK)]
        changes: list[Change] = []
        while True:
            raw = _sweep(self.client, args)
            changes.extend(_leave(entry) for entry in raw[1:])
            if int(raw[0]) < SWEEP_CHUNK:
                return changes

    def room_online(self, room: str, *, now: float | None = None) -> tuple[list[dict], int]:
        raw = _room_online(self.client, [*self._base(resolve_now(now)), room])
        listed = [
            {"handle": _s(h), "role": _s(role), "open_to_chat": _s(op) == "1"}
            for _mid, h, role, inv, op in raw
            if h is not None and _s(inv) != "1"
        ]
        return by_handle(listed), len(raw)

    def counts(self, *, now: float | None = None) -> dict:
        raw = _counts(self.client, self._base(resolve_now(now)))
        rooms = {_s(raw[i]): int(raw[i + 1]) for i in range(2, len(raw), 2)}
        return {"online": int(raw[0]), "facilitators_on_duty": int(raw[1]), "rooms": rooms}

    def set_member_state(
        self,
        *,
        member_id: int,
        invisible: bool | None = None,
        open_to_chat: bool | None = None,
        on_duty: bool | None = None,
        now: float | None = None,
    ) -> list[Change]:
        def opt(value: bool | None) -> str:
            return "" if value is None else _flag(value)

        args = [
            *self._base(resolve_now(now)),
            str(int(member_id)),
            opt(invisible),
            opt(open_to_chat),
            opt(on_duty),
        ]
        raw = _set_state(self.client, args)
        if not raw:
            return []
        handle, event = _s(raw[0]), "leave" if _s(raw[1]) == "1" else "join"
        changes = [Change(_s(room), event, handle, True, int(count)) for room, count in raw[2:]]
        return sorted(changes, key=lambda c: c.room)

    def members_open_to_chat(self, *, now: float | None = None) -> list[dict]:
        raw = _open_to_chat(self.client, self._base(resolve_now(now)))
        return by_handle(
            {"member_id": int(mid), "handle": _s(h), "role": _s(role)} for mid, h, role in raw
        )

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
