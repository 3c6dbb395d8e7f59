"""One-on-one chats by consent: the services, the sockets and the HTTP API.

Nothing opens without the other member's yes; a declined, ignored or withdrawn
request can't be repeated for a day; a member has at most five unanswered
requests; only the two participants ever reach a chat; blocking closes it and
refuses every later request with the same words as for a handle that doesn't
exist; crisis language in a chat gets the sender (and only the sender) a card.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from django.utils import timezone

from core.errors import KindredError, NotAllowed
from rooms import chats, services
from rooms.models import Block, Chat, ChatStatus
from tests.conftest import communicator, receive_each, receive_until

sync_db = pytest.mark.django_db
live_db = pytest.mark.django_db(transaction=True)

CRISIS_TEXT = "I want to kill myself"


# --- helpers --------------------------------------------------------------------


def refusal(call, **kwargs) -> KindredError:
    with pytest.raises(KindredError) as caught:
        call(**kwargs)
    return caught.value


def ask(asker, target) -> int:
    return chats.chat_request(member_id=asker.pk, to=target.handle)["chat"]


def opened(asker, target) -> Chat:
    chat_id = ask(asker, target)
    chats.chat_accept(member_id=target.pk, chat_id=chat_id)
    return Chat.objects.select_related("room").get(pk=chat_id)


def chat_of(chat_id: int) -> Chat:
    return Chat.objects.select_related("room").get(pk=chat_id)


def backdate(chat_id: int, **ago) -> None:
    Chat.objects.filter(pk=chat_id).update(created_at=timezone.now() - timedelta(**ago))


def post(member, chat: Chat, body: str = "hello"):
    return services.message_send(member_id=member.pk, room_slug=chat.room.slug, body=body)


@pytest.fixture
def pair(make_member):
    return make_member("AskingHeron"), make_member("ShyBadger")


@pytest.fixture
def published(monkeypatch):
    """What the chat services tell members' sockets, in order (our own bus, recorded)."""
    from realtime import bus

    sent: list[tuple] = []
    monkeypatch.setattr(bus, "publish_member", lambda m, event: sent.append(("member", m, event)))
    monkeypatch.setattr(
        bus,
        "publish_close",
        lambda *, member_id, code, room_id=None: sent.append(("close", member_id, code, room_id)),
    )
    return sent


# --- services ---------------------------------------------------------------------


@sync_db
def test_nothing_opens_or_can_be_posted_before_consent(pair):
    a, b = pair
    answer = chats.chat_request(member_id=a.pk, to=b.handle)
    chat = chat_of(answer["chat"])
    assert answer == {"type": "chat.requested", "chat": chat.pk, "to": "ShyBadger"}
    assert chat.status == ChatStatus.REQUESTED
    for who in (a, b):
        with pytest.raises(NotAllowed):
            post(who, chat)
        with pytest.raises(NotAllowed):
            chats.chat_room_slug(member_id=who.pk, chat_id=chat.pk)

    accepted = chats.chat_accept(member_id=b.pk, chat_id=chat.pk)
    assert accepted == {"type": "chat.accepted", "chat": chat.pk, "by": "ShyBadger"}
    assert chat_of(chat.pk).status == ChatStatus.OPEN
    assert post(a, chat, "hi").message.room_slug == chat.room.slug
    assert post(b, chat, "hi back").message.author == "ShyBadger"
    assert chats.chat_room_slug(member_id=b.pk, chat_id=chat.pk) == chat.room.slug


@sync_db
def test_a_declined_request_cannot_be_repeated_for_a_day(pair):
    a, b = pair
    chat_id = ask(a, b)
    assert chats.chat_decline(member_id=b.pk, chat_id=chat_id) == {
        "type": "chat.declined",
        "chat": chat_id,
    }
    assert chat_of(chat_id).status == ChatStatus.DECLINED
    with pytest.raises(NotAllowed):
        post(a, chat_of(chat_id))
    assert refusal(chats.chat_request, member_id=a.pk, to=b.handle).code == "cooldown"
    backdate(chat_id, hours=23)
    assert refusal(chats.chat_request, member_id=a.pk, to=b.handle).code == "cooldown"
    backdate(chat_id, hours=25)
    assert chat_of(ask(a, b)).status == ChatStatus.REQUESTED


