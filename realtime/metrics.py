"""Timings a process keeps about itself, read by operators at ``/metrics/``.

One histogram for now: how long each message send took from the moment its
frame reached the socket's consumer to the moment the ack was written to the
socket (or, when it could not go straight there, handed to the server for
writing) — the server's own share of a send, without the network or the
client. Buckets are logarithmic (about 1 % wide) in microseconds, so two
snapshots can be subtracted to get the timings of any window.

Nothing here identifies anyone: counts and durations only.
"""

from __future__ import annotations

import hmac
import math
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse

#: Buckets per natural-log unit of microseconds: 100 gives about 1 % resolution.
_SCALE = 100


class Timings:
    """A log-bucketed histogram of durations (event-loop use only, so no lock)."""

    def __init__(self) -> None:
        self.counts: dict[int, int] = {}
        self.n = 0
        self.sum_us = 0.0
        self.max_us = 0.0

    def record(self, seconds: float) -> None:
        us = seconds * 1e6
        bucket = int(math.log(us) * _SCALE) if us > 1.0 else 0
        self.counts[bucket] = self.counts.get(bucket, 0) + 1
        self.n += 1
        self.sum_us += us
        self.max_us = max(self.max_us, us)

    def snapshot(self) -> dict[str, Any]:
        return {
            "unit": "us",
            "buckets_per_log_unit": _SCALE,
            "counts": {str(k): v for k, v in sorted(self.counts.items())},
            "n": self.n,
            "sum_us": self.sum_us,
            "max_us": self.max_us,
        }


#: Receipt of a ``message`` frame to its ack, in this process.
SEND_ACK = Timings()


def metrics(request: HttpRequest) -> JsonResponse:
    """This process's timings, for whoever holds ``METRICS_TOKEN``; without the
    setting, or without the token, there is no such page."""
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        raise Http404
    return JsonResponse({"send_ack": SEND_ACK.snapshot()})
