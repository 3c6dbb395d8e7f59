"""Trust levels that lift by themselves (Discourse's trust levels are the model).

A new handle starts at level 0, "new": a lower message rate
(``NEW_MEMBER_MESSAGE_RATE_LIMIT``), no one-on-one chat requests and no links.
It reaches level 1, "member", on its own once all of these hold:

- ``TRUST_MIN_HOURS`` hours have passed since it joined;
- at least ``TRUST_MIN_MESSAGES`` of its messages are still up (not removed);
- no warning, mute or ban in the last ``TRUST_SANCTION_FREE_DAYS`` days.

A facilitator can promote a member to level 1 at once or restrict them to
level 0 whatever they do (``Standing``); facilitators, admins and peer
supporters are always trusted. The answer for a trusted member is kept in this
process for ``TRUST_CACHE_SECONDS``, so a busy member's sends don't read it
every time; a facilitator's restriction or a sanction clears it here at once
and in other processes within that time.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from community.models import Member, Role
from moderation.models import Sanction, Standing, TrustOverride
from rooms.models import Message

NEW, MEMBER = 0, 1
LEVEL_NAMES = {NEW: "new", MEMBER: "member"}

#: member id -> monotonic time until which they are known to be trusted.
_trusted_until: dict[int, float] = {}


def reset() -> None:
    """Forget every cached answer (tests)."""
    _trusted_until.clear()


def forget(member_id: int) -> None:
    """Read the member's level afresh next time (after a sanction or an override)."""
    _trusted_until.pop(member_id, None)


def _override(member_id: int) -> str:
    found = Standing.objects.filter(member_id=member_id).values_list("override", flat=True)
    return found.first() or TrustOverride.AUTO


def standing_of(member: Member) -> dict[str, Any]:
    """The member's level, why, and what is still missing for level 1."""
    override = _override(member.pk)
    now = timezone.now()
    hours = (now - member.created_at).total_seconds() / 3600
    kept = (
        Message.objects.filter(author_id=member.pk, removed_at__isnull=True, held=False)
        .values("pk")[: settings.TRUST_MIN_MESSAGES]
        .count()
    )
    since = now - timedelta(days=settings.TRUST_SANCTION_FREE_DAYS)
    sanctioned = Sanction.objects.filter(member_id=member.pk, created_at__gte=since).exists()
    missing = []
    if hours < settings.TRUST_MIN_HOURS:
        missing.append("time")
    if kept < settings.TRUST_MIN_MESSAGES:
        missing.append("messages")
    if sanctioned:
        missing.append("sanctions")
    if member.role != Role.MEMBER or override == TrustOverride.TRUSTED:
        level = MEMBER
    elif override == TrustOverride.RESTRICTED:
        level = NEW
    else:
        level = NEW if missing else MEMBER
    return {"level": level, "name": LEVEL_NAMES[level], "override": override, "missing": missing}


def is_trusted(member: Member) -> bool:
    if member.role != Role.MEMBER:
        return True
    if _trusted_until.get(member.pk, 0) > time.monotonic():
        return True
    trusted = standing_of(member)["level"] >= MEMBER
    if trusted:
        _trusted_until[member.pk] = time.monotonic() + settings.TRUST_CACHE_SECONDS
    return trusted