@sync_db
def test_an_ignored_request_blocks_asking_again_and_can_no_longer_be_accepted(pair, settings):
    a, b = pair
    chat_id = ask(a, b)
    backdate(chat_id, minutes=settings.CHAT_REQUEST_EXPIRE_MINUTES + 1)
    # Too late to open it: the asker has been told nothing for half an hour.
    assert refusal(chats.chat_accept, member_id=b.pk, chat_id=chat_id).code == "not_found"
    assert refusal(chats.chat_request, member_id=a.pk, to=b.handle).code == "cooldown"
    assert chats.my_chats(member_id=b.pk) == []
    assert chat_of(chat_id).status == ChatStatus.EXPIRED
    backdate(chat_id, hours=25)
    assert chat_of(ask(a, b)).status == ChatStatus.REQUESTED


@sync_db
def test_withdrawing_or_dismissing_a_request_still_counts_for_the_cooldown(pair, make_member):
    a, b = pair
    chat_id = ask(a, b)
    chats.chat_leave(member_id=a.pk, chat_id=chat_id)  # the asker withdraws
    assert chat_of(chat_id).status == ChatStatus.CLOSED
    assert refusal(chats.chat_request, member_id=a.pk, to=b.handle).code == "cooldown"

    c = make_member("PersistentJay")
    chat_id = ask(c, b)
    chats.chat_leave(member_id=b.pk, chat_id=chat_id)  # the recipient dismisses it
    assert refusal(chats.chat_request, member_id=c.pk, to=b.handle).code == "cooldown"


@sync_db
def test_at_most_five_unanswered_requests(make_member, settings):
    assert settings.CHAT_MAX_OPEN_REQUESTS == 5
    asker = make_member("EagerSparrow")
    targets = [make_member(f"Target{i}") for i in range(7)]
    chat_ids = [ask(asker, t) for t in targets[:5]]
    refused = refusal(chats.chat_request, member_id=asker.pk, to=targets[5].handle)
    assert refused.code == "too_many_requests"
    assert not Chat.objects.filter(recipient=targets[5]).exists()
    # An answer frees a place.
    chats.chat_decline(member_id=targets[0].pk, chat_id=chat_ids[0])
    ask(asker, targets[5])
    assert refusal(chats.chat_request, member_id=asker.pk, to=targets[6].handle).code == (
        "too_many_requests"
    )


@sync_db
def test_yourself_unknown_banned_and_gone_members_get_the_same_answer(make_member):
    asker = make_member("CuriousOwl")
    banned = make_member("BannedHandle", is_banned=True)
    gone = make_member("GoneHandle", is_active=False)
    answers = {
        (r.code, r.detail)
        for r in (
            refusal(chats.chat_request, member_id=asker.pk, to=to)
            for to in (asker.handle, "NoSuchHandle", banned.handle, gone.handle)
        )
    }
    assert answers == {("not_available", chats.UNAVAILABLE)}
    assert not Chat.objects.exists()


@sync_db
def test_only_the_recipient_can_answer_a_request(pair, make_member):
    a, b = pair
    third = make_member("NosyMagpie")
    chat_id = ask(a, b)
    missing = refusal(chats.chat_accept, member_id=b.pk, chat_id=chat_id + 1000)
    assert missing.code == "not_found"
    for who in (a, third):
        for answer in (chats.chat_accept, chats.chat_decline):
            refused = refusal(answer, member_id=who.pk, chat_id=chat_id)
            assert (refused.code, refused.detail) == (missing.code, missing.detail)
    assert chat_of(chat_id).status == ChatStatus.REQUESTED
    chats.chat_accept(member_id=b.pk, chat_id=chat_id)
    # Answered once: a second answer changes nothing.
    assert refusal(chats.chat_decline, member_id=b.pk, chat_id=chat_id).code == "not_found"
    assert chat_of(chat_id).status == ChatStatus.OPEN
    # Nobody else can leave or block a chat they're not in.
    assert refusal(chats.chat_leave, member_id=third.pk, chat_id=chat_id).code == "not_found"
    assert refusal(chats.chat_block, member_id=third.pk, chat_id=chat_id).code == "not_found"
    assert chat_of(chat_id).status == ChatStatus.OPEN
    assert not Block.objects.exists()


