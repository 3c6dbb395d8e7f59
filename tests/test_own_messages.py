"""A member deletes their own message: its words go at once, a stub keeps the room's
ids gap-free, every socket in the room drops it; nobody deletes anyone else's."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from core.errors import NotFound
from rooms import own_messages, services
from rooms.models import Message
from tests.conftest import communicator, receive_until

sync_db = pytest.mark.django_db
live_db = pytest.mark.django_db(transaction=True)


def send(member, room, body: str) -> int:
    return services.message_send(member_id=member.pk, room_slug=room.slug, body=body).message.id


@sync_db
def test_my_message_goes_and_leaves_a_stub_in_the_chain(member, make_member, room):
    other = make_member()
    first = send(member, room, "my private words")
    after = send(other, room, "a reply")
    assert own_messages.message_delete(member_id=member.pk, message_id=first) == {"deleted": first}
    stub = Message.objects.get(pk=first)
    assert stub.body == stub.html == "" and stub.removed_at is not None
    assert Message.objects.get(pk=after).prev_id == first  # the chain has no gap
    welcome = services.room_welcome(member_id=other.pk, room_slug=room.slug)
    assert [m.id for m in welcome.history] == [after]


@sync_db
def test_nobody_deletes_someone_elses_message_or_one_twice(member, make_member, room):
    other = make_member()
    theirs = send(other, room, "theirs")
    mine = send(member, room, "mine")
    own_messages.message_delete(member_id=member.pk, message_id=mine)
    for message_id in (theirs, mine, 10**9):
        with pytest.raises(NotFound):
            own_messages.message_delete(member_id=member.pk, message_id=message_id)
    assert Message.objects.get(pk=theirs).body == "theirs"


@sync_db
def test_the_http_endpoint(member, room, member_client):
    mine = send(member, room, "mine")
    token = member_client.get("/api/session/").cookies["csrftoken"].value
    answer = member_client.post(
        f"/api/messages/{mine}/delete/", "{}", "application/json", HTTP_X_CSRFTOKEN=token
    )
    assert answer.json() == {"deleted": mine}
    assert Client().post(f"/api/messages/{mine}/delete/").status_code == 401
    assert (
        json.loads(
            member_client.post(
                f"/api/messages/{mine}/delete/", "{}", "application/json", HTTP_X_CSRFTOKEN=token
            ).content
        )["error"]
        == "not_found"
    )


@live_db
async def test_the_room_drops_it_live(rooms, hub, make_member):
    me, reader = (
        await database_sync_to_async(make_member)(),
        await database_sync_to_async(make_member)(),
    )
    ws = await communicator("/ws/rooms/newcomers/", reader)
    assert (await ws.connect())[0]
    await receive_until(ws, "welcome")
    mine = await database_sync_to_async(send)(me, rooms["newcomers"], "soon gone")
    await receive_until(ws, "message")
    await database_sync_to_async(own_messages.message_delete)(member_id=me.pk, message_id=mine)
    assert await receive_until(ws, "removed") == {"type": "removed", "id": mine, "deleted": True}
    await ws.disconnect()
