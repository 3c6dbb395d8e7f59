"""Django internals: wrapping a driver cursor of our own, and the connection pool."""

from __future__ import annotations

from typing import Any

from realtime.hooks import Reliance

_WRAPPER = "django.db.backends.base.base.BaseDatabaseWrapper"

RELIES_ON = (
    Reliance(
        "Django", _WRAPPER, "_prepare_cursor", why="a driver cursor gets Django's error handling"
    ),
    Reliance(
        "Django",
        "django.db.backends.postgresql.base.DatabaseWrapper",
        "pool",
        why="weed out dead pooled connections",
    ),
)


def django_cursor(connection: Any, driver_cursor: Any) -> Any:
    """*driver_cursor* wrapped as Django wraps its own in ``BaseDatabaseWrapper.cursor()``:
    errors translated, queries logged in tests and with DEBUG."""
    return connection._prepare_cursor(driver_cursor)


def connection_pool(connection: Any) -> Any:
    """The connection's psycopg pool, or None when it has none."""
    return getattr(connection, "pool", None)
