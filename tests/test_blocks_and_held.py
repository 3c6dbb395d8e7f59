"""What a facilitator releases or pins never reaches members who block its
author; a held crisis message can't be probed by id."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from moderation.room_controls import message_pin
from moderation.services import message_release
from rooms import services
from tests.conftest import receive_until
from tests.test_crisis_handoff import CRISIS
from tests.test_room_sockets import joined

pytestmark = [pytest.mark.django_db(transaction=True)]


async def nothing_of(ws, message_id: int, *, until_body: str) -> None:
    """Frames up to the message *until_body* (the hub keeps a room's frames in
    order on each socket): none shows message *message_id*."""
    while True:
        frame = await ws.receive_json_from(timeout=5)
        assert frame.get("id") != message_id, frame
        assert (frame.get("message") or {}).get("id") != message_id, frame
        if frame["type"] == "message" and frame["body"] == until_body:
            return


async def test_released_and_pinned_messages_skip_those_who_block_the_author(
    member, make_member, facilitator, rooms, hub
):
    room = rooms["late-night"]
    room.hold_crisis_messages = True
    await database_sync_to_async(room.save)()
    author = await database_sync_to_async(make_member)("LoudFinch")
    friend = await database_sync_to_async(make_member)("KindLark")
    await database_sync_to_async(services.member_block)(member_id=member.pk, handle="LoudFinch")
    blocker, _ = await joined(member, "late-night")
    other, _ = await joined(friend, "late-night")
    held = await database_sync_to_async(services.message_send)(
        member_id=author.pk, room_slug="late-night", body=CRISIS
    )
    assert held.held
    await database_sync_to_async(message_release)(
        actor_id=facilitator.pk, message_id=held.message.id
    )
    assert (await receive_until(other, "message"))["id"] == held.message.id
    await database_sync_to_async(message_pin)(
        actor_id=facilitator.pk, message_id=held.message.id, room_slug="late-night"
    )
    assert (await receive_until(other, "pinned"))["message"]["id"] == held.message.id
    await database_sync_to_async(services.message_send)(
        member_id=friend.pk, room_slug="late-night", body="after both"
    )
    await nothing_of(blocker, held.message.id, until_body="after both")
    welcome = await database_sync_to_async(services.room_welcome)(
        member_id=member.pk, room_slug="late-night"
    )
    assert welcome.pinned is None
    for ws in (blocker, other):
        await ws.disconnect()


def test_a_held_message_answers_a_report_like_a_missing_one(member, make_member, rooms):
    room = rooms["late-night"]
    room.hold_crisis_messages = True
    room.save()
    author = make_member("LoudFinch")
    held = services.message_send(member_id=author.pk, room_slug="late-night", body=CRISIS)
    assert held.held
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")

    def report(message_id):
        return client.post(
            "/api/reports/",
            data=json.dumps({"message": message_id, "reason": "spam"}),
            content_type="application/json",
        )

    probe, missing = report(held.message.id), report(held.message.id + 1000)
    assert probe.status_code == missing.status_code == 404
    assert probe.json() == missing.json()
