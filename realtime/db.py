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

import functools
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


# --- rows of hand-written statements as model instances ---------------------------


def select_columns(model: Any, alias: str) -> str:
    """The SELECT list of *model*'s concrete fields' columns under table *alias*,
    in the order :func:`models_from_row` reads them."""
    qn = connection.ops.quote_name
    return ", ".join(f"{alias}.{qn(f.column)}" for f in model._meta.concrete_fields)


@functools.cache
def _row_shape(model: Any) -> tuple[list[str], tuple[tuple[int, Any], ...]]:
    """*model*'s concrete attnames, and (position, field) of those whose database
    value the ORM converts (``from_db_value``)."""
    fields = model._meta.concrete_fields
    converting = tuple((i, f) for i, f in enumerate(fields) if hasattr(f, "from_db_value"))
    return [f.attname for f in fields], converting


def models_from_row(row: Any, *models: Any) -> tuple[list[Any], tuple[Any, ...]]:
    """One instance of each of *models* from consecutive runs of *row*'s columns
    (each run as :func:`select_columns` lists them), and the columns left after
    them. A run whose primary key is NULL (an outer join that found nothing)
    gives None. Values are converted as the ORM would: ``Model.from_db`` takes
    them as they are, so a field that converts what the database sends (a
    JSONField arrives as text) would otherwise hold the raw value."""
    found, start = [], 0
    alias = connection.alias  # a lookup through the thread's connection proxy
    for model in models:
        names, converting = _row_shape(model)
        values = list(row[start : start + len(names)])
        start += len(names)
        if values[0] is None:
            found.append(None)
            continue
        for index, field in converting:
            values[index] = field.from_db_value(values[index], None, connection)
        found.append(model.from_db(alias, names, values))
    return found, tuple(row[start:])