@sync_db
def test_blocking_closes_the_chat_and_refuses_every_later_request_either_way(pair):
    a, b = pair
    chat = opened(a, b)
    answer = chats.chat_block(member_id=b.pk, chat_id=chat.pk)
    assert answer["type"] == "chat.closed" and answer["chat"] == chat.pk
    chat.refresh_from_db()
    assert chat.status == ChatStatus.CLOSED and chat.closed_at is not None
    assert Block.objects.filter(blocker=b, blocked=a).exists()
    for who in (a, b):
        with pytest.raises(NotAllowed):
            post(who, chat)
    unknown = refusal(chats.chat_request, member_id=a.pk, to="NoSuchHandle")
    # Long after any cooldown, still refused, in words that don't reveal the block.
    backdate(chat.pk, days=30)
    for asker, target in ((a, b), (b, a)):
        refused = refusal(chats.chat_request, member_id=asker.pk, to=target.handle)
        assert (refused.code, refused.detail) == (unknown.code, unknown.detail)
    assert Chat.objects.count() == 1


@sync_db
def test_blocking_from_a_request_and_a_blocked_members_request_cannot_be_accepted(
    pair, make_member
):
    a, b = pair
    chat_id = ask(a, b)
    chats.chat_block(member_id=b.pk, chat_id=chat_id)
    assert chat_of(chat_id).status == ChatStatus.CLOSED
    assert refusal(chats.chat_request, member_id=a.pk, to=b.handle).code == "not_available"

    c = make_member("PushyGull")
    chat_id = ask(c, b)
    services.member_block(member_id=b.pk, handle=c.handle)  # blocked elsewhere meanwhile
    assert refusal(chats.chat_accept, member_id=b.pk, chat_id=chat_id).code == "not_found"
    assert chat_of(chat_id).status == ChatStatus.REQUESTED


@sync_db
def test_leaving_closes_the_chat_for_both(pair, make_member):
    a, b = pair
    chat = opened(a, b)
    post(b, chat, "before")
    assert chats.chat_leave(member_id=a.pk, chat_id=chat.pk) == {
        "type": "chat.closed",
        "chat": chat.pk,
        "by": "AskingHeron",
    }
    assert chat_of(chat.pk).status == ChatStatus.CLOSED
    for who in (a, b):
        with pytest.raises(NotAllowed, match="ended"):
            post(who, chat)
        with pytest.raises(NotAllowed):
            chats.chat_room_slug(member_id=who.pk, chat_id=chat.pk)
    # Leaving twice is harmless; leaving is not a refusal, so asking again is fine.
    assert chats.chat_leave(member_id=b.pk, chat_id=chat.pk)["type"] == "chat.closed"
    assert chat_of(ask(a, b)).status == ChatStatus.REQUESTED


@sync_db
def test_my_chats_lists_open_chats_and_requests_both_ways(make_member):
    a, b, c, d = (make_member(h) for h in ("CentreFox", "OutgoingTo", "IncomingFrom", "Declines"))
    outgoing = ask(a, b)
    incoming = opened(c, a).pk
    declined = ask(a, d)
    chats.chat_decline(member_id=d.pk, chat_id=declined)
    mine = {c["chat"]: c for c in chats.my_chats(member_id=a.pk)}
    assert set(mine) == {outgoing, incoming}
    assert {k: mine[outgoing][k] for k in ("status", "origin", "with", "incoming")} == {
        "status": "requested",
        "origin": "request",
        "with": "OutgoingTo",
        "incoming": False,
    }
    assert {k: mine[incoming][k] for k in ("status", "with", "incoming")} == {
        "status": "open",
        "with": "IncomingFrom",
        "incoming": True,
    }
    assert mine[incoming]["created_at"].endswith("Z")
    theirs = chats.my_chats(member_id=b.pk)
    assert [(t["chat"], t["with"], t["incoming"]) for t in theirs] == [
        (outgoing, "CentreFox", True)
    ]


