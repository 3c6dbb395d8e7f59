"""A pytest plugin, loaded before Django starts (``-p tests.services``).

It decides which real services this run uses: PostgreSQL when ``DATABASE_URL``
answers, Redis when ``REDIS_URL`` answers. An unreachable service is dropped
(its tests skip with a reason), unless ``REQUIRE_SERVICES=1``, where it stops
the run: CI must never pass by skipping. Each run gets its own test database
name and Redis key prefix, and removes only its own keys at the end.
"""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from urllib.parse import urlparse

import pytest

from devserver import delete_keys

RUN_ID = uuid.uuid4().hex[:8]
REQUIRED = os.environ.get("REQUIRE_SERVICES") == "1"
UNAVAILABLE: dict[str, str] = {}


def _answers(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def _check(env: str, name: str, port: int) -> None:
    url = os.environ.get(env, "")
    if not url:
        UNAVAILABLE[name] = f"{env} is not set"
        return
    if not _answers(url, port):
        if REQUIRED:
            raise pytest.UsageError(f"REQUIRE_SERVICES=1 but {name} at {env} is not answering")
        UNAVAILABLE[name] = f"{name} at {env} is not answering"
        del os.environ[env]


_check("DATABASE_URL", "postgres", 5432)
_check("REDIS_URL", "redis", 6379)
if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    os.environ.setdefault("KINDRED_TEST_DB_NAME", f"test_kindred_{RUN_ID}")
else:
    UNAVAILABLE.setdefault("postgres", "DATABASE_URL is not a PostgreSQL URL")
os.environ["REDIS_PREFIX"] = f"kindred-test-{RUN_ID}"
os.environ.setdefault("DEBUG", "1")
# The in-process suite opens a connection per call: pytest's event loops come
# and go with their threads, and a pooled connection held by a thread that
# ends is never given back. Live daphne servers use the pool as in production
# (tests/live.py drops this).
os.environ.setdefault("DB_POOL_MAX_SIZE", "0")
# Fast, still real, recovery-phrase hashing for the suite.
os.environ.setdefault("KINDRED_FAST_HASH", "1")
# Most tests make handles and use them at once: trust levels and the sign-up
# throttle are off unless a test turns them on (tests/test_trust.py,
# tests/test_signup_throttle.py), here and in live servers.
os.environ.setdefault("TRUST_MIN_HOURS", "0")
os.environ.setdefault("TRUST_MIN_MESSAGES", "0")
os.environ.setdefault("SESSIONS_CREATED_PER_HOUR", "0")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for name, reason in UNAVAILABLE.items():
            if item.get_closest_marker(name):
                item.add_marker(pytest.mark.skip(reason=reason))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    url = os.environ.get("REDIS_URL")
    if not url:
        return
    import redis

    # The live servers' prefixes extend this run's, so this removes their keys too.
    with contextlib.suppress(redis.RedisError):
        delete_keys(url, f"{os.environ['REDIS_PREFIX']}*")
