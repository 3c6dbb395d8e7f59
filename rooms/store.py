"""Storing a message as its room's next one.

Every message records the id of the room's message before it (``prev_id``), and
ids must commit in the order they were handed out, so the live fan-out can
deliver along that chain without gaps (rooms.hub). Both need the room's row
lock from before the id is drawn until the commit.

How long that lock is held bounds how many messages a room can take per
second. With separate statements (lock, insert, update, commit) it is held
across four round trips to PostgreSQL and the Python in between, and under
load every one of those waits for the GIL behind the event loop that is busy
delivering. On PostgreSQL the lock, the insert and the room update are
therefore one statement: the lock is held inside the database only, for
microseconds. Other databases (SQLite, the single-process default) serialise
writers anyway and take the plain ORM path.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from community.models import Member
from rooms.models import Message, Room

# The room row is locked first (``prev``); the insert draws the new id only
# after that, so ids in a room are drawn and committed in lock order.
_INSERT_NEXT = """
WITH prev AS (
    SELECT last_message_id FROM {room} WHERE id = %(room_id)s FOR UPDATE
), ins AS (
    INSERT INTO {message} (room_id, author_id, body, html, nonce, prev_id, sent_at, held)
    SELECT %(room_id)s, %(author_id)s, %(body)s, %(html)s, %(nonce)s,
           COALESCE(prev.last_message_id, 0), %(sent_at)s, %(held)s
    FROM prev
    RETURNING id, prev_id
)
UPDATE {room} SET last_message_id = ins.id FROM ins WHERE {room}.id = %(room_id)s
RETURNING ins.id, ins.prev_id
"""


def message_insert(
    *, room: Room, author: Member, body: str, html: str, nonce: str, held: bool
) -> Message:
    """Store one message after the room's last; raises IntegrityError for a nonce
    this author already used in this room. Call inside a transaction when more
    must commit with it; alone, it is its own transaction."""
    if connection.vendor != "postgresql":
        return _insert_orm(room=room, author=author, body=body, html=html, nonce=nonce, held=held)
    sent_at = timezone.now()
    sql = _INSERT_NEXT.format(
        room=connection.ops.quote_name(Room._meta.db_table),
        message=connection.ops.quote_name(Message._meta.db_table),
    )
    params = {
        "room_id": room.pk,
        "author_id": author.pk,
        "body": body,
        "html": html,
        "nonce": nonce,
        "sent_at": sent_at,
        "held": held,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:  # the room was deleted in between
        raise Room.DoesNotExist
    message = Message(
        id=row[0],
        room=room,
        author=author,
        body=body,
        html=html,
        nonce=nonce,
        prev_id=row[1],
        sent_at=sent_at,
        held=held,
    )
    message._state.adding = False
    message._state.db = connection.alias
    return message


def _insert_orm(
    *, room: Room, author: Member, body: str, html: str, nonce: str, held: bool
) -> Message:
    from django.db import transaction

    with transaction.atomic():
        locked = Room.objects.select_for_update().only("id", "last_message_id").get(pk=room.pk)
        message = Message.objects.create(
            room=room,
            author=author,
            body=body,
            html=html,
            nonce=nonce,
            prev_id=locked.last_message_id,
            held=held,
        )
        Room.objects.filter(pk=room.pk).update(last_message_id=message.pk)
    return message