@sync_db
def test_each_answer_is_sent_to_the_other_side_after_commit(
    pair, published, django_capture_on_commit_callbacks
):
    a, b = pair
    with django_capture_on_commit_callbacks(execute=True):
        chat_id = ask(a, b)
    request = {"type": "chat.request", "from": a.handle, "chat": chat_id}
    # ... and it waits in their inbox as well (tests/test_inbox.py).
    sent = [(p[0], p[1], p[2]["frame"]["type"]) for p in published]
    assert sent == [("member", b.pk, "chat.request"), ("member", b.pk, "inbox")]
    assert published[0][2] == {"frame": request}
    published.clear()
    with django_capture_on_commit_callbacks(execute=True):
        chats.chat_accept(member_id=b.pk, chat_id=chat_id)
    accepted = {"type": "chat.accepted", "chat": chat_id, "by": b.handle}
    assert published[0] == ("member", a.pk, {"frame": accepted})
    assert [p[2]["frame"]["type"] for p in published[1:]] == ["inbox"]
    published.clear()
    with django_capture_on_commit_callbacks(execute=True):
        chats.chat_block(member_id=b.pk, chat_id=chat_id)
    room_id = chat_of(chat_id).room_id
    closed = {"type": "chat.closed", "chat": chat_id, "by": None}
    assert ("member", a.pk, {"frame": closed}) in published
    assert {p for p in published if p[0] == "close"} == {
        ("close", a.pk, 4403, room_id),
        ("close", b.pk, 4403, room_id),
    }


# --- sockets ------------------------------------------------------------------------


async def connect(path: str, member):
    ws = await communicator(path, member)
    connected, _ = await ws.connect()
    assert connected
    return ws, await receive_until(ws, "welcome")


async def close_code_of(ws, timeout: float = 5) -> int | None:
    """Skip frames until the server closes *ws*; its close code."""
    while True:
        output = await ws.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output.get("code")


async def refused_with(path: str, member=None) -> int | None:
    ws = await communicator(path, member)
    connected, code = await ws.connect()
    if not connected:
        return code
    return await close_code_of(ws)


async def frames_until_message(ws, body: str) -> list[dict]:
    """Every frame up to and including the ``message`` whose body is *body*."""
    seen = []
    while True:
        frame = await ws.receive_json_from(timeout=5)
        seen.append(frame)
        if frame["type"] == "message" and frame["body"] == body:
            return seen


async def make(make_member, *handles: str, **fields):
    return [await database_sync_to_async(make_member)(h, **fields) for h in handles]


async def opened_async(a, b) -> Chat:
    return await database_sync_to_async(opened)(a, b)


@live_db
async def test_a_request_reaches_every_tab_and_the_asker_hears_the_yes(rooms, hub, make_member):
    a, b = await make(make_member, "AskingHeron", "ShyBadger")
    wa, _ = await connect("/ws/rooms/newcomers/", a)
    tab1, _ = await connect("/ws/rooms/newcomers/", b)
    tab2, _ = await connect("/ws/rooms/late-night/", b)
    await wa.send_json_to({"type": "chat.request", "to": "ShyBadger"})
    requested = await receive_until(wa, "chat.requested")
    chat_id = requested["chat"]
    assert requested == {"type": "chat.requested", "chat": chat_id, "to": "ShyBadger"}
    for tab in (tab1, tab2):
        assert await receive_until(tab, "chat.request") == {
            "type": "chat.request",
            "from": "AskingHeron",
            "chat": chat_id,
        }
    await tab2.send_json_to({"type": "chat.accept", "chat": chat_id})
    assert (await receive_until(tab2, "chat.accepted"))["chat"] == chat_id
    assert await receive_until(wa, "chat.accepted") == {
        "type": "chat.accepted",
        "chat": chat_id,
        "by": "ShyBadger",
    }
    for ws in (wa, tab1, tab2):
        await ws.disconnect()


