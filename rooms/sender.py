"""What a send reads before it writes: the room, and the sender with their mute,
their latest messages there (the message rate limit) and any message they
already sent under the nonce.

This runs for every message, on the path whose speed sets how many messages a
room can take. Built with the ORM it costs about a millisecond of CPU a send
just to assemble and compile the SQL, under the interpreter lock the event loop
needs for delivering. On PostgreSQL it is therefore one hand-written statement
(a room row, the member joined to it, three scalar subqueries), its text built
once per process and prepared once per connection (realtime.db). Other
databases take the ORM path, which asks the same.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from django.db import connection
from django.db.models import BigIntegerField, OuterRef, Subquery, Value
from django.utils import timezone

from community.models import Member
from core.ratelimit import Rate
from realtime.db import models_from_row, prepared_cursor, select_columns
from rooms.models import Message, Room
from rooms.policy import message_policy


def read_sender(
    *, member_id: int, room_slug: str, nonce: str | None, rate: Rate
) -> tuple[Room | None, Member | None]:
    """The room by slug and the active member by id (None for either when there
    is none); the member carries ``muted_until`` (their latest active mute here
    or site-wide, or None), ``sent_id`` (the message already stored under
    *nonce* in this room, or None) and ``rate_full_at``: when they sent the
    oldest of their last ``rate.count`` messages in this room, if all of them
    are within ``rate.seconds`` (None while they are under the limit)."""
    if connection.vendor == "postgresql":
        return _read_pg(member_id=member_id, room_slug=room_slug, nonce=nonce or "", rate=rate)
    return _read_orm(member_id=member_id, room_slug=room_slug, nonce=nonce, rate=rate)


def _window(rate: Rate) -> tuple[datetime, int]:
    """The rate limit's window starts at *since*; skipping the member's *nth*
    newest messages in it reaches the one that fills it. (A rate of 0, no
    limit, is ignored by the caller; the query still needs a valid offset.)"""
    return timezone.now() - timedelta(seconds=rate.seconds), max(rate.count - 1, 0)


@cache
def _statement() -> str:
    qn = connection.ops.quote_name
    # ``msg.nonce <> ''`` repeats the unique index's condition in the statement
    # itself: a prepared statement's generic plan cannot see it in the value of
    # the nonce parameter, and without the index it would read every message
    # the sender ever sent.
    sql = f"""
SELECT {select_columns(Room, "r")}, {select_columns(Member, "m")},
    {message_policy().mute_until_sql()},
    (SELECT msg.id FROM {qn(Message._meta.db_table)} msg
      WHERE %(nonce)s <> '' AND msg.author_id = m.id AND msg.room_id = r.id
        AND msg.nonce = %(nonce)s AND msg.nonce <> ''
      LIMIT 1),
    (SELECT msg.sent_at FROM {qn(Message._meta.db_table)} msg
      WHERE msg.author_id = m.id AND msg.room_id = r.id AND msg.sent_at > %(since)s
      ORDER BY msg.sent_at DESC OFFSET %(nth)s LIMIT 1)
FROM {qn(Room._meta.db_table)} r
LEFT JOIN {qn(Member._meta.db_table)} m ON m.id = %(member_id)s AND m.is_active
WHERE r.slug = %(slug)s
"""
    return sql


def _read_pg(
    *, member_id: int, room_slug: str, nonce: str, rate: Rate
) -> tuple[Room | None, Member | None]:
    sql = _statement()
    since, nth = _window(rate)
    params = {
        "now": timezone.now(),
        "nonce": nonce,
        "member_id": member_id,
        "slug": room_slug,
        "since": since,
        "nth": nth,
    }
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        # No such room: the member is still checked first, as check_member does.
        return None, Member.objects.filter(pk=member_id, is_active=True).first()
    (room, member), rest = models_from_row(row, Room, Member)
    if member is not None:
        member.muted_until, member.sent_id, member.rate_full_at = rest
    return room, member


def _read_orm(
    *, member_id: int, room_slug: str, nonce: str | None, rate: Rate
) -> tuple[Room | None, Member | None]:
    room = Room.objects.filter(slug=room_slug).first()
    members = Member.objects.filter(pk=member_id, is_active=True)
    if room is None:
        return None, members.first()
    sent = Message.objects.filter(author_id=OuterRef("pk"), room_id=room.pk, nonce=nonce)
    since, nth = _window(rate)
    recent = Message.objects.filter(
        author_id=OuterRef("pk"), room_id=room.pk, sent_at__gt=since
    ).order_by("-sent_at")
    members = members.annotate(
        rate_full_at=Subquery(recent.values("sent_at")[nth : nth + 1]),
        muted_until=message_policy().mute_until_column(room_id=room.pk),
        sent_id=Subquery(sent.values("id")[:1])
        if nonce
        else Value(None, output_field=BigIntegerField()),
    )
    return room, members.first()
