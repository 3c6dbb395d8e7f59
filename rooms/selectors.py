"""Read paths for rooms and messages, returning plain data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from functools import cache

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from community.models import Member
from core.frames import timestamp
from realtime.db import prepared_cursor
from rooms.access import room_open_to
from rooms.data import MessageData, RoomData
from rooms.models import Block, Message, Room, RoomKind
from rooms.reactions import page_reactions
from rooms.seed import ROOM_TWINS


def room_data(room: Room) -> RoomData:
    return RoomData(
        id=room.pk,
        slug=room.slug,
        title=room.title,
        description=room.description,
        kind=room.kind,
        is_locked=room.is_locked,
        slow_mode_seconds=room.slow_mode_seconds,
        last_message_id=room.last_message_id,
        language=room.language,
    )


def message_data(message: Message, *, room_slug: str, author: str) -> MessageData:
    return MessageData(
        id=message.pk,
        room_id=message.room_id,
        room_slug=room_slug,
        author_id=message.author_id,
        author=author,
        html=message.html,
        sent_at=timestamp(message.sent_at),
        nonce=message.nonce or None,
        prev_id=message.prev_id,
        held=message.held,
        kind=message.kind,
    )


def blocked_ids(member_id: int) -> frozenset[int]:
    """Whom the member doesn't see: the handles they block, and every other handle
    made in the same browser as one of them (the device cookie's hash), so a new
    handle is no way round a block. Never the member themselves (a shared phone)."""
    blocks = Block.objects.filter(blocker_id=member_id)
    ids = set(blocks.values_list("blocked_id", flat=True))
    devices = blocks.exclude(blocked__device_hash="").values("blocked__device_hash")
    if ids:
        ids |= set(Member.objects.filter(device_hash__in=devices).values_list("pk", flat=True))
    ids.discard(member_id)
    return frozenset(ids)


def _visible(room: Room, hidden_authors: Iterable[int], viewer_id: int | None = None):
    """Messages a reader sees: not removed, not from someone they block, and not
    held for a facilitator, unless the reader wrote it."""
    qs = Message.objects.filter(room=room, removed_at__isnull=True)
    qs = qs.filter(Q(held=False) | Q(author_id=viewer_id)) if viewer_id else qs.filter(held=False)
    hidden = list(hidden_authors)
    if hidden:
        qs = qs.exclude(author_id__in=hidden)
    return qs


#: What a page of messages reads: MessageData's own fields, no more. Rows, not
#: model instances: building 50 Message and Member instances (every column of
#: both) was a third of a welcome's CPU (docs/performance.md, "CPU per connect").
_PAGE_COLUMNS = (
    "id",
    "room_id",
    "author_id",
    "author__handle",
    "html",
    "sent_at",
    "nonce",
    "prev_id",
    "held",
    "kind",
)


def _as_data(room: Room, rows: Iterable[tuple]) -> list[MessageData]:
    """MessageData from ``_PAGE_COLUMNS`` rows, as ``message_data`` makes it."""
    slug = room.slug
    return [
        MessageData(
            id=pk,
            room_id=room_id,
            room_slug=slug,
            author_id=author_id,
            author=author,
            html=html,
            sent_at=timestamp(sent_at),
            nonce=nonce or None,
            prev_id=prev_id,
            held=held,
            kind=kind,
        )
        for pk, room_id, author_id, author, html, sent_at, nonce, prev_id, held, kind in rows
    ]


def _with_reactions(page: list[MessageData], viewer_id: int | None) -> list[MessageData]:
    """A page a member reads carries each message's reaction counts and the
    reader's own reactions (rooms.reactions); live messages carry none yet."""
    ids = [m.id for m in page]
    if not ids:
        return page
    counts, mine = page_reactions(ids, viewer_id=viewer_id)
    if not counts and not mine:
        return page
    return [
        replace(m, reactions=counts.get(m.id), mine=mine.get(m.id, ()))
        if m.id in counts or m.id in mine
        else m
        for m in page
    ]


def messages_before(
    room: Room,
    *,
    before: int | None,
    limit: int,
    hidden_authors: Iterable[int] = (),
    viewer_id: int | None = None,
) -> list[MessageData]:
    """Up to *limit* visible messages older than *before* (all when None), oldest first."""
    limit = max(1, min(limit, settings.HISTORY_PAGE_MAX))
    read = _before_pg if connection.vendor == "postgresql" else _before_orm
    newest_first = read(room, before, limit, hidden_authors, viewer_id)
    return _with_reactions(_as_data(room, reversed(newest_first)), viewer_id)


def _before_orm(
    room: Room, before: int | None, limit: int, hidden: Iterable[int], viewer_id: int | None
) -> list[tuple]:
    qs = _visible(room, hidden, viewer_id)
    if before is not None:
        qs = qs.filter(id__lt=before)
    return list(qs.order_by("-id").values_list(*_PAGE_COLUMNS)[:limit])


#: ``before`` for "the newest": larger than any id.
_NO_BEFORE = 2**63 - 1


@cache
def _before_statement() -> str:
    """``_visible`` as one hand-written statement, for the page every welcome reads:
    its text built once per process and prepared once per connection (realtime.db),
    as rooms.entry does for the rest of the welcome."""
    qn = connection.ops.quote_name
    messages, members = qn(Message._meta.db_table), qn(Member._meta.db_table)
    return f"""
SELECT m.id, m.room_id, m.author_id, a.handle, m.html, m.sent_at, m.nonce, m.prev_id,
    m.held, m.kind
FROM {messages} m JOIN {members} a ON a.id = m.author_id
WHERE m.room_id = %(room)s AND m.id < %(before)s AND m.removed_at IS NULL
  AND (NOT m.held OR m.author_id = %(viewer)s)
  AND m.author_id <> ALL(%(hidden)s::bigint[])
ORDER BY m.id DESC LIMIT %(limit)s
"""


def _before_pg(
    room: Room, before: int | None, limit: int, hidden: Iterable[int], viewer_id: int | None
) -> list[tuple]:
    params = {
        "room": room.pk,
        "before": _NO_BEFORE if before is None else before,
        # No member has id 0: without a viewer, no held message is anyone's own.
        "viewer": viewer_id or 0,
        "hidden": list(hidden),
        "limit": limit,
    }
    with prepared_cursor() as cursor:
        cursor.execute(_before_statement(), params)
        return cursor.fetchall()


def messages_after(
    room: Room,
    *,
    after: int,
    limit: int | None = None,
    hidden_authors: Iterable[int] = (),
    viewer_id: int | None = None,
) -> list[MessageData]:
    """Visible messages newer than *after*, oldest first (at most *limit*)."""
    qs = _visible(room, hidden_authors, viewer_id).filter(id__gt=after).order_by("id")
    qs = qs.values_list(*_PAGE_COLUMNS)
    if limit is not None:
        qs = qs[:limit]
    return _with_reactions(_as_data(room, qs), viewer_id)


def topic_rooms(*, viewer: Member | None = None) -> list[RoomData]:
    """The topic rooms *viewer* (None: a visitor) may see."""
    return [
        room_data(r)
        for r in Room.objects.filter(kind=RoomKind.TOPIC)
        if room_open_to(viewer, r.slug)
    ]


def catch_up(room_id: int, after: int) -> tuple[int, list[MessageData]]:
    """The room's newest id and every visible message after *after*, read together."""
    # The newest id first: a message committed after it arrives on the bus
    # chained to an id at or above it, so nothing falls between the two reads.
    with transaction.atomic():
        room = Room.objects.get(pk=room_id)
        last = room.last_message_id
        missed = [m for m in messages_after(room, after=after) if m.id <= last]
        return last, missed


def page_after(
    *, room_id: int, after: int, hidden_authors: Iterable[int] = (), viewer_id: int | None = None
) -> tuple[int, list[MessageData], bool]:
    """For ``resume``: the newest id, then up to RESUME_MAX messages after *after*,
    and whether more remain."""
    limit = settings.RESUME_MAX
    with transaction.atomic():
        room = Room.objects.get(pk=room_id)
        last = room.last_message_id
        found = messages_after(
            room, after=after, limit=limit + 1, hidden_authors=hidden_authors, viewer_id=viewer_id
        )
    found = [m for m in found if m.id <= last]
    more = len(found) > limit
    return last, found[:limit], more


def page_before(
    *,
    room_id: int,
    before: int,
    limit: int,
    hidden_authors: Iterable[int] = (),
    viewer_id: int | None = None,
) -> list[MessageData]:
    room = Room.objects.get(pk=room_id)
    return messages_before(
        room, before=before, limit=limit, hidden_authors=hidden_authors, viewer_id=viewer_id
    )


def room_in_language(slug: str, language: str | None) -> str:
    """*slug*'s counterpart in *language* (rooms.seed.ROOM_TWINS) when that room
    exists, else *slug*: a link sends a Spanish speaker to the Spanish room."""
    twin = ROOM_TWINS.get(slug, {}).get(language or "")
    if twin and Room.objects.filter(slug=twin, kind=RoomKind.TOPIC).exists():
        return twin
    return slug