@live_db
async def test_a_decline_reaches_the_asker_who_then_has_to_wait(rooms, hub, make_member):
    a, b = await make(make_member, "AskingHeron", "ShyBadger")
    wa, _ = await connect("/ws/rooms/newcomers/", a)
    wb, _ = await connect("/ws/rooms/newcomers/", b)
    await wa.send_json_to({"type": "chat.request", "to": "ShyBadger"})
    chat_id = (await receive_until(wb, "chat.request"))["chat"]
    await wb.send_json_to({"type": "chat.decline", "chat": chat_id})
    assert await receive_until(wa, "chat.declined") == {"type": "chat.declined", "chat": chat_id}
    await wa.send_json_to({"type": "chat.request", "to": "ShyBadger"})
    assert (await receive_until(wa, "error"))["code"] == "cooldown"
    # Only the recipient answers: the asker's own socket can't accept it.
    await wa.send_json_to({"type": "chat.accept", "chat": chat_id})
    assert (await receive_until(wa, "error"))["code"] == "not_found"
    for ws in (wa, wb):
        await ws.disconnect()


@live_db
async def test_both_participants_talk_on_the_chat_socket_and_see_each_message_once(
    rooms, hub, make_member
):
    a, b = await make(make_member, "AskingHeron", "ShyBadger")
    chat = await opened_async(a, b)
    path = f"/ws/chats/{chat.pk}/"
    wa, welcome = await connect(path, a)
    assert welcome["room"]["kind"] == "direct" and welcome["you"]["handle"] == "AskingHeron"
    assert welcome["history"] == []
    wb, _ = await connect(path, b)

    await wa.send_json_to({"type": "message", "body": "hi there", "nonce": "n1"})
    mine = await receive_each(wa, "message", "ack")
    theirs = await receive_until(wb, "message")
    assert mine["message"] == theirs and theirs["author"] == "AskingHeron"
    assert theirs["room"] == chat.room.slug
    assert mine["ack"] == {"type": "ack", "nonce": "n1", "id": theirs["id"]}
    # A retry with the same nonce is acknowledged with the same id, and sends nothing new.
    await wa.send_json_to({"type": "message", "body": "hi there", "nonce": "n1"})
    assert (await receive_until(wa, "ack"))["id"] == theirs["id"]
    await wb.send_json_to({"type": "message", "body": "hello back", "nonce": "m1"})
    assert [f["body"] for f in await frames_until_message(wa, "hello back") if "body" in f] == [
        "hello back"
    ]
    await wa.send_json_to({"type": "message", "body": "marker", "nonce": "n2"})
    seen = await frames_until_message(wb, "marker")
    assert [f["body"] for f in seen if f["type"] == "message"] == ["hello back", "marker"]

    # Resume, history and errors work as in rooms.
    await wb.send_json_to({"type": "resume", "after": theirs["id"]})
    resumed = []
    while (frame := await wb.receive_json_from(timeout=5))["type"] != "resumed":
        if frame["type"] == "message":
            resumed.append(frame["body"])
    assert resumed == ["hello back", "marker"]
    await wb.send_json_to({"type": "history", "before": 10**15, "limit": 10})
    history = await receive_until(wb, "history")
    assert [m["body"] for m in history["messages"]] == ["hi there", "hello back", "marker"]
    await wb.send_json_to({"type": "message", "body": "   ", "nonce": "m2"})
    assert (await receive_until(wb, "error"))["code"] == "empty"
    await wb.disconnect()
    wb, welcome = await connect(path, b)
    assert [m["body"] for m in welcome["history"]] == ["hi there", "hello back", "marker"]
    for ws in (wa, wb):
        await ws.disconnect()


@live_db
async def test_only_the_two_participants_reach_a_chat_socket(rooms, hub, make_member):
    a, b, c = await make(make_member, "AskingHeron", "ShyBadger", "NosyMagpie")
    chat = await opened_async(a, b)
    pending = await database_sync_to_async(ask)(c, a)
    assert await refused_with(f"/ws/chats/{chat.pk}/", c) == 4403
    assert await refused_with(f"/ws/chats/{chat.pk + 10_000}/", c) == 4403
    assert await refused_with(f"/ws/chats/{chat.pk + 10_000}/", a) == 4403
    # Not open until accepted.
    assert await refused_with(f"/ws/chats/{pending}/", a) == 4403
    assert await refused_with(f"/ws/chats/{pending}/", c) == 4403
    assert await refused_with(f"/ws/chats/{chat.pk}/") == 4401
    # Nor can a third member read or post by the chat's room, over HTTP or the services.
    await database_sync_to_async(post)(a, chat, "just between us")
    client = Client()
    await database_sync_to_async(client.force_login)(
        c, backend="django.contrib.auth.backends.ModelBackend"
    )
    response = await database_sync_to_async(client.get)(f"/api/rooms/{chat.room.slug}/messages/")
    assert response.status_code in (403, 404) and "messages" not in response.json()
    with pytest.raises(NotAllowed):
        await database_sync_to_async(post)(c, chat, "let me in")
    await database_sync_to_async(chats.chat_leave)(member_id=b.pk, chat_id=chat.pk)
    assert await refused_with(f"/ws/chats/{chat.pk}/", a) == 4403


