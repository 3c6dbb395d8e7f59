"""The drop-in line ("talk to someone now"): one place in line per member, honest
estimates, live offers to on-duty facilitators and connected peer supporters,
exactly one winner when two accept at once, withdrawal, and a kind message with
resources after a long wait.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from django.utils import timezone

from community.models import Role
from core.errors import KindredError
from realtime import bus
from rooms import dropin, services
from rooms.models import Block, Chat, ChatOrigin, ChatStatus, DropInRequest, DropInStatus
from tests.concurrency import race
from tests.conftest import communicator, receive_until

sync_db = pytest.mark.django_db
live_db = pytest.mark.django_db(transaction=True)


# --- helpers --------------------------------------------------------------------


def refusal(call, **kwargs) -> KindredError:
    with pytest.raises(KindredError) as caught:
        call(**kwargs)
    return caught.value


def join(member) -> int:
    return dropin.dropin_join(member_id=member.pk)["request"]


def waited(request_id: int, seconds: float) -> None:
    """Make *request_id* look as if it joined the line *seconds* ago."""
    DropInRequest.objects.filter(pk=request_id).update(
        created_at=timezone.now() - timedelta(seconds=seconds)
    )


@pytest.fixture
def seeker(make_member):
    return make_member("NeedsATalk")


@pytest.fixture
def published(monkeypatch):
    """Frames the drop-in services hand to our bus for members: [(member_id, frame)]."""
    sent: list[tuple[int, dict]] = []
    monkeypatch.setattr(bus, "publish_member", lambda m, event: sent.append((m, event["frame"])))
    return sent


# --- the line -------------------------------------------------------------------------


@sync_db
def test_joining_twice_keeps_one_place_in_line(seeker):
    first = dropin.dropin_join(member_id=seeker.pk)
    second = dropin.dropin_join(member_id=seeker.pk)
    assert first["request"] == second["request"]
    assert DropInRequest.objects.filter(member=seeker).count() == 1
    assert second["type"] == "dropin.status" and second["status"] == "waiting"
    assert second["place"] == 1 and second["chat"] is None


@sync_db
def test_place_in_line_counts_only_those_still_waiting_before_you(make_member):
    first, second, third = (make_member(h) for h in ("FirstMoth", "SecondMoth", "ThirdMoth"))
    ids = [join(m) for m in (first, second, third)]
    for request_id, ago in zip(ids, (30, 20, 10), strict=True):
        waited(request_id, ago)
    places = [dropin.dropin_status(member_id=m.pk)["place"] for m in (first, second, third)]
    assert places == [1, 2, 3]
    dropin.dropin_cancel(member_id=first.pk)
    assert dropin.dropin_status(member_id=third.pk)["place"] == 2
    assert dropin.dropin_status(member_id=first.pk) == {
        "type": "dropin.status",
        "request": ids[0],
        "status": "cancelled",
        "language": "en",
        "place": None,
        "estimate_seconds": None,
        "chat": None,
        "helpers_available": None,
        "helpers_speaking": None,
    }


@sync_db
def test_the_estimate_is_none_without_history_then_the_median_of_recent_waits(make_member):
    assert dropin.estimate_seconds() is None
    now = timezone.now()
    helper = make_member("CountingHelper", role=Role.FACILITATOR)
    # Requests still waiting or cancelled say nothing about how long a match takes.
    DropInRequest.objects.create(member=make_member(), status=DropInStatus.CANCELLED)
    assert dropin.estimate_seconds() is None

    def matched(wait_seconds: int) -> None:
        request = DropInRequest.objects.create(member=make_member())
        DropInRequest.objects.filter(pk=request.pk).update(
            status=DropInStatus.MATCHED,
            created_at=now - timedelta(seconds=wait_seconds),
            matched_at=now,
            matched_by=helper,
        )

    for wait in (30, 600, 90):
        matched(wait)
    assert dropin.estimate_seconds() == 90
    matched(120)
    assert dropin.estimate_seconds() == 105  # (90 + 120) / 2
    assert dropin.dropin_join(member_id=make_member().pk)["estimate_seconds"] == 105


@sync_db
def test_members_cannot_take_drop_in_chats_or_see_the_line(seeker, make_member):
    request_id = join(seeker)
    plain = make_member("JustAMember")
    assert refusal(dropin.dropin_accept, member_id=plain.pk, request_id=request_id).code == (
        "not_allowed"
    )
    assert refusal(dropin.dropin_line, member_id=plain.pk).code == "not_allowed"
    assert DropInRequest.objects.get(pk=request_id).status == DropInStatus.WAITING
    assert not Chat.objects.exists()


@sync_db
def test_a_helper_accepting_opens_a_chat_both_can_post_in(seeker, facilitator):
    request_id = join(seeker)
    waited(request_id, 42)
    line = dropin.dropin_line(member_id=facilitator.pk)
    assert [r["request"] for r in line] == [request_id] and line[0]["waiting_seconds"] >= 42
    answer = dropin.dropin_accept(member_id=facilitator.pk, request_id=request_id)
    chat = Chat.objects.select_related("room").get()
    assert answer == {
        "type": "dropin.matched",
        "request": request_id,
        "chat": chat.pk,
        "with": "NeedsATalk",
    }
    assert (chat.requester, chat.recipient) == (seeker, facilitator)
    assert (chat.status, chat.origin) == (ChatStatus.OPEN, ChatOrigin.DROPIN)
    status = dropin.dropin_status(member_id=seeker.pk)
    assert (status["status"], status["chat"], status["place"]) == ("matched", chat.pk, None)
    for who in (seeker, facilitator):
        services.message_send(member_id=who.pk, room_slug=chat.room.slug, body="hello")
    assert dropin.dropin_line(member_id=facilitator.pk) == []
    # Joining again afterwards is a new place in line, not the old matched one.
    assert join(seeker) != request_id


@sync_db
def test_nobody_takes_their_own_request_or_one_from_someone_they_block(make_member):
    supporter = make_member("AlsoStruggling", role=Role.SUPPORTER)
    own = join(supporter)
    assert refusal(dropin.dropin_accept, member_id=supporter.pk, request_id=own).code == (
        "not_allowed"
    )
    seeker = make_member("BlockedTheHelper")
    request_id = join(seeker)
    services.member_block(member_id=seeker.pk, handle=supporter.handle)
    assert Block.objects.filter(blocker=seeker).exists()
    refused = refusal(dropin.dropin_accept, member_id=supporter.pk, request_id=request_id)
    assert refused.code == "taken"
    assert DropInRequest.objects.get(pk=request_id).status == DropInStatus.WAITING
    assert not Chat.objects.exists()


@sync_db
def test_cancelling_leaves_the_line_and_nobody_can_take_it_after(seeker, facilitator):
    request_id = join(seeker)
    assert dropin.dropin_cancel(member_id=seeker.pk) == {
        "type": "dropin.status",
        "status": "cancelled",
    }
    assert DropInRequest.objects.get(pk=request_id).status == DropInStatus.CANCELLED
    assert refusal(dropin.dropin_accept, member_id=facilitator.pk, request_id=request_id).code == (
        "taken"
    )
    assert not Chat.objects.exists()


@live_db
def test_two_helpers_accepting_at_once_exactly_one_wins(seeker, make_member):
    helpers = [
        make_member("QuickFacil", role=Role.FACILITATOR),
        make_member("QuickPeer", role=Role.SUPPORTER),
    ]
    request_id = join(seeker)
    results = race(
        [lambda h=h: dropin.dropin_accept(member_id=h.pk, request_id=request_id) for h in helpers]
    )
    wins = [r for r in results if isinstance(r, dict)]
    losses = [r for r in results if isinstance(r, KindredError)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert losses[0].code == "taken"
    chat = Chat.objects.get(origin=ChatOrigin.DROPIN)
    request = DropInRequest.objects.get(pk=request_id)
    assert wins[0]["chat"] == chat.pk == request.chat_id
    assert chat.recipient_id == request.matched_by_id == helpers[results.index(wins[0])].pk


@live_db
def test_two_joins_at_once_make_one_place_in_line(seeker):
    results = race([lambda: dropin.dropin_join(member_id=seeker.pk) for _ in range(2)])
    assert all(isinstance(r, dict) for r in results), results
    assert results[0]["request"] == results[1]["request"]
    assert DropInRequest.objects.filter(member=seeker).count() == 1


@sync_db
def test_a_long_wait_is_told_once_with_resources_and_the_late_night_room(
    make_member, settings, published, django_capture_on_commit_callbacks
):
    def notify_timeouts() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return dropin.notify_timeouts()

    settings.DROPIN_TIMEOUT_SECONDS = 5
    long_waiter = make_member("WaitedLong", country="GB")
    newcomer = make_member("JustJoined")
    old, new = join(long_waiter), join(newcomer)
    waited(old, 6)
    assert notify_timeouts() == 1
    assert notify_timeouts() == 0
    assert [m for m, _ in published] == [long_waiter.pk]
    frame = published[0][1]
    assert frame["type"] == "dropin.timeout" and frame["request"] == old
    assert frame["room"] == "late-night"
    assert frame["resources"] and all(r.get("name") for r in frame["resources"])
    assert "still in line" in frame["message"]
    # Still in line, in the same place.
    status = dropin.dropin_status(member_id=long_waiter.pk)
    assert (status["status"], status["place"]) == ("waiting", 1)
    # The newcomer is told once their own wait is long, not before.
    waited(new, 6)
    assert notify_timeouts() == 1
    assert notify_timeouts() == 0
    assert [m for m, _ in published] == [long_waiter.pk, newcomer.pk]
    assert DropInRequest.objects.filter(status=DropInStatus.WAITING).count() == 2


# --- sockets ------------------------------------------------------------------------


async def connect(member, slug: str = "late-night"):
    ws = await communicator(f"/ws/rooms/{slug}/", member)
    connected, _ = await ws.connect()
    assert connected
    await receive_until(ws, "welcome")
    return ws


async def make(make_member, handle: str, **fields):
    return await database_sync_to_async(make_member)(handle, **fields)


async def frames_until_marker(ws, member) -> list[dict]:
    """Everything *ws* receives until a marker sent after it through the bus: what
    was published to this member before now has arrived by then (the bus keeps order)."""
    # A pong nobody asked for: no socket here sends a ping.
    await database_sync_to_async(bus.publish_member)(member.pk, {"frame": {"type": "pong"}})
    seen = []
    while (frame := await ws.receive_json_from(timeout=5))["type"] != "pong":
        seen.append(frame)
    return seen


def logged_in(member) -> Client:
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    return client


@live_db
async def test_helpers_get_the_offer_the_first_accept_wins_and_the_others_are_withdrawn(
    rooms, hub, make_member
):
    facil = await make(make_member, "OnDutyFacil", role=Role.FACILITATOR, on_duty=True)
    peer = await make(make_member, "OpenPeer", role=Role.SUPPORTER, open_to_chat=True)
    off_duty = await make(make_member, "OffDutyFacil", role=Role.FACILITATOR)
    open_member = await make(make_member, "OpenMember", open_to_chat=True)
    seeker = await make(make_member, "NeedsATalk")
    sockets = {m: await connect(m) for m in (facil, peer, off_duty, open_member, seeker)}

    client = await database_sync_to_async(logged_in)(seeker)
    response = await database_sync_to_async(client.post)("/api/dropin/", {}, "application/json")
    assert response.status_code == 201
    line = response.json()
    assert (line["status"], line["place"], line["helpers_available"]) == ("waiting", 1, 2)
    request_id = line["request"]

    offers = [await receive_until(sockets[h], "dropin.offer") for h in (facil, peer)]
    assert offers[0] == offers[1]
    assert offers[0]["request"] == request_id and offers[0]["waiting_since"].endswith("Z")

    await sockets[peer].send_json_to({"type": "dropin.accept", "request": request_id})
    won = await receive_until(sockets[peer], "dropin.matched")
    chat_id = won["chat"]
    assert won == {
        "type": "dropin.matched",
        "request": request_id,
        "chat": chat_id,
        "with": "NeedsATalk",
    }
    assert await receive_until(sockets[seeker], "dropin.matched") == {
        "type": "dropin.matched",
        "request": request_id,
        "chat": chat_id,
        "with": "OpenPeer",
    }
    assert await receive_until(sockets[facil], "dropin.withdrawn") == {
        "type": "dropin.withdrawn",
        "request": request_id,
    }
    await sockets[facil].send_json_to({"type": "dropin.accept", "request": request_id})
    assert (await receive_until(sockets[facil], "error"))["code"] == "taken"
    # Neither an off-duty facilitator nor a member open to chat is offered drop-ins.
    for m in (off_duty, open_member):
        seen = await frames_until_marker(sockets[m], m)
        assert not [f for f in seen if f["type"].startswith("dropin.")]
    for ws in sockets.values():
        await ws.disconnect()

    # The two of them meet in the new chat.
    chat_seeker = await communicator(f"/ws/chats/{chat_id}/", seeker)
    chat_peer = await communicator(f"/ws/chats/{chat_id}/", peer)
    for ws in (chat_seeker, chat_peer):
        assert (await ws.connect())[0]
        await receive_until(ws, "welcome")
    await chat_seeker.send_json_to({"type": "message", "body": "thank you", "nonce": "t1"})
    assert (await receive_until(chat_peer, "message"))["body"] == "thank you"
    for ws in (chat_seeker, chat_peer):
        await ws.disconnect()


@live_db
async def test_leaving_the_line_withdraws_the_offer(rooms, hub, make_member, seeker):
    facil = await make(make_member, "OnDutyFacil", role=Role.FACILITATOR, on_duty=True)
    wf = await connect(facil, slug="newcomers")
    request_id = (await database_sync_to_async(dropin.dropin_join)(member_id=seeker.pk))["request"]
    assert (await receive_until(wf, "dropin.offer"))["request"] == request_id
    client = await database_sync_to_async(logged_in)(seeker)
    response = await database_sync_to_async(client.delete)("/api/dropin/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert await receive_until(wf, "dropin.withdrawn") == {
        "type": "dropin.withdrawn",
        "request": request_id,
    }
    await wf.send_json_to({"type": "dropin.accept", "request": request_id})
    assert (await receive_until(wf, "error"))["code"] == "taken"
    await wf.disconnect()


@live_db
async def test_the_timeout_reaches_the_waiting_member_once(rooms, hub, seeker, settings):
    settings.DROPIN_TIMEOUT_SECONDS = 5
    ws = await connect(seeker)
    request_id = (await database_sync_to_async(dropin.dropin_join)(member_id=seeker.pk))["request"]
    await database_sync_to_async(waited)(request_id, 6)
    for _ in range(2):
        await database_sync_to_async(dropin.notify_timeouts)()
    timeouts = [f for f in await frames_until_marker(ws, seeker) if f["type"] == "dropin.timeout"]
    assert len(timeouts) == 1
    assert timeouts[0]["request"] == request_id and timeouts[0]["room"] == "late-night"
    assert timeouts[0]["resources"]
    status = await database_sync_to_async(dropin.dropin_status)(member_id=seeker.pk)
    assert status["status"] == "waiting"
    await ws.disconnect()


# --- HTTP ---------------------------------------------------------------------------


@sync_db
def test_http_join_see_and_leave_the_line(seeker, make_member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(seeker, backend="django.contrib.auth.backends.ModelBackend")
    token = client.get("/api/session/").cookies["csrftoken"].value
    assert client.get("/api/dropin/").status_code == 404  # not in line yet
    joined = client.post("/api/dropin/", {}, "application/json", HTTP_X_CSRFTOKEN=token)
    assert joined.status_code == 201
    assert (joined.json()["status"], joined.json()["place"]) == ("waiting", 1)
    assert joined.json()["estimate_seconds"] is None
    again = client.post("/api/dropin/", {}, "application/json", HTTP_X_CSRFTOKEN=token)
    assert again.status_code == 201 and again.json()["request"] == joined.json()["request"]
    assert client.get("/api/dropin/").json()["place"] == 1
    left = client.delete("/api/dropin/", HTTP_X_CSRFTOKEN=token)
    assert left.status_code == 200 and left.json()["status"] == "cancelled"
    assert client.get("/api/dropin/").json()["status"] == "cancelled"
    # Members don't see who is waiting; facilitators do, and take requests over HTTP.
    assert client.get("/api/dropin/line/").status_code == 403
    request_id = client.post("/api/dropin/", {}, "application/json", HTTP_X_CSRFTOKEN=token).json()[
        "request"
    ]
    helper = Client()
    helper.force_login(
        make_member("HttpFacil", role=Role.FACILITATOR),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    assert [r["request"] for r in helper.get("/api/dropin/line/").json()] == [request_id]
    taken = helper.post(f"/api/dropin/{request_id}/accept/")
    assert taken.status_code == 200 and taken.json()["type"] == "dropin.matched"
    assert helper.post(f"/api/dropin/{request_id}/accept/").json()["error"] == "taken"
    assert client.get("/api/dropin/").json()["chat"] == taken.json()["chat"]


@sync_db
def test_http_needs_a_session_and_the_csrf_token(seeker):
    anonymous = Client()
    for method in (anonymous.get, anonymous.post, anonymous.delete):
        response = method("/api/dropin/")
        assert response.status_code == 401 and response.json()["error"] == "no_session"
    client = Client(enforce_csrf_checks=True)
    client.force_login(seeker, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post("/api/dropin/").status_code == 403
    assert not DropInRequest.objects.exists()
    token = client.get("/api/session/").cookies["csrftoken"].value
    client.post("/api/dropin/", {}, "application/json", HTTP_X_CSRFTOKEN=token)
    assert client.delete("/api/dropin/").status_code == 403
    assert DropInRequest.objects.get().status == DropInStatus.WAITING


@pytest.mark.django_db
def test_a_facilitator_going_on_duty_is_offered_whoever_is_waiting(
    member, facilitator, monkeypatch
):
    from django.test import TestCase

    from rooms import status

    sent = []
    monkeypatch.setattr(bus, "publish_member", lambda mid, event: sent.append((mid, event)))
    dropin.dropin_join(member_id=member.pk)
    sent.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        status.member_set_duty(member_id=facilitator.pk, on=True)
    offers = [e["frame"] for m, e in sent if m == facilitator.pk]
    assert [o["type"] for o in offers] == ["dropin.offer"]


@sync_db
def test_joining_and_leaving_in_a_loop_offers_helpers_only_a_few_times(
    seeker, facilitator, published, settings, django_capture_on_commit_callbacks
):
    from realtime.presence import Arrival, get_store

    settings.DROPIN_OFFERS_PER_MINUTE = 3
    get_store().connect(
        Arrival(
            conn_id="helper",
            member_id=facilitator.pk,
            handle=facilitator.handle,
            room="mod:queue",
            role="facilitator",
            invisible=False,
            open_to_chat=False,
            on_duty=True,
        )
    )
    for _ in range(30):
        with django_capture_on_commit_callbacks(execute=True):
            dropin.dropin_join(member_id=seeker.pk)
            dropin.dropin_cancel(member_id=seeker.pk)
    to_helper = [frame["type"] for member_id, frame in published if member_id == facilitator.pk]
    assert to_helper.count("dropin.offer") == 3
    assert to_helper.count("dropin.withdrawn") == 3
    # The member is never refused: the 31st join still puts them in the line.
    assert dropin.dropin_join(member_id=seeker.pk)["status"] == "waiting"
