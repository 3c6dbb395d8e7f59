"""Storing a message as its room's next one.

Every message records the id of the room's message before it (``prev_id``), and
ids must commit in the order they were handed out, so the live fan-out can
deliver along that chain without gaps (realtime.hub). Both need the room's row
lock from before the id is drawn until the commit.

How long that lock is held bounds how many messages a room can take per
second. With separate statements (lock, insert, update, commit) it is held
across four round trips to PostgreSQL and the Python in between, and under
load every one of those waits for the GIL behind the event loop that is busy
delivering. On PostgreSQL the lock, the insert and the room update are
therefore one statement: the lock is held inside the database only, for
microseconds. Other databases (SQLite, the single-process default) serialise
writers anyway and take the plain ORM path.

A flagged message brings its moderation queue item (any unsaved row with a
``message`` foreign key): it is inserted by the same statement, pointing at the
new message, so the two commit together without a transaction held open
across more round trips while the room is locked.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from community.models import Member
from realtime.db import prepared_cursor
from rooms.models import Message, MessageKind, Room

# The room row is locked first (``prev``); the insert draws the new id only
# after that, so ids in a room are drawn and committed in lock order.
_INSERT_NEXT = """
WITH prev AS (
    SELECT last_message_id FROM {room} WHERE id = %(room_id)s FOR UPDATE
), ins AS (
    INSERT INTO {message} (room_id, author_id, body, html, nonce, prev_id, sent_at, held, kind)
    SELECT %(room_id)s, %(author_id)s, %(body)s, %(html)s, %(nonce)s,
           COALESCE(prev.last_message_id, 0), %(sent_at)s, %(held)s, %(kind)s
    FROM prev
    RETURNING id, prev_id
)
{item}UPDATE {room} SET last_message_id = ins.id FROM ins WHERE {room}.id = %(room_id)s
RETURNING ins.id, ins.prev_id, {item_id}
"""

# The companion row, inserted after the message it points at.
_INSERT_ITEM = """, item AS (
    INSERT INTO {table} ({columns}, {link}) SELECT {values}, ins.id FROM ins RETURNING id
)
"""


def _item_sql(item: Model) -> tuple[str, dict[str, Any]]:
    """The ``item`` part of the statement for an unsaved *item*, and its parameters,
    prepared for the database as ``Model.save()`` would (defaults, ``auto_now``)."""
    quote = connection.ops.quote_name
    link = item._meta.get_field("message")
    columns, values, params = [], [], {}
    for index, field in enumerate(item._meta.concrete_fields):
        if field.primary_key or field is link:
            continue
        name = f"item_{index}"
        columns.append(quote(field.column))
        values.append(f"%({name})s")
        params[name] = field.get_db_prep_save(field.pre_save(item, add=True), connection)
    sql = _INSERT_ITEM.format(
        table=quote(item._meta.db_table),
        columns=", ".join(columns),
        link=quote(link.column),
        values=", ".join(values),
    )
    return sql, params


def message_insert(
    *,
    room: Room,
    author: Member,
    body: str,
    html: str,
    nonce: str,
    held: bool,
    item: Model | None = None,
    kind: str = MessageKind.TEXT,
) -> Message:
    """Store one message after the room's last, and *item* pointing at it; raises
    IntegrityError for a nonce this author already used in this room. Outside a
    transaction it is its own."""
    fields = {
        "room": room,
        "author": author,
        "body": body,
        "html": html,
        "nonce": nonce,
        "held": held,
        "kind": kind,
    }
    if connection.vendor != "postgresql":
        return _insert_orm(item=item, **fields)
    sent_at = timezone.now()
    item_sql, params = _item_sql(item) if item is not None else ("", {})
    sql = _INSERT_NEXT.format(
        room=connection.ops.quote_name(Room._meta.db_table),
        message=connection.ops.quote_name(Message._meta.db_table),
        item=item_sql,
        item_id="(SELECT id FROM item)" if item is not None else "NULL",
    )
    params |= {
        "room_id": room.pk,
        "author_id": author.pk,
        "body": body,
        "html": html,
        "nonce": nonce,
        "sent_at": sent_at,
        "held": held,
        "kind": str(kind),
    }
    # Prepared once per connection (realtime.db), except with an item: its
    # NULLs and strings in a SELECT list need the types client-side binding gives.
    with prepared_cursor() if item is None else connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:  # the room was deleted in between
        raise Room.DoesNotExist
    message = Message(id=row[0], prev_id=row[1], sent_at=sent_at, **fields)
    message._state.adding = False
    message._state.db = connection.alias
    if item is not None:
        item.pk = row[2]
        item.message = message
        item._state.adding = False
        item._state.db = connection.alias
    return message


def _insert_orm(*, room: Room, item: Model | None, **fields: Any) -> Message:
    """The same on other databases: *fields* are ``message_insert``'s others."""
    with transaction.atomic():
        locked = Room.objects.select_for_update().only("id", "last_message_id").get(pk=room.pk)
        message = Message.objects.create(room=room, prev_id=locked.last_message_id, **fields)
        Room.objects.filter(pk=room.pk).update(last_message_id=message.pk)
        if item is not None:
            item.message = message
            item.save(force_insert=True)
    return message
