"""The send's two implementations agree: the hand-written PostgreSQL statements
(rooms/sender.py ``_read_pg``, rooms/store.py's single-statement insert) and the
ORM path other databases take (``_read_orm``, ``_insert_orm``).

Both run here on the same PostgreSQL database with the same inputs, and must
read the same values (room, member, mute, nonce, rate limit) and store the same
rows (message, room pointer, queue item).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from core.ratelimit import Rate
from moderation.models import ItemKind, Mute, QueueItem
from rooms import sender, store
from rooms.models import Message, Room

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RATE = Rate(count=3, seconds=60)


def both_reads(*, member_id: int, room_slug: str, nonce: str | None, rate: Rate = RATE):
    """What each path reads, as plain values (the room's and member's fields and
    the three values the send decides on)."""
    assert connection.vendor == "postgresql"
    results = []
    for read in (sender._read_pg, sender._read_orm):
        kwargs = {"nonce": nonce or ""} if read is sender._read_pg else {"nonce": nonce}
        room, member = read(member_id=member_id, room_slug=room_slug, rate=rate, **kwargs)
        results.append(
            {
                "room": model_to_dict(room) if room else None,
                "member": model_to_dict(member, exclude=["groups", "user_permissions"])
                if member
                else None,
                "decides": None
                if room is None or member is None
                else (member.muted_until, member.sent_id, member.rate_full_at),
            }
        )
    return results


def post(room: Room, author, *, nonce: str = "", minutes_ago: float = 0) -> Message:
    message = store._insert_orm(
        room=room, author=author, body="hi", html="<p>hi</p>", nonce=nonce, held=False, item=None
    )
    if minutes_ago:
        sent_at = timezone.now() - timedelta(minutes=minutes_ago)
        Message.objects.filter(pk=message.pk).update(sent_at=sent_at)
    return message


def assert_agree(**kwargs) -> tuple:
    pg, orm = both_reads(**kwargs)
    assert pg == orm
    return pg["decides"]


def test_the_reads_agree_on_rooms_and_members_that_are_missing(room, member, make_member):
    gone = make_member("GoneAway", is_active=False)
    assert_agree(member_id=member.pk, room_slug="no-such-room", nonce=None)
    assert_agree(member_id=gone.pk, room_slug=room.slug, nonce=None)
    assert_agree(member_id=10**9, room_slug=room.slug, nonce="n1")
    assert both_reads(member_id=gone.pk, room_slug=room.slug, nonce=None)[0]["member"] is None


def test_the_reads_agree_on_the_rate_limit(room, member, rooms):
    elsewhere = next(r for r in rooms.values() if r.pk != room.pk)
    assert assert_agree(member_id=member.pk, room_slug=room.slug, nonce=None) == (None, None, None)
    post(room, member, minutes_ago=5)  # outside the 60 s window
    post(elsewhere, member)  # another room's limit
    post(room, member)
    post(room, member)
    assert assert_agree(member_id=member.pk, room_slug=room.slug, nonce=None)[2] is None
    post(room, member)  # the third within the window fills it
    assert assert_agree(member_id=member.pk, room_slug=room.slug, nonce=None)[2] is not None
    assert_agree(member_id=member.pk, room_slug=room.slug, nonce=None, rate=Rate(0, 60))


def test_the_reads_agree_on_the_nonce(room, member, make_member):
    other = make_member("OtherWriter")
    sent = post(room, member, nonce="abc")
    post(room, other, nonce="xyz")
    assert assert_agree(member_id=member.pk, room_slug=room.slug, nonce="abc")[1] == sent.pk
    assert assert_agree(member_id=member.pk, room_slug=room.slug, nonce="xyz")[1] is None
    assert assert_agree(member_id=member.pk, room_slug=room.slug, nonce="")[1] is None
    assert assert_agree(member_id=member.pk, room_slug=room.slug, nonce=None)[1] is None


def test_the_reads_agree_on_mutes(room, member, rooms):
    now = timezone.now()
    elsewhere = next(r for r in rooms.values() if r.pk != room.pk)
    Mute.objects.create(member=member, room=elsewhere, until=now + timedelta(hours=5))
    Mute.objects.create(member=member, room=room, until=now - timedelta(minutes=1))
    assert assert_agree(member_id=member.pk, room_slug=room.slug, nonce=None)[0] is None
    here = Mute.objects.create(member=member, room=room, until=now + timedelta(minutes=10))
    assert assert_agree(member_id=member.pk, room_slug=room.slug, nonce=None)[0] == here.until
    everywhere = Mute.objects.create(member=member, room=None, until=now + timedelta(hours=1))
    assert assert_agree(member_id=member.pk, room_slug=room.slug, nonce=None)[0] == everywhere.until


def stored(message: Message) -> dict:
    """The stored row as the database has it, less what differs by design (ids, the
    room, times; the chain of ``prev_id`` is checked on its own)."""
    row = model_to_dict(
        Message.objects.get(pk=message.pk), exclude=["id", "room", "sent_at", "prev_id"]
    )
    item = QueueItem.objects.filter(message_id=message.pk).first()
    row["item"] = (
        model_to_dict(item, exclude=["id", "message", "room", "created_at", "updated_at"])
        if item
        else None
    )
    return row


def queue_item(room: Room, member) -> QueueItem:
    return QueueItem(
        kind=ItemKind.CRISIS,
        category="x",
        priority=1,
        weight=1.0,
        room=room,
        subject=member,
        excerpt="hi",
    )


@pytest.mark.parametrize("with_item", [False, True])
def test_the_stores_write_the_same_rows(rooms, member, with_item):
    first, second = list(rooms.values())[:2]
    results = []
    for insert, room in ((store.message_insert, first), (store._insert_orm, second)):
        kwargs = dict(author=member, body="b", html="<p>b</p>", held=with_item)
        messages = [
            insert(
                room=room,
                nonce=nonce,
                item=queue_item(room, member) if with_item else None,
                **kwargs,
            )
            for nonce in ("one", "", "two")
        ]
        room.refresh_from_db()
        assert room.last_message_id == messages[-1].pk
        assert [m.prev_id for m in messages] == [0, messages[0].pk, messages[1].pk]
        results.append([stored(m) for m in messages])
        with pytest.raises(IntegrityError), transaction.atomic():
            insert(room=room, nonce="one", item=None, **kwargs)
    assert results[0] == results[1]
