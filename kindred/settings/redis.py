"""Redis: the bus, presence, shared limits and the cache, when REDIS_URL is set."""

from __future__ import annotations

import os

# --- Redis and the channel layer ---------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# Every key and pub/sub channel Kindred writes starts with this, so several
# communities (or test runs) can share one Redis and clean up only their own.
REDIS_PREFIX = os.environ.get("REDIS_PREFIX", "kindred")
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
