"""Sliding-window rate limits, shared across processes when Redis is configured.

A limit reads like ``"8/10s"`` (8 events per 10 seconds; ``m`` and ``h`` also
work). :func:`hit` records an event if it is allowed and otherwise tells how
many seconds to wait. With Redis, the check-and-record is one Lua script so two
processes cannot both let the ninth message through; without Redis, an
in-process dict does the same under a lock.
"""

from __future__ import annotations

import functools
import logging
import math
import re
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisError

from core import redis as kredis

logger = logging.getLogger("kindred.ratelimit")

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smh])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: float

    @classmethod
    def parse(cls, text: str) -> Rate:
        match = _RATE.match(text)
        if not match:
            raise ValueError(f"A rate looks like '8/10s', '10/1h' or '5/m', not {text!r}")
        count, number, unit = match.groups()
        return cls(int(count), (int(number) if number else 1) * _UNITS[unit])


_SCRIPT = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tostring(tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
return '0'
"""


@functools.cache
def _script(client: Any) -> Any:
    """The script, sent by its digest (EVALSHA) once Redis knows it."""
    return client.register_script(_SCRIPT)


_local_lock = threading.Lock()
_local: dict[str, deque[float]] = {}


def _hit_local(name: str, rate: Rate, now: float) -> float:
    with _local_lock:
        events = _local.setdefault(name, deque())
        while events and events[0] <= now - rate.seconds:
            events.popleft()
        if len(events) >= rate.count:
            return events[0] + rate.seconds - now
        events.append(now)
        return 0.0


def hit(name: str, rate: Rate | str, *, allow_if_unreachable: bool = False) -> float:
    """Record one event under *name*; 0 if allowed, else seconds until it would be.

    With *allow_if_unreachable*, an unreachable Redis allows the event instead
    of counting it in this process: for limits where one too many is cheap and
    one too few is not (the crisis card)."""
    if isinstance(rate, str):
        rate = Rate.parse(rate)
    if rate.count <= 0:
        return 0.0
    now = time.time()
    if kredis.enabled():
        try:
            wait = _script(kredis.sync_client())(
                keys=[kredis.key("rl", name)],
                args=[now, rate.seconds, rate.count, uuid.uuid4().hex],
            )
            return max(0.0, float(wait))
        except RedisError as exc:
            if allow_if_unreachable:
                logger.warning("limit unreadable, allowed: Redis error=%s", type(exc).__name__)
                return 0.0
            # Redis is out of reach: the limit still holds, exactly, within this
            # process (a member spread over several processes gets one allowance
            # per process until Redis is back). Never an error for the caller.
            logger.warning("rate limit kept in-process, Redis error=%s", type(exc).__name__)
    return max(0.0, _hit_local(name, rate, now))


def forget(name: str) -> None:
    """Drop every event recorded under *name*, as if none had happened."""
    with _local_lock:
        _local.pop(name, None)
    if kredis.enabled():
        try:
            kredis.sync_client().delete(kredis.key("rl", name))
        except RedisError as exc:
            logger.warning("rate limit not forgotten in Redis error=%s", type(exc).__name__)


def retry_after(wait: float) -> int:
    """Whole seconds to tell a client (never 0 for a refused event)."""
    return max(1, math.ceil(wait))


def reset() -> None:
    """Forget every counter, in-process and this community's in Redis (tests)."""
    with _local_lock:
        _local.clear()
    if kredis.enabled():
        client = kredis.sync_client()
        keys = list(client.scan_iter(match=kredis.key("rl", "*"), count=1000))
        if keys:
            client.delete(*keys)
