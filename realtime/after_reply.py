"""Work a socket's reply does not wait for.

A send's ack is written from the worker thread that ran the send
(``LiveConsumer.reply_from_thread``), so anything the send's commit hooks do
before the thread gets there delays the ack: telling the facilitators about a
flagged message reads the member's standing, sanctions and mutes, several
round trips that a new handle's link would otherwise add to its own ack and,
through the publish queued behind it, to the room's copy of the message.

A consumer wraps the service call and its reply in :func:`deferred`; work
handed to :func:`after_reply` inside it runs, in order, on the same thread
once the reply is written. Outside such a block (HTTP views, the admin,
management commands, tests calling services) it runs at once, so every caller
sees the same effects, only sooner or later.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Callable, Iterator

logger = logging.getLogger("kindred.realtime")

_pending: contextvars.ContextVar[list[Callable[[], None]] | None] = contextvars.ContextVar(
    "kindred_after_reply", default=None
)


def after_reply(work: Callable[[], None]) -> None:
    """Run *work* once the current reply is written, or now when there is none."""
    pending = _pending.get()
    if pending is None:
        work()
    else:
        pending.append(work)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Collect :func:`after_reply` work while the block runs; run it when it ends,
    whether or not the block raised (what was committed must still be told)."""
    pending: list[Callable[[], None]] = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
        for work in pending:
            try:
                work()
            except Exception:
                logger.exception("work after a reply failed")
