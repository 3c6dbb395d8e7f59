"""The Lua scripts behind the Redis presence store, and how they are run.

The key layout and why every write is one script are described in
realtime.presence.redis_store; this module holds the scripts' text and the
EVALSHA runner, so the store itself reads as plain Python.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import redis
from redis.exceptions import NoScriptError

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
local K_INV = P .. 'inv'
local function k_conn(c) return P .. 'conn:' .. c end
local function k_mconns(m) return P .. 'mconns:' .. m end
local function k_member(m) return P .. 'member:' .. m end
local function k_room(r) return P .. 'room:' .. r end

local function is_live(score)
  return score and tonumber(score) > NOW
end

-- Visible members live in room: invisible members are neither listed nor counted.
local function live_count(room)
  local n = redis.call('ZCOUNT', k_room(room), '(' .. NOW_S, '+inf')
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', K_INV, '(' .. NOW_S, '+inf')) do
    if is_live(redis.call('ZSCORE', k_room(room), m)) then n = n - 1 end
  end
  return n
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
    redis.call('ZADD', K_INV, 'XX', best_s, m)
  else
    redis.call('ZREM', K_MEMBERS, m)
    redis.call('ZREM', K_DUTY, m)
    redis.call('ZREM', K_OPEN, m)
    redis.call('ZREM', K_INV, m)
    redis.call('DEL', k_member(m))
  end
  return left
end

-- Put member m in (or out of) the duty, open and invisible sets according to its record.
local function sync_flags(m)
  local st = redis.call('HMGET', k_member(m), 'role', 'duty', 'open', 'inv')
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
  if score and st[4] == '1' then
    redis.call('ZADD', K_INV, score, m)
  else
    redis.call('ZREM', K_INV, m)
  end
end
"""

# ARGV: 3 expiry, 4 conn_id, 5 member_id, 6 room, 7 handle, 8 role, 9 inv, 10 open,
# 11 duty, 12 "1" for a topic room. Returns {'conflict'} | {'same'} | {'join', h, inv, n, open}.
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
local st = redis.call('HMGET', k_member(M), 'h', 'inv', 'open')
return {'join', st[1], st[2], live_count(R), st[3]}
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
      redis.call('ZADD', K_INV, 'XX', 'GT', EXP_S, v[1])
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

# ARGV: 3 room. Returns handle, role, open, handle, role, open... for each live member
# who is listed (has a handle, not invisible). Flat, and only what is listed: every
# welcome reads this, and redis-py parses the reply in Python, element by element,
# so a nested reply with the invisible members in it cost a connect to a room of
# 300 about a millisecond of CPU (docs/performance.md, "CPU per connect").
_ROOM_ONLINE = """
local out = {}
for _, m in ipairs(redis.call('ZRANGEBYSCORE', k_room(ARGV[3]), '(' .. NOW_S, '+inf')) do
  local st = redis.call('HMGET', k_member(m), 'h', 'role', 'inv', 'open')
  if st[1] and st[3] ~= '1' then
    out[#out + 1] = st[1]; out[#out + 1] = st[2] or ''; out[#out + 1] = st[4] or ''
  end
end
return out
"""

# Returns {online, on duty, room, count, room, count...} (visible members).
_COUNTS = """
local out = {redis.call('ZCOUNT', K_MEMBERS, '(' .. NOW_S, '+inf')
               - redis.call('ZCOUNT', K_INV, '(' .. NOW_S, '+inf'),
             redis.call('ZCOUNT', K_DUTY, '(' .. NOW_S, '+inf')}
for _, r in ipairs(redis.call('SMEMBERS', K_ROOMS)) do
  local n = live_count(r)
  if n > 0 then out[#out + 1] = r; out[#out + 1] = n end
end
return out
"""

# ARGV: 3 member_id, 4 inv, 5 open, 6 duty ('' = unchanged).
# Returns {} when the member is not connected, else {handle, inv, open, what, {room, count}...}
# where what is 'vis' when visibility flipped, 'open' when a visible member's open-to-chat
# flipped (else '', and no rooms).
_SET_STATE = """
local M = ARGV[3]
if redis.call('EXISTS', k_member(M)) == 0 then return {} end
local was = redis.call('HMGET', k_member(M), 'inv', 'open')
if ARGV[4] ~= '' then redis.call('HSET', k_member(M), 'inv', ARGV[4]) end
if ARGV[5] ~= '' then redis.call('HSET', k_member(M), 'open', ARGV[5]) end
if ARGV[6] ~= '' then redis.call('HSET', k_member(M), 'duty', ARGV[6]) end
sync_flags(M)
local st = redis.call('HMGET', k_member(M), 'h', 'inv', 'open')
local what = ''
if ARGV[4] ~= '' and ARGV[4] ~= was[1] then
  what = 'vis'
elseif ARGV[5] ~= '' and ARGV[5] ~= was[2] and st[2] ~= '1' then
  what = 'open'
end
local out = {st[1], st[2], st[3], what}
if what ~= '' then
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


class Script:
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


connect_script = Script(_CONNECT)
disconnect_script = Script(_DISCONNECT)
heartbeat_script = Script(_HEARTBEAT)
sweep_script = Script(_SWEEP)
room_online_script = Script(_ROOM_ONLINE)
counts_script = Script(_COUNTS)
set_state_script = Script(_SET_STATE)
open_to_chat_script = Script(_OPEN_TO_CHAT)
