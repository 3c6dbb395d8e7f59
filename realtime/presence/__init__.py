"""Who is here now: presence across processes, with no ghosts after a crash.

``get_store()`` gives this process's store: Redis when ``REDIS_URL`` is set
(several processes share it), else in memory (the embedded single process).
See docs/presence.md.
"""

from __future__ import annotations

import threading
from typing import Any

from core import redis as kredis
from realtime.presence.base import Arrival, Change, ConnectionConflict, PresenceStore

__all__ = [
    "Arrival",
    "Change",
    "ConnectionConflict",
    "PresenceStore",
    "get_store",
    "presence_counts",
    "presence_counts_or_empty",
]

_stores: dict[str, PresenceStore] = {}
_lock = threading.Lock()


def get_store() -> PresenceStore:
    """The process-wide store (one per backend, so a test that turns Redis on gets it)."""
    kind = "redis" if kredis.enabled() else "memory"
    store = _stores.get(kind)
    if store is None:
        with _lock:
            store = _stores.get(kind)
            if store is None:
                if kind == "redis":
                    from realtime.presence.redis_store import RedisPresenceStore

                    store = RedisPresenceStore()
                else:
                    from realtime.presence.memory import MemoryPresenceStore

                    store = MemoryPresenceStore()
                _stores[kind] = store
    return store


def presence_counts() -> dict:
    """{"online", "facilitators_on_duty", "rooms": {slug: members}} right now."""
    return get_store().counts()


def __getattr__(name: str) -> Any:
    if name in ("PRESENCE_TTL_SECONDS", "PRESENCE_HEARTBEAT_SECONDS"):
        from realtime.presence import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def presence_counts_or_empty() -> dict:
    """Like :func:`presence_counts`, but zeros (``"available": False``) when the
    store can't be reached, so pages still render while Redis restarts."""
    try:
        return {**presence_counts(), "available": True}
    except Exception:
        import logging

        logging.getLogger("kindred.presence").warning("presence store unavailable")
        return {"online": 0, "facilitators_on_duty": 0, "rooms": {}, "available": False}
