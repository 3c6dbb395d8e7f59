"""The one place Kindred makes Redis clients, and names its keys.

Every key and pub/sub channel starts with ``settings.REDIS_PREFIX`` so that
several communities, or test runs, can share one Redis server and clean up only
what is theirs.
"""

from __future__ import annotations

import functools

import redis
import redis.asyncio as aioredis
from django.conf import settings


def enabled() -> bool:
    return bool(settings.REDIS_URL)


def key(*parts: object) -> str:
    return ":".join([settings.REDIS_PREFIX, *map(str, parts)])


@functools.cache
def _sync_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url, socket_timeout=5, socket_connect_timeout=2, health_check_interval=15
    )


def sync_client() -> redis.Redis:
    """A shared, thread-safe (pooled) client for synchronous code."""
    return _sync_client(settings.REDIS_URL)


def async_client() -> aioredis.Redis:
    """A new asyncio client; the caller owns it and closes it."""
    return aioredis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=2, health_check_interval=15
    )
