"""Removing a run's own Redis keys: SCAN + DEL by pattern, never FLUSHDB."""

from __future__ import annotations


def delete_keys(redis_url: str, pattern: str, *, batch: int = 500) -> int:
    """Delete every key matching the glob *pattern*; returns how many."""
    import redis

    client = redis.Redis.from_url(redis_url)
    deleted = 0
    try:
        keys: list[bytes] = []
        for key in client.scan_iter(match=pattern, count=1000):
            keys.append(key)
            if len(keys) >= batch:
                deleted += client.delete(*keys)
                keys.clear()
        if keys:
            deleted += client.delete(*keys)
    finally:
        client.close()
    return deleted
