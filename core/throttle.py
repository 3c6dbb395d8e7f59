"""Throttles keyed by who is asking: a handle, a device, or a client address.

A client address must never be stored or logged (docs/security.md), yet
guessing passwords or recovery phrases from one address has to be slowed.
So an address is only ever used as a keyed hash (HMAC-SHA256 under a key
derived from ``SECRET_KEY``, so a list of hashes can't be reversed by hashing
every IPv4 address), and only as the name of a rate-limit counter, which lives
in Redis with a TTL of one window, or in this process's memory
(:mod:`core.ratelimit`). Nothing here touches the database or a logger.

Sign-in uses it; so can sign-ups and recovery: each names its *scope*.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest

from core import ratelimit


def _key() -> bytes:
    return hashlib.sha256(f"kindred.throttle:{settings.SECRET_KEY}".encode()).digest()


def address_hash(address: str) -> str:
    """A keyed hash of a client address; the address itself goes nowhere."""
    return hmac.new(_key(), address.encode(), hashlib.sha256).hexdigest()[:32]


def client_address(request: HttpRequest) -> str:
    """The client's address: the peer's, or with ``THROTTLE_PROXY_HOPS`` trusted
    proxies in front, the one the outermost of them saw (``X-Forwarded-For``)."""
    hops = settings.THROTTLE_PROXY_HOPS
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def hit(scope: str, subjects: Iterable[tuple[str, str, str]]) -> float:
    """Record one attempt under *scope* for each ``(kind, value, rate)`` subject
    (kind ``"address"`` values are hashed first); 0 if every one allows it, else
    the longest wait in seconds."""
    waits = [0.0]
    for kind, value, rate in subjects:
        if not value:
            continue
        name = address_hash(value) if kind == "address" else value
        waits.append(ratelimit.hit(f"{scope}:{kind}:{name}", rate))
    return max(waits)


def forget(scope: str, kind: str, value: str) -> None:
    """Forget the attempts of one subject (say, after it proved itself)."""
    name = address_hash(value) if kind == "address" else value
    ratelimit.forget(f"{scope}:{kind}:{name}")
