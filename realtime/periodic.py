"""What every server process does on each heartbeat, whichever process it is.

Each duty is safe to run in several processes at once (the store or an atomic
update decides who does what), and one failing never stops the others.
"""

from __future__ import annotations

import logging

logger = logging.getLogger("kindred.periodic")


def periodic_duties(sockets: dict[str, tuple[int, str, int]]) -> None:
    from community.privacy import purge_if_due
    from moderation.handoff import escalate_due
    from realtime.db import check_idle_connections
    from rooms.dropin import notify_timeouts
    from rooms.presence_glue import heartbeat_and_sweep

    for duty, args in (
        (heartbeat_and_sweep, (sockets,)),
        (escalate_due, ()),
        (notify_timeouts, ()),
        (purge_if_due, ()),
        (check_idle_connections, ()),
    ):
        try:
            duty(*args)
        except Exception:
            logger.exception("periodic duty %s failed; will retry", duty.__name__)
