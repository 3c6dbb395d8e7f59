"""The one place Kindred makes Redis clients, and names its keys.

Every key and pub/sub channel starts with ``settings.REDIS_PREFIX`` so that
several communities, or test runs, can share one Redis server and clean up only
what is theirs.

Redis is either one server (``REDIS_URL``) or a primary watched by Redis
Sentinel (``REDIS_SENTINELS``, ``REDIS_SENTINEL_MASTER``): then every client
asks the sentinels where the primary is, and asks again when a connection to
it fails, so the bus, presence and limits follow a promotion on their own.
"""

from __future__ import annotations

import functools

import redis
import redis.asyncio as aioredis
import redis.asyncio.retry
import redis.asyncio.sentinel as aiosentinel
import redis.sentinel
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry

_CLIENT_OPTIONS = {"socket_connect_timeout": 2, "health_check_interval": 15}
# The synchronous client serves the message path (rate limits, the crisis card's
# limit, presence reads) from worker threads that a member is waiting on. redis-py
# retries a refused connection three times with growing pauses by default, so an
# unreachable Redis held a crisis message for many seconds before each fallback:
# fail at once instead; every caller has its own fallback or retries later.
_NO_RETRY = Retry(NoBackoff(), 0)
_ASYNC_NO_RETRY = redis.asyncio.retry.Retry(NoBackoff(), 0)


def enabled() -> bool:
    return bool(settings.REDIS_URL or sentinels())


def sentinels() -> tuple[tuple[str, int], ...]:
    """``REDIS_SENTINELS`` ("host:port,host:port") as (host, port) pairs."""
    pairs = []
    for item in getattr(settings, "REDIS_SENTINELS", ()):
        host, _, port = item.rpartition(":")
        pairs.append((host.strip("[]") or "127.0.0.1", int(port or 26379)))
    return tuple(pairs)


def key(*parts: object) -> str:
    return ":".join([settings.REDIS_PREFIX, *map(str, parts)])


@functools.cache
def _sync_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=5, retry=_NO_RETRY, **_CLIENT_OPTIONS)


@functools.cache
def _sync_sentinel_client(hosts: tuple[tuple[str, int], ...], master: str, db: int) -> redis.Redis:
    watch = redis.sentinel.Sentinel(hosts, socket_timeout=2, socket_connect_timeout=2)
    return watch.master_for(master, db=db, socket_timeout=5, retry=_NO_RETRY, **_CLIENT_OPTIONS)


def sync_client() -> redis.Redis:
    """A shared, thread-safe (pooled) client for synchronous code."""
    hosts = sentinels()
    if hosts:
        return _sync_sentinel_client(
            hosts, settings.REDIS_SENTINEL_MASTER, settings.REDIS_SENTINEL_DB
        )
    return _sync_client(settings.REDIS_URL)


def async_client(*, retry: bool = True) -> aioredis.Redis:
    """A new asyncio client; the caller owns it and closes it. ``retry=False``: a
    broken connection raises at once instead of reconnecting quietly (the bus's
    subscriber must know, to catch its rooms up from the database)."""
    options = dict(_CLIENT_OPTIONS) if retry else {**_CLIENT_OPTIONS, "retry": _ASYNC_NO_RETRY}
    hosts = sentinels()
    if hosts:
        watch = aiosentinel.Sentinel(hosts, socket_timeout=2, socket_connect_timeout=2)
        return watch.master_for(
            settings.REDIS_SENTINEL_MASTER, db=settings.REDIS_SENTINEL_DB, **options
        )
    return aioredis.Redis.from_url(settings.REDIS_URL, **options)
