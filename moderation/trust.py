"""Trust levels that lift by themselves (Discourse's trust levels are the model).

A new handle starts at level 0, "new": a lower message rate
(``NEW_MEMBER_MESSAGE_RATE_LIMIT``), no one-on-one chat requests and no links.
It reaches level 1, "member", on its own once all of these hold:

- ``TRUST_MIN_HOURS`` hours have passed since it joined;
- at least ``TRUST_MIN_MESSAGES`` of its messages are still up (not removed);
- no warning, mute or ban in the last ``TRUST_SANCTION_FREE_DAYS`` days.

A facilitator can promote a member to level 1 at once or restrict them to
level 0 whatever they do (``Standing``); facilitators, admins and peer
supporters are always trusted. The answer is kept in this process for
``TRUST_CACHE_SECONDS``, so a busy member's sends don't read it every time: a
trusted answer always, a "new" answer only while the handle is younger than
``TRUST_MIN_HOURS`` (and never past that moment), because until then nothing
but a facilitator's override can change it; a "new" answer held back only by
its message count or a sanction is read afresh on every send, so it lifts the
moment it can. A facilitator's override or a sanction clears the answer here
at once and in other processes within that time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Subquery, Value
from django.utils import timezone

from community.models import Member, Role
from moderation import summary_sql
from moderation.models import Sanction, Standing, TrustOverride
from rooms.models import Message

NEW, MEMBER = 0, 1
LEVEL_NAMES = {NEW: "new", MEMBER: "member"}

#: member id -> (trusted?, the time until which that answer holds).
_known: dict[int, tuple[bool, datetime]] = {}


def reset() -> None:
    """Forget every cached answer (tests)."""
    _known.clear()


def forget(member_id: int) -> None:
    """Read the member's level afresh next time (after a sanction or an override)."""
    _known.pop(member_id, None)


def standing_columns(now: datetime) -> dict[str, Any]:
    """What the level is made of, as annotations on a ``Member`` query, so a
    caller that reads more about the member (the queue's member summary) reads
    it in the same statement."""
    kept = Message.objects.filter(author_id=OuterRef("pk"), removed_at__isnull=True, held=False)
    # Whether TRUST_MIN_MESSAGES are up: the last one needed exists (an offset, not a count).
    needed = settings.TRUST_MIN_MESSAGES
    since = now - timedelta(days=settings.TRUST_SANCTION_FREE_DAYS)
    return {
        "trust_override": Subquery(
            Standing.objects.filter(member_id=OuterRef("pk")).values("override")[:1]
        ),
        "trust_kept": Exists(kept.order_by().values("pk")[needed - 1 : needed])
        if needed > 0
        else Value(True),
        "trust_sanctioned": Exists(
            Sanction.objects.filter(member_id=OuterRef("pk"), created_at__gte=since)
        ),
    }


def standing_from(member: Member, row: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The level, why, and what is still missing for level 1, from a row read
    with :func:`standing_columns`."""
    override = row["trust_override"] or TrustOverride.AUTO
    hours = (now - member.created_at).total_seconds() / 3600
    missing = []
    if hours < settings.TRUST_MIN_HOURS:
        missing.append("time")
    if not row["trust_kept"]:
        missing.append("messages")
    if row["trust_sanctioned"]:
        missing.append("sanctions")
    if member.role != Role.MEMBER or override == TrustOverride.TRUSTED:
        level = MEMBER
    elif override == TrustOverride.RESTRICTED:
        level = NEW
    else:
        level = NEW if missing else MEMBER
    return {"level": level, "name": LEVEL_NAMES[level], "override": override, "missing": missing}


def standing_row_orm(member: Member, now: datetime) -> dict[str, Any]:
    """What moderation.summary_sql.standing_row reads, through the ORM (SQLite,
    and the twin it is tested against)."""
    columns = standing_columns(now)
    return Member.objects.filter(pk=member.pk).annotate(**columns).values(*columns).get()


def standing_of(member: Member) -> dict[str, Any]:
    """The member's level, why, and what is still missing for level 1 (one
    statement; on PostgreSQL a prepared one: every connect asks)."""
    now = timezone.now()
    read = summary_sql.standing_row if connection.vendor == "postgresql" else standing_row_orm
    return standing_from(member, read(member, now), now)


def is_trusted(member: Member) -> bool:
    if member.role != Role.MEMBER:
        return True
    now = timezone.now()
    known = _known.get(member.pk)
    if known is not None and known[1] > now:
        return known[0]
    standing = standing_of(member)
    trusted = standing["level"] >= MEMBER
    until = now + timedelta(seconds=settings.TRUST_CACHE_SECONDS)
    if trusted:
        _known[member.pk] = (True, until)
    elif "time" in standing["missing"] and standing["override"] == TrustOverride.AUTO:
        old_enough = member.created_at + timedelta(hours=settings.TRUST_MIN_HOURS)
        _known[member.pk] = (False, min(until, old_enough))
    else:
        _known.pop(member.pk, None)
    return trusted
