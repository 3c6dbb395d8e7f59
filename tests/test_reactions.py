"""Support reactions on room messages: counts live to the room, names to the
author only (or nobody), and the same checks as a message: blocks either way,
mutes, removed or held messages, and a rate limit."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from core.errors import KindredError, NotFound, RateLimited
from moderation.services import member_mute
from rooms import reactions, services
from rooms.models import Message, ReactionNames
from tests.conftest import receive_each
from tests.test_room_sockets import joined

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def said(member, rooms):
    return services.message_send(
        member_id=member.pk, room_slug="newcomers", body="day three"
    ).message


def test_counts_and_who_reacted_is_shown_to_the_author_only(member, make_member, said):
    a, b = make_member("WarmHeron"), make_member("BraveWren")
    reactions.reaction_set(member_id=a.pk, message_id=said.id, reaction="me_too")
    answer = reactions.reaction_set(member_id=b.pk, message_id=said.id, reaction="me_too")
    reactions.reaction_set(member_id=b.pk, message_id=said.id, reaction="strength")
    assert answer["counts"] == {"me_too": 2}
    again = reactions.reaction_set(member_id=b.pk, message_id=said.id, reaction="me_too")
    assert again["counts"] == {"me_too": 2, "strength": 1}  # once per member and reaction
    names = reactions.reaction_names(member_id=member.pk, message_id=said.id)
    assert names["who"] == {"me_too": ["WarmHeron", "BraveWren"], "strength": ["BraveWren"]}
    with pytest.raises(NotFound):
        reactions.reaction_names(member_id=a.pk, message_id=said.id)
    off = reactions.reaction_set(member_id=b.pk, message_id=said.id, reaction="me_too", on=False)
    assert off["counts"] == {"me_too": 1, "strength": 1}


def test_a_room_can_show_names_to_nobody(member, make_member, said, rooms):
    room = rooms["newcomers"]
    room.reaction_names = ReactionNames.NOBODY
    room.save()
    reactions.reaction_set(member_id=make_member().pk, message_id=said.id, reaction="thanks")
    with pytest.raises(NotFound):
        reactions.reaction_names(member_id=member.pk, message_id=said.id)


def test_blocks_either_way_mutes_removed_and_held_messages_refuse(
    member, make_member, facilitator, said
):
    blocked_by_author = make_member("SharpJay")
    services.member_block(member_id=member.pk, handle="SharpJay")
    with pytest.raises(NotFound):
        reactions.reaction_set(
            member_id=blocked_by_author.pk, message_id=said.id, reaction="me_too"
        )
    blocker = make_member("ShyMole")
    services.member_block(member_id=blocker.pk, handle=member.handle)
    with pytest.raises(NotFound):
        reactions.reaction_set(member_id=blocker.pk, message_id=said.id, reaction="me_too")
    muted = make_member("LoudCrow")
    member_mute(actor_id=facilitator.pk, handle="LoudCrow", minutes=10)
    with pytest.raises(KindredError) as refused:
        reactions.reaction_set(member_id=muted.pk, message_id=said.id, reaction="me_too")
    assert refused.value.code == "muted"
    Message.objects.filter(pk=said.id).update(removed_at=timezone.now())
    with pytest.raises(NotFound):
        reactions.reaction_set(member_id=make_member().pk, message_id=said.id, reaction="me_too")


def test_reactions_are_rate_limited(make_member, said, settings):
    settings.REACTION_RATE_LIMIT = "3/1m"
    fan = make_member("EagerPup")
    for reaction in ("me_too", "strength", "celebrate"):
        reactions.reaction_set(member_id=fan.pk, message_id=said.id, reaction=reaction)
    with pytest.raises(RateLimited):
        reactions.reaction_set(member_id=fan.pk, message_id=said.id, reaction="thanks")


def test_history_carries_counts_and_the_readers_own(member, make_member, said, member_client):
    fan = make_member("GladOwl")
    reactions.reaction_set(member_id=fan.pk, message_id=said.id, reaction="celebrate")
    reactions.reaction_set(member_id=member.pk, message_id=said.id, reaction="me_too")
    page = member_client.get("/api/rooms/newcomers/messages/").json()
    shown = page["messages"][-1] if isinstance(page, dict) else page[-1]
    assert shown["reactions"] == {"celebrate": 1, "me_too": 1}
    assert shown["my_reactions"] == ["me_too"]


async def test_a_reaction_goes_live_to_the_room_but_not_to_whoever_blocks_the_author(
    member, make_member, rooms, hub
):
    author = await database_sync_to_async(make_member)("OpenFern")
    reader = await database_sync_to_async(make_member)("KindBee")
    await database_sync_to_async(services.member_block)(member_id=member.pk, handle="OpenFern")
    reader_ws, _ = await joined(reader, "newcomers")
    blocker_ws, _ = await joined(member, "newcomers")
    sent = await database_sync_to_async(services.message_send)(
        member_id=author.pk, room_slug="newcomers", body="thirty days today"
    )
    await reader_ws.send_json_to(
        {"type": "react", "message": sent.message.id, "reaction": "celebrate", "ref": "r1"}
    )
    got = await receive_each(reader_ws, "reacted", "reactions")
    reacted, live = got["reacted"], got["reactions"]
    assert reacted["ref"] == "r1" and reacted["counts"] == {"celebrate": 1}
    assert live == {"type": "reactions", "message": sent.message.id, "counts": {"celebrate": 1}}
    # The blocker sees neither the message nor its reactions; their next frame is the
    # message of someone they don't block.
    await database_sync_to_async(services.message_send)(
        member_id=reader.pk, room_slug="newcomers", body="welcome"
    )
    while True:
        frame = await blocker_ws.receive_json_from(timeout=5)
        assert frame["type"] != "reactions", frame
        if frame["type"] == "message":
            assert frame["body"] == "welcome"
            break
    for ws in (reader_ws, blocker_ws):
        await ws.disconnect()


def test_the_http_api(member, make_member, said):
    from django.test import Client

    fan = make_member("TidyRook")
    client = Client()
    client.force_login(fan, backend="django.contrib.auth.backends.ModelBackend")
    answer = client.post(
        f"/api/messages/{said.id}/reactions/",
        data=json.dumps({"reaction": "me_too"}),
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["counts"] == {"me_too": 1}
    bad = client.post(
        f"/api/messages/{said.id}/reactions/",
        data=json.dumps({"reaction": "angry"}),
        content_type="application/json",
    )
    assert bad.status_code == 400
