"""The inbox: what is addressed to one member waits for them when they are away.

A chat request, a facilitator's reach-out and a report's outcome reach a member
with no socket open; the count is in the welcome and the API; reading clears
it on every open socket; a chat message leaves one notice without its words;
items go with retention and with the member.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from django.utils import timezone

from community import inbox
from community.models import InboxItem
from community.privacy import delete_confirmation, member_delete, purge
from moderation import services as moderation
from moderation.models import QueueItem
from rooms import chats, presence_glue, services
from rooms.models import Chat
from tests.conftest import communicator, receive_until

sync_db = pytest.mark.django_db
live_db = pytest.mark.django_db(transaction=True)


def client_for(member) -> Client:
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    return client


def texts(member) -> list[str]:
    return [item["text"] for item in inbox.inbox_list(member_id=member.pk)["items"]]


def open_chat(asker, target) -> Chat:
    chat_id = chats.chat_request(member_id=asker.pk, to=target.handle)["chat"]
    chats.chat_accept(member_id=target.pk, chat_id=chat_id)
    return Chat.objects.select_related("room").get(pk=chat_id)


def reported_and_dismissed(room, reporter, author, facilitator) -> int:
    body = f"hm {reporter.pk}"
    message = services.message_send(member_id=author.pk, room_slug=room.slug, body=body)
    moderation.report_create(member_id=reporter.pk, message_id=message.message.id, reason="spam")
    item_id = QueueItem.objects.latest("id").pk
    moderation.item_dismiss(actor_id=facilitator.pk, item_id=item_id)
    return item_id


@sync_db
def test_a_member_away_finds_a_request_a_reach_out_and_a_report_outcome(
    room, make_member, facilitator
):
    away, asker, author = make_member("AwayHeron"), make_member("AskingOwl"), make_member()
    chats.chat_request(member_id=asker.pk, to=away.handle)
    reported_and_dismissed(room, away, author, facilitator)
    about_away = reported_and_dismissed(room, author, away, facilitator)
    moderation.reach_out(actor_id=facilitator.pk, item_id=about_away)

    answer = client_for(away).get("/api/inbox/").json()
    assert answer["unread"] == 3
    kinds_and_texts = [(i["kind"], i["text"]) for i in answer["items"]]
    assert kinds_and_texts[0][0] == "chat" and "would like to check in" in kinds_and_texts[0][1]
    assert kinds_and_texts[1][0] == "notice" and "reviewed your report" in kinds_and_texts[1][1]
    assert kinds_and_texts[2] == ("chat", "AskingOwl would like a one-on-one chat with you.")
    assert answer["items"][0]["url"].startswith("/chats/")
    assert not any(i["read"] for i in answer["items"])


@sync_db
def test_reading_some_then_all_clears_the_count_and_ignores_other_members_items(make_member):
    me, other = make_member(), make_member()
    mine = [inbox.inbox_add(member_id=me.pk, kind="notice", text=f"n{i}") for i in range(3)]
    theirs = inbox.inbox_add(member_id=other.pk, kind="notice", text="theirs")
    client = client_for(me)
    read = client.post(
        "/api/inbox/read/", json.dumps({"ids": [mine[0], theirs]}), "application/json"
    )
    assert read.json() == {"read": 1, "unread": 2}
    assert inbox.inbox_unread(member_id=other.pk) == 1
    assert client.post("/api/inbox/read/", '{"all": true}', "application/json").json() == {
        "read": 2,
        "unread": 0,
    }
    assert client.post("/api/inbox/read/", "{}", "application/json").status_code == 400
    assert client.post("/api/inbox/read/", '{"ids": "1"}', "application/json").status_code == 400


@sync_db
def test_the_inbox_pages_newest_first_and_needs_a_session(make_member, settings):
    settings.INBOX_PAGE_SIZE = 2
    me = make_member()
    ids = [inbox.inbox_add(member_id=me.pk, kind="notice", text=f"n{i}") for i in range(5)]
    client = client_for(me)
    first = client.get("/api/inbox/").json()["items"]
    assert [i["id"] for i in first] == ids[:2:-1][:2]
    older = client.get(f"/api/inbox/?before={first[-1]['id']}").json()["items"]
    assert [i["id"] for i in older] == [ids[2], ids[1]]
    assert client.get("/api/inbox/?before=x").status_code == 400
    assert Client().get("/api/inbox/").status_code == 401


@sync_db
def test_a_key_makes_an_add_idempotent_per_member(make_member):
    me, other = make_member(), make_member()
    first = inbox.inbox_add(member_id=me.pk, kind="notice", text="once", key="k1")
    assert inbox.inbox_add(member_id=me.pk, kind="notice", text="again", key="k1") == first
    assert inbox.inbox_add(member_id=other.pk, kind="notice", text="once", key="k1") != first
    assert texts(me) == ["once"]


@sync_db
def test_messages_in_a_chat_while_away_leave_one_notice_without_their_words(rooms, make_member):
    asker, away = make_member("AskingOwl"), make_member("AwayHeron")
    chat = open_chat(asker, away)
    inbox.inbox_read(member_id=asker.pk, all=True)
    presence_glue.join(
        conn_id="asker-tab", member=asker, room_key=f"chat:{chat.room_id}", room_id=chat.room_id
    )
    for body in ("my secret words", "more secret words"):
        services.message_send(member_id=asker.pk, room_slug=chat.room.slug, body=body)
    assert texts(away)[0] == "New message from AskingOwl in your chat."
    assert inbox.inbox_unread(member_id=away.pk) == 2  # the request and one message notice
    assert not any("secret" in text for text in texts(away))
    inbox.inbox_read(member_id=away.pk, all=True)
    services.message_send(member_id=asker.pk, room_slug=chat.room.slug, body="still there?")
    assert inbox.inbox_unread(member_id=away.pk) == 1


@sync_db
def test_no_notice_for_a_message_the_other_member_is_there_to_see(rooms, make_member):
    asker, there = make_member(), make_member()
    chat = open_chat(asker, there)
    inbox.inbox_read(member_id=there.pk, all=True)
    key = f"chat:{chat.room_id}"
    presence_glue.join(conn_id="a", member=asker, room_key=key, room_id=chat.room_id)
    presence_glue.join(conn_id="b", member=there, room_key=key, room_id=chat.room_id)
    services.message_send(member_id=asker.pk, room_slug=chat.room.slug, body="hi")
    assert inbox.inbox_unread(member_id=there.pk) == 0


@sync_db
def test_warnings_and_mutes_say_what_and_until_when(room, make_member, facilitator):
    target = make_member()
    moderation.member_warn(actor_id=facilitator.pk, handle=target.handle, text="Gently, please.")
    moderation.member_mute(
        actor_id=facilitator.pk, handle=target.handle, minutes=60, room_slug=room.slug
    )
    mute, warning = texts(target)
    assert warning == "From a facilitator: Gently, please."
    assert room.title in mute and "until" in mute and "UTC" in mute


@sync_db
def test_items_expire_with_message_retention_and_go_with_the_member(make_member, settings):
    me = make_member()
    old = inbox.inbox_add(member_id=me.pk, kind="notice", text="old")
    inbox.inbox_add(member_id=me.pk, kind="notice", text="new")
    days = settings.MESSAGE_RETENTION_DAYS + 1
    InboxItem.objects.filter(pk=old).update(created_at=timezone.now() - timedelta(days=days))
    purge()
    assert texts(me) == ["new"]
    member_delete(member_id=me.pk, confirm=delete_confirmation(member_id=me.pk)["confirm"])
    assert not InboxItem.objects.exists()


@live_db
async def test_an_item_arrives_live_and_reading_clears_the_count_on_every_socket(
    rooms, hub, make_member
):
    me = await database_sync_to_async(make_member)()
    await database_sync_to_async(inbox.inbox_add)(member_id=me.pk, kind="notice", text="first")
    tabs = []
    for _ in range(2):
        ws = await communicator("/ws/rooms/newcomers/", me)
        assert (await ws.connect())[0]
        assert (await receive_until(ws, "welcome"))["inbox_unread"] == 1
        tabs.append(ws)
    await database_sync_to_async(inbox.inbox_add)(
        member_id=me.pk, kind="checkin", text="How are you today?"
    )
    for ws in tabs:
        frame = await receive_until(ws, "inbox")
        assert frame["unread"] == 2 and frame["item"]["text"] == "How are you today?"
    await database_sync_to_async(inbox.inbox_read)(member_id=me.pk, all=True)
    for ws in tabs:
        assert await receive_until(ws, "inbox.read") == {"type": "inbox.read", "unread": 0}
        await ws.disconnect()