@live_db
async def test_crisis_language_in_a_chat_gets_the_sender_a_card_and_files_an_item(
    rooms, hub, make_member
):
    from moderation.models import ItemKind, QueueItem

    a, b = await make(make_member, "HurtingWren", "ListeningElk")
    chat = await opened_async(a, b)
    wa, _ = await connect(f"/ws/chats/{chat.pk}/", a)
    wb, _ = await connect(f"/ws/chats/{chat.pk}/", b)
    await wa.send_json_to({"type": "message", "body": CRISIS_TEXT, "nonce": "c1"})
    got = await receive_each(wa, "crisis", "message", "ack")
    assert got["crisis"]["category"] == "suicide"
    assert got["crisis"]["resources"] and got["crisis"]["message"]
    assert got["message"]["body"] == CRISIS_TEXT
    await wa.send_json_to({"type": "message", "body": "still here", "nonce": "c2"})
    seen = await frames_until_message(wb, "still here")
    assert [f["body"] for f in seen if f["type"] == "message"] == [CRISIS_TEXT, "still here"]
    assert not [f for f in seen if f["type"] == "crisis"]
    items = await database_sync_to_async(
        lambda: list(
            QueueItem.objects.filter(kind=ItemKind.CRISIS).values_list(
                "room_id", "subject_id", "message_id"
            )
        )
    )()
    assert items == [(chat.room_id, a.pk, got["ack"]["id"])]
    for ws in (wa, wb):
        await ws.disconnect()


@live_db
@pytest.mark.parametrize(("frame_type", "blocks"), [("chat.block", True), ("chat.leave", False)])
async def test_blocking_or_leaving_on_the_chat_socket_closes_it_for_both(
    rooms, hub, make_member, frame_type, blocks
):
    a, b = await make(make_member, "AskingHeron", "ShyBadger")
    chat = await opened_async(a, b)
    wa, _ = await connect(f"/ws/chats/{chat.pk}/", a)
    wb, _ = await connect(f"/ws/chats/{chat.pk}/", b)
    b_room, _ = await connect("/ws/rooms/newcomers/", b)
    await wa.send_json_to({"type": frame_type})
    assert await close_code_of(wa) == 4403
    assert await close_code_of(wb) == 4403
    assert await receive_until(b_room, "chat.closed") == {
        "type": "chat.closed",
        "chat": chat.pk,
        "by": None if blocks else "AskingHeron",
    }
    assert await refused_with(f"/ws/chats/{chat.pk}/", b) == 4403
    # b's other socket stays up; asking again is refused only after a block.
    await b_room.send_json_to({"type": "chat.request", "to": "AskingHeron"})
    if blocks:
        assert (await receive_until(b_room, "error"))["code"] == "not_available"
        assert await database_sync_to_async(Block.objects.filter(blocker=a, blocked=b).exists)()
    else:
        assert (await receive_until(b_room, "chat.requested"))["to"] == "AskingHeron"
    await b_room.disconnect()


# --- HTTP ---------------------------------------------------------------------------


