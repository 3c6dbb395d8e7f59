"""Redis: the bus, presence, shared limits and the cache, when REDIS_URL (one
server) or REDIS_SENTINELS (a primary watched by Redis Sentinel) is set."""

from __future__ import annotations

import os

from .env import env_int, env_list

# --- Redis and the channel layer ---------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# Every key and pub/sub channel Kindred writes starts with this, so several
# communities (or test runs) can share one Redis and clean up only their own.
REDIS_PREFIX = os.environ.get("REDIS_PREFIX", "kindred")
# Redis Sentinel instead of one server: "host:port,host:port,…" of the sentinels,
# the name they watch the primary under, and the database number. The bus,
# presence and limits follow a promotion; the cache stays in each process.
REDIS_SENTINELS = env_list("REDIS_SENTINELS")
REDIS_SENTINEL_MASTER = os.environ.get("REDIS_SENTINEL_MASTER", "kindred")
REDIS_SENTINEL_DB = env_int("REDIS_SENTINEL_DB", 0)
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": f"{REDIS_PREFIX}:asgi"},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Cache: shared counters (rate limits, throttles) live in Redis when set ----
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{REDIS_PREFIX}:cache",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
