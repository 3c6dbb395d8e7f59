"""Issue 23 over real sockets: a new handle's first post in a sensitive room
reaches its author's socket marked held, no one else's, until a facilitator
releases it; then everyone in the room gets it, the author's copy unmarked."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from moderation.services import message_release
from rooms import services
from tests.conftest import receive_until
from tests.test_blocks_and_held import nothing_of
from tests.test_first_posts import act, first_posts  # noqa: F401  (fixture)
from tests.test_room_sockets import joined

pytestmark = [pytest.mark.django_db(transaction=True)]


async def test_others_get_a_held_first_post_only_once_a_facilitator_releases_it(
    make_member,
    facilitator,
    rooms,
    hub,
    first_posts,  # noqa: F811
):
    newcomer = await database_sync_to_async(make_member)("FirstTimeWren")
    regular = await database_sync_to_async(make_member)("NightReader")
    # Someone who has been around: a facilitator promoted them to level 1.
    await database_sync_to_async(act)(
        facilitator, "trust", handle="NightReader", override="trusted"
    )
    author, _ = await joined(newcomer, "mental-health")
    other, _ = await joined(regular, "mental-health")

    await author.send_json_to(
        {"type": "message", "body": "first time here, a hard week", "nonce": "w1"}
    )
    ack = await receive_until(author, "ack")
    mine = await receive_until(author, "message")
    assert mine["id"] == ack["id"] and mine["held"] is True

    # Someone else's message goes on as usual; the held one never came before it.
    await database_sync_to_async(services.message_send)(
        member_id=regular.pk, room_slug="mental-health", body="anyone around tonight?"
    )
    await nothing_of(other, ack["id"], until_body="anyone around tonight?")

    await database_sync_to_async(message_release)(actor_id=facilitator.pk, message_id=ack["id"])
    released = await receive_until(other, "message")
    assert released["id"] == ack["id"] and "held" not in released
    assert released["body"] == "first time here, a hard week"
    # The author's copy comes again, no longer marked.
    frames = []
    while not frames or frames[-1].get("id") != ack["id"]:
        frames.append(await receive_until(author, "message"))
    assert "held" not in frames[-1]
    for ws in (author, other):
        await ws.disconnect()
