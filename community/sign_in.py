"""The staff sign-in's throttle: per handle and per client address."""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from community.handles import handle_key
from core import throttle


def sign_in_attempt(*, handle: str, address: str) -> float:
    """Count one sign-in attempt; seconds to wait when over a limit, else 0."""
    return throttle.hit(
        "sign-in",
        [
            ("handle", handle_key(handle.strip()), settings.SIGN_IN_ATTEMPTS_PER_HANDLE),
            ("address", address, settings.SIGN_IN_ATTEMPTS_PER_ADDRESS),
        ],
    )


def sign_in_throttled(request: HttpRequest, wait: float) -> HttpResponse:
    seconds = max(1, math.ceil(wait))
    response = render(
        request,
        "facilitators/throttled.html",
        {
            "minutes": max(1, math.ceil(seconds / 60)),
            "retry_at": timezone.now() + timedelta(seconds=seconds),
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
