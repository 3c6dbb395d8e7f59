"""Keep Python's cyclic garbage collector away from what a server keeps for life.

A full collection walks every object the process holds. Once Django, the
routes, the models and daphne are loaded that is about 200,000 objects, and a
full pass held the interpreter for 110-160 ms in a server taking 200 messages a
second: every socket, send and ack in the process waited behind it, which was
the worst of the fan-out benchmark's latency (docs/performance.md).

``gc.freeze()`` moves everything alive now into a generation the collector
never scans. Called once the application is loaded and once more when the
first socket starts the hub (the pools and the caches of the first requests
exist by then). What is frozen is never collected: each call collects first,
so no garbage is frozen with it; the cost is that objects alive at the second
call which later become cyclic garbage (the first socket's, say) stay, once
per process.
"""

from __future__ import annotations

import gc

from django.conf import settings

_done: set[str] = set()


def freeze_long_lived(*, once_key: str) -> None:
    """Collect, then exempt every object alive now from future collections;
    at most once per process for each *once_key*."""
    if once_key in _done:
        return
    _done.add(once_key)
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(settings.GC_YOUNG_THRESHOLD, middle, oldest)