def api(member) -> tuple[Client, str]:
    """A signed-in client that enforces CSRF, and its token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    return client, client.get("/api/session/").cookies["csrftoken"].value


def send(client_and_token, path, data=None):
    client, token = client_and_token
    return client.post(
        path,
        data=json.dumps(data) if data is not None else "",
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )


@sync_db
def test_http_request_accept_and_leave(pair):
    a, b = pair
    as_a, as_b = api(a), api(b)
    response = send(as_a, "/api/chats/", {"to": "ShyBadger"})
    assert response.status_code == 201
    chat_id = response.json()["chat"]
    assert response.json() == {"type": "chat.requested", "chat": chat_id, "to": "ShyBadger"}
    listed = as_b[0].get("/api/chats/").json()
    assert [(c["chat"], c["with"], c["incoming"]) for c in listed] == [
        (chat_id, "AskingHeron", True)
    ]
    # Only the recipient can accept.
    assert send(as_a, f"/api/chats/{chat_id}/accept/").status_code == 404
    accepted = send(as_b, f"/api/chats/{chat_id}/accept/")
    assert accepted.status_code == 200 and accepted.json()["by"] == "ShyBadger"
    assert chat_of(chat_id).status == ChatStatus.OPEN
    left = send(as_a, f"/api/chats/{chat_id}/leave/")
    assert left.status_code == 200 and left.json()["type"] == "chat.closed"
    assert chat_of(chat_id).status == ChatStatus.CLOSED


@sync_db
def test_http_decline_block_and_refusals(pair, make_member):
    a, b = pair
    c = make_member("WaryCrane")
    as_a, as_b, as_c = api(a), api(b), api(c)
    chat_id = send(as_a, "/api/chats/", {"to": "ShyBadger"}).json()["chat"]
    assert send(as_b, f"/api/chats/{chat_id}/decline/").status_code == 200
    again = send(as_a, "/api/chats/", {"to": "ShyBadger"})
    assert again.status_code == 400 and again.json()["error"] == "cooldown"

    chat_id = send(as_a, "/api/chats/", {"to": "WaryCrane"}).json()["chat"]
    assert send(as_c, f"/api/chats/{chat_id}/accept/").status_code == 200
    assert send(as_c, f"/api/chats/{chat_id}/block/").status_code == 200
    assert Block.objects.filter(blocker=c, blocked=a).exists()
    blocked = send(as_a, "/api/chats/", {"to": "WaryCrane"})
    unknown = send(as_a, "/api/chats/", {"to": "NoSuchHandle"})
    assert blocked.status_code == unknown.status_code == 400
    assert blocked.json() == unknown.json()
    assert blocked.json()["error"] == "not_available"

    assert send(as_b, f"/api/chats/{chat_id}/leave/").status_code == 404
    missing = send(as_a, "/api/chats/", {})
    assert missing.status_code == 400 and missing.json()["error"] == "missing_field"
    assert as_a[0].get(f"/api/chats/{chat_id}/accept/").status_code == 405


@sync_db
def test_http_needs_a_session_and_the_csrf_token(pair):
    a, b = pair
    anonymous = Client()
    assert anonymous.get("/api/chats/").status_code == 401
    refused = anonymous.post(
        "/api/chats/", data='{"to": "ShyBadger"}', content_type="application/json"
    )
    assert refused.status_code == 401 and refused.json()["error"] == "no_session"
    assert anonymous.post("/api/chats/1/accept/").status_code == 401
    client, _ = api(a)
    forged = client.post("/api/chats/", data='{"to": "ShyBadger"}', content_type="application/json")
    assert forged.status_code == 403
    chat_id = ask(a, b)
    as_b, _ = api(b)
    assert as_b.post(f"/api/chats/{chat_id}/accept/").status_code == 403
    assert as_b.post(f"/api/chats/{chat_id}/block/").status_code == 403
    assert Chat.objects.count() == 1 and chat_of(chat_id).status == ChatStatus.REQUESTED
    assert not Block.objects.exists()


@pytest.mark.django_db
def test_crossed_requests_open_the_chat_and_a_second_chat_is_refused(make_member):
    from rooms import chats

    a = make_member("EarlyBird")
    b = make_member("NightOwl")
    asked = chats.chat_request(member_id=a.pk, to="NightOwl")
    crossed = chats.chat_request(member_id=b.pk, to="EarlyBird")
    assert crossed["type"] == "chat.accepted" and crossed["chat"] == asked["chat"]
    assert Chat.objects.get(pk=asked["chat"]).status == ChatStatus.OPEN
    with pytest.raises(KindredError) as refused:
        chats.chat_request(member_id=a.pk, to="NightOwl")
    assert refused.value.code == "already_open" and refused.value.extra["chat"] == asked["chat"]
    assert Chat.objects.count() == 1
