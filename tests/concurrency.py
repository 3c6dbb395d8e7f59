"""Running service calls at the same moment, as two processes would."""

from __future__ import annotations

import threading
from typing import Any

from django.db import connection

from core.errors import KindredError


def race(calls) -> list[Any]:
    """Run *calls* at the same moment in threads on PostgreSQL (each with its own
    connection), one after another elsewhere; each one's result or KindredError."""

    def outcome(call):
        try:
            return call()
        except KindredError as refused:
            return refused

    if connection.vendor != "postgresql":
        return [outcome(call) for call in calls]
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = outcome(call)
        except Exception as exc:  # reported by the assertions below
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert not any(t.is_alive() for t in threads)
    return results
