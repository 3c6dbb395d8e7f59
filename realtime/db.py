"""PostgreSQL connection helpers for the paths every message takes.

Django sends each statement as text with its parameters inlined (client-side
binding), so PostgreSQL parses and plans it every time. For the two statements
every send runs (rooms/sender.py, rooms/store.py) that planning was about half
of PostgreSQL's time for them: 0.40 -> 0.15 ms for the read and 0.74 -> 0.41 ms
for the store, measured with pgbench in simple and prepared mode. They are
therefore run through :func:`prepared_cursor`, which binds parameters on the
server and prepares each statement once per connection (connections are pooled,
so once per process, mostly).
"""

from __future__ import annotations

import sys
from typing import Any

from django.db import connection

from realtime.hooks.django import connection_pool, django_cursor
from realtime.hooks.psycopg import PreparingCursor


def prepared_cursor() -> Any:
    """A Django cursor (errors translated, queries logged in tests and with DEBUG)
    whose statements PostgreSQL prepares once per connection.

    Only for statements whose parameters all have a type PostgreSQL can infer
    from where they are used: with server-side binding a ``None`` or a string in
    a ``SELECT`` list is typed ``text``."""
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns preparing off for the whole connection (None). Its own
        # cursors bind on the client and never prepare anyway, so this lets only
        # these statements be prepared; none is prepared just for being frequent.
        raw.prepare_threshold = sys.maxsize
    return django_cursor(connection, PreparingCursor(raw))


def check_idle_connections() -> None:
    """Weed out pooled PostgreSQL connections that died (a database restart):
    borrowing does not check them (see DB_POOL_HEALTH_CHECKS), so this keeps
    the window in which a call can meet a dead one to one heartbeat."""
    pool = connection_pool(connection)
    if pool is not None and not pool.closed:
        pool.check()


def _converting(model: Any, fields: tuple[str, ...]) -> tuple[tuple[int, Any], ...]:
    """(position, field) of each of *fields* whose database value the ORM converts."""
    found = []
    for index, name in enumerate(fields):
        field = model._meta.get_field(name)  # an attname works too
        if hasattr(field, "from_db_value"):
            found.append((index, field))
    return tuple(found)


def model_from_row(model: Any, fields: list[str], values: Any) -> Any:
    """An instance of *model* from a hand-written statement's columns (*fields*
    are the attnames of its concrete fields, in order), converted as the ORM
    would: ``Model.from_db`` takes values as they are, so a field that converts
    what the database sends (a JSONField arrives as text) would otherwise hold
    the raw value."""
    key = (model, tuple(fields))
    converting = _CONVERTING.get(key)
    if converting is None:
        converting = _CONVERTING[key] = _converting(model, key[1])
    values = list(values)
    for index, field in converting:
        values[index] = field.from_db_value(values[index], None, connection)
    return model.from_db(connection.alias, fields, values)


#: (model, attnames) -> the fields to convert; the same few statements every time.
_CONVERTING: dict[tuple[Any, tuple[str, ...]], tuple[tuple[int, Any], ...]] = {}
