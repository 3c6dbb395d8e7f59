"""``/healthz``: really touches what serving a message needs: the database, the
bus that carries messages between processes and the presence store.

(Kindred's sockets don't use Channels' channel layer, so it is not checked: a
layer slowed down by something else must not take a healthy process out of a
load balancer.)"""

from __future__ import annotations

import asyncio
import logging

from channels.db import database_sync_to_async
from django.db import connection
from django.http import HttpRequest, JsonResponse

from core import redis as kredis
from realtime.presence import get_store

logger = logging.getLogger("kindred.health")

CHECK_TIMEOUT_SECONDS = 3


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_bus() -> None:
    """With Redis, the server the bus publishes to answers; without it the bus is
    this process's hub, which is always there."""
    if kredis.enabled():
        kredis.sync_client().ping()


def _check_presence() -> None:
    get_store().counts()


async def healthz(request: HttpRequest) -> JsonResponse:
    result: dict[str, str] = {}
    checks = {
        "database": database_sync_to_async(_check_database),
        "bus": database_sync_to_async(_check_bus, thread_sensitive=False),
        "presence": database_sync_to_async(_check_presence, thread_sensitive=False),
    }
    for name, check in checks.items():
        try:
            await asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS)
            result[name] = "ok"
        except Exception as exc:  # any failure is the answer, not a crash
            logger.warning("health check failed part=%s error=%s", name, type(exc).__name__)
            result[name] = "unavailable"
    status = 200 if all(v == "ok" for v in result.values()) else 503
    return JsonResponse(result, status=status)
