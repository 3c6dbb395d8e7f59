"""What every server process does on each heartbeat, whichever process it is.

realtime knows nothing of the apps: each app registers its own duties when it
is ready (``register_duty`` in its ``AppConfig.ready``). Each duty is safe to
run in several processes at once (the store or an atomic update decides who
does what), and one failing never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

logger = logging.getLogger("kindred.periodic")

#: The sockets of this process in presence: conn_id -> (member_id, presence key, room id).
Sockets = dict[str, tuple[int, str, int]]

_duties: list[Callable[..., Any]] = []
_socket_duties: list[Callable[[Sockets], Any]] = []
_sweeps: list[Callable[[], Any]] = []


def register_duty(duty: Callable[[], Any]) -> None:
    """Run *duty* (no arguments) on every heartbeat; registering twice is harmless."""
    if duty not in _duties:
        _duties.append(duty)


def register_socket_duty(duty: Callable[[Sockets], Any]) -> None:
    """Run *duty* with this process's sockets on every heartbeat (presence refresh)."""
    if duty not in _socket_duties:
        _socket_duties.append(duty)


def register_sweep(duty: Callable[[], Any]) -> None:
    """Run *duty* every ``PRESENCE_SWEEP_SECONDS``, more often than the heartbeat:
    announcing that a dead process's members left must not wait for one."""
    if duty not in _sweeps:
        _sweeps.append(duty)


def sweep_duties() -> None:
    for duty in _sweeps:
        try:
            duty()
        except Exception:
            logger.exception("sweep %s failed; will retry", duty.__name__)


def periodic_duties(sockets: Sockets) -> None:
    calls = [(duty, (sockets,)) for duty in _socket_duties] + [(duty, ()) for duty in _duties]
    for duty, args in calls:
        try:
            duty(*args)
        except Exception:
            logger.exception("periodic duty %s failed; will retry", duty.__name__)
