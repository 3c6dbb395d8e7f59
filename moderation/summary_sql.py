"""The member summary's and the trust level's reads as prepared statements on
PostgreSQL: the summary's row, the recent sanctions of a member who has any,
and the trust level's part of that row on its own (read at every connect and
by the sends of a handle that is not yet trusted).

A facilitator is shown the summary with every new queue item, so under load it
is read as often as a new handle posts a link. Built through the ORM, its six
subqueries cost several milliseconds of compiling per read; these statements
are prepared once per connection (realtime.db.prepared_cursor). They answer
exactly what moderation.sanctions' ORM reads answer (tests/test_summary_twins.py).
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection

from community.models import BannedDevice
from moderation.models import Mute, Sanction, Standing
from realtime.db import prepared_cursor
from rooms.models import Message

#: The columns of the first statement, in order (the ORM row's keys); it also
#: says, last, whether the member was ever sanctioned.
#: The trust level's columns (moderation.trust.standing_columns), the first three.
STANDING_COLUMNS = ("trust_override", "trust_kept", "trust_sanctioned")
COLUMNS = (
    *STANDING_COLUMNS,
    "ladder_count",
    "muted_until",
    "device_banned",
)


@functools.cache
def _statements() -> tuple[str, str, str]:
    qn = connection.ops.quote_name
    standing, message = qn(Standing._meta.db_table), qn(Message._meta.db_table)
    sanction, mute = qn(Sanction._meta.db_table), qn(Mute._meta.db_table)
    banned = qn(BannedDevice._meta.db_table)
    trust = f"""
    (SELECT s.override FROM {standing} s WHERE s.member_id = %(member)s LIMIT 1),
    %(needed)s <= 0 OR EXISTS (
        SELECT 1 FROM {message} m
        WHERE m.author_id = %(member)s AND m.removed_at IS NULL AND NOT m.held
        OFFSET GREATEST(%(needed)s - 1, 0) LIMIT 1),
    EXISTS (SELECT 1 FROM {sanction} x
            WHERE x.member_id = %(member)s AND x.created_at >= %(trust_since)s)"""
    row = f"""
SELECT{trust},
    (SELECT COUNT(*) FROM {sanction} x
     WHERE x.member_id = %(member)s AND x.created_at >= %(ladder_since)s
       AND x.lifted_at IS NULL),
    (SELECT mu.until FROM {mute} mu
     WHERE (mu.member_id = %(member)s OR (%(device)s <> '' AND mu.device_hash = %(device)s))
       AND mu.until > %(now)s
     ORDER BY mu.until DESC LIMIT 1),
    %(device)s <> '' AND EXISTS (SELECT 1 FROM {banned} b WHERE b.token_hash = %(device)s),
    EXISTS (SELECT 1 FROM {sanction} x WHERE x.member_id = %(member)s)
"""
    recent = f"""
SELECT kind, minutes, room_slug, created_at, lifted_at FROM {sanction}
WHERE member_id = %(member)s ORDER BY created_at DESC, id DESC LIMIT %(limit)s
"""
    return row, recent, f"SELECT{trust}"


def _trust_params(member: Any, now: datetime) -> dict[str, Any]:
    return {
        "member": member.pk,
        "needed": settings.TRUST_MIN_MESSAGES,
        "trust_since": now - timedelta(days=settings.TRUST_SANCTION_FREE_DAYS),
    }


def standing_row(member: Any, now: datetime) -> dict[str, Any]:
    """What the trust level is made of (``STANDING_COLUMNS``), as
    moderation.trust.standing_columns reads it through the ORM."""
    with prepared_cursor() as cursor:
        cursor.execute(_statements()[2], _trust_params(member, now))
        return dict(zip(STANDING_COLUMNS, cursor.fetchone(), strict=True))


def summary_rows(member: Any, now: datetime) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    """The summary's row (``COLUMNS``) and the member's recent sanctions as
    (kind, minutes, room_slug, created_at, lifted_at), newest first."""
    row_sql, recent_sql, _ = _statements()
    params = {
        **_trust_params(member, now),
        "ladder_since": now - timedelta(days=settings.SANCTION_LADDER_DAYS),
        "device": member.device_hash or "",
        "now": now,
    }
    with prepared_cursor() as cursor:
        cursor.execute(row_sql, params)
        *values, ever_sanctioned = cursor.fetchone()
        row = dict(zip(COLUMNS, values, strict=True))
        if not ever_sanctioned:  # most members: no second round trip
            return row, []
        cursor.execute(
            recent_sql, {"member": member.pk, "limit": settings.QUEUE_ITEM_SANCTIONS_SHOWN}
        )
        recent = list(cursor.fetchall())
    return row, recent
