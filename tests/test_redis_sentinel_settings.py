"""REDIS_SENTINELS makes every Redis client ask the sentinels for the primary."""

from __future__ import annotations

import redis.asyncio.sentinel as aiosentinel
import redis.sentinel

from core import redis as kredis


def test_sentinels_name_the_primary_for_sync_and_async_clients(settings):
    settings.REDIS_URL = ""
    settings.REDIS_SENTINELS = ["127.0.0.1:26379", "[::1]:26380", "sentinel.example:26381"]
    settings.REDIS_SENTINEL_MASTER = "kindred-test"
    assert kredis.enabled()
    assert kredis.sentinels() == (
        ("127.0.0.1", 26379),
        ("::1", 26380),
        ("sentinel.example", 26381),
    )
    client = kredis.sync_client()
    pool = client.connection_pool
    assert isinstance(pool, redis.sentinel.SentinelConnectionPool)
    assert pool.service_name == "kindred-test"
    assync = kredis.async_client()
    assert isinstance(assync.connection_pool, aiosentinel.SentinelConnectionPool)


def test_without_either_redis_is_off(settings):
    settings.REDIS_URL = ""
    settings.REDIS_SENTINELS = []
    assert not kredis.enabled()
