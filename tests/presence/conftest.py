"""One presence test suite, two backends: every test taking ``store`` runs on both.

The Redis runs use ``REDIS_URL`` and a key prefix unique to this test session,
and clear it after each test. Without Redis they are skipped, unless
``REQUIRE_SERVICES=1``, where a missing Redis fails them.
"""

from __future__ import annotations

import os
from uuid import uuid4

import pytest
import redis

from realtime.presence.memory import MemoryPresenceStore
from realtime.presence.redis_store import RedisPresenceStore

TTL = 60.0
SESSION_PREFIX = f"kindred-test-{uuid4().hex[:8]}"


def redis_url_or_skip() -> str:
    url = os.environ.get("REDIS_URL", "")
    required = os.environ.get("REQUIRE_SERVICES") == "1"
    if not url:
        if required:
            pytest.fail("REQUIRE_SERVICES=1 but REDIS_URL is not set")
        pytest.skip("REDIS_URL is not set (or the run dropped it as unreachable)")
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
    except redis.RedisError as exc:
        if required:
            pytest.fail(f"REQUIRE_SERVICES=1 but Redis at REDIS_URL is unreachable: {exc}")
        pytest.skip(f"Redis at REDIS_URL is unreachable: {exc}")
    return url


@pytest.fixture
def redis_store(settings):
    settings.REDIS_URL = redis_url_or_skip()
    settings.REDIS_PREFIX = SESSION_PREFIX
    store = RedisPresenceStore(ttl=TTL)
    store.clear()
    yield store
    store.clear()


@pytest.fixture
def memory_store():
    return MemoryPresenceStore(ttl=TTL)


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def store(request):
    return request.getfixturevalue(f"{request.param}_store")
