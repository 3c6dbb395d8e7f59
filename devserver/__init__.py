"""Starting Kindred for tests and for the benchmark: one way, shared by both.

``tests/live.py`` (the live, fault and browser tests) and ``bench/`` start real
daphne processes, make PostgreSQL databases for them and remove their Redis
keys afterwards. They do it through this package, so that both run the server
exactly as production does (the command line comes from realtime.serving) and
clean up the same way: only what they created, never a whole database or Redis.

It is a development helper for a checkout of the repository (the processes run
with the checkout as their working directory); nothing in the application
imports it.
"""

from devserver.databases import (
    create_database,
    database_url,
    drop_database,
    manage,
    pg_execute,
)
from devserver.process import ROOT, Daphne, free_port
from devserver.redis_keys import delete_keys
from devserver.waiting import wait_for, wait_until

__all__ = [
    "ROOT",
    "Daphne",
    "create_database",
    "database_url",
    "delete_keys",
    "drop_database",
    "free_port",
    "manage",
    "pg_execute",
    "wait_for",
    "wait_until",
]
