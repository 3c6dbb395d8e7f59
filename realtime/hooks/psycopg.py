"""psycopg internals: server-side binding with every statement prepared."""

from __future__ import annotations

from typing import Any

import psycopg

from realtime.hooks import Reliance

RELIES_ON = (
    Reliance(
        "psycopg",
        "psycopg.Cursor",
        "_send_query_prepared",
        why="record a prepared statement's text for Django's query log",
    ),
    Reliance("psycopg", "psycopg.Cursor", "_query", kind="instance", why="the recorded statement"),
    Reliance("psycopg", "psycopg.Connection", "prepare_threshold", why="allow preparing at all"),
)


class PreparingCursor(psycopg.Cursor):
    """Server-side binding, and every statement prepared on first use."""

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        kwargs.setdefault("prepare", True)
        return super().execute(query, params, **kwargs)

    def _send_query_prepared(self, name: bytes, pgq: Any, **kwargs: Any) -> None:
        # psycopg records the statement only when it is sent as text; Django's
        # query log (DEBUG, the test suite's query counts) reads it from there.
        self._query = pgq
        super()._send_query_prepared(name, pgq, **kwargs)
