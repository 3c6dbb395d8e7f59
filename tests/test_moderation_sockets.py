"""The facilitators' live socket and moderation reaching members' sockets."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from tests.conftest import communicator, receive_each, receive_until

pytestmark = [pytest.mark.django_db(transaction=True)]


async def open_socket(path, member):
    ws = await communicator(path, member)
    connected, _ = await ws.connect()
    assert connected
    return ws


async def room_socket(member, slug="newcomers"):
    ws = await open_socket(f"/ws/rooms/{slug}/", member)
    await receive_until(ws, "welcome")
    return ws


async def moderation_socket(member):
    ws = await open_socket("/ws/moderation/", member)
    return ws, await receive_until(ws, "queue")


async def closed_with(ws) -> int:
    while True:
        output = await ws.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            return output["code"]


async def test_members_cannot_open_the_moderation_socket(member, rooms, hub):
    ws = await open_socket("/ws/moderation/", member)
    assert await closed_with(ws) == 4403


async def test_a_report_reaches_two_facilitators(member, make_member, facilitator, rooms, hub):
    author = await database_sync_to_async(make_member)("LoudFinch")
    second = await database_sync_to_async(make_member)("OtherFacil", role="facilitator")
    f1, snapshot = await moderation_socket(facilitator)
    assert snapshot["items"] == []
    f2, _ = await moderation_socket(second)
    wa = await room_socket(author)
    wm = await room_socket(member)
    await wa.send_json_to({"type": "message", "body": "get lost, loser", "nonce": "x1"})
    message = await receive_until(wm, "message")
    await wm.send_json_to(
        {"type": "report", "message": message["id"], "reason": "harassment", "note": "mean"}
    )
    assert await receive_until(wm, "report.received") == {
        "type": "report.received",
        "message": message["id"],
    }
    for ws in (f1, f2):
        item = (await receive_until(ws, "queue.item"))["item"]
        assert item["message"]["id"] == message["id"]
        assert item["kind"] == "report" and item["reasons"] == {"harassment": 1}
        assert item["subject"] == "LoudFinch"
    # A claim shows on the other facilitator's socket.
    await f1.send_json_to({"type": "claim", "item": item["id"]})
    assert (await receive_until(f1, "done"))["action"] == "claim"
    update = (await receive_until(f2, "queue.update"))["item"]
    assert update["state"] == "claimed" and update["claimed_by"] == "SteadyFacil"
    for ws in (f1, f2, wa, wm):
        await ws.disconnect()


async def test_remove_reaches_every_socket_of_the_room(
    member, make_member, facilitator, rooms, hub
):
    author = await database_sync_to_async(make_member)("LoudFinch")
    wa = await room_socket(author)
    wm = await room_socket(member)
    f1, _ = await moderation_socket(facilitator)
    await wa.send_json_to({"type": "message", "body": "spam spam spam"})
    message = await receive_until(wm, "message")
    await f1.send_json_to({"type": "remove_message", "message": message["id"], "reason": "spam"})
    for ws in (wa, wm):
        assert await receive_until(ws, "removed") == {"type": "removed", "id": message["id"]}
    for ws in (f1, wa, wm):
        await ws.disconnect()


async def test_a_mute_is_enforced_on_the_next_send(member, facilitator, rooms, hub):
    wm = await room_socket(member)
    f1, _ = await moderation_socket(facilitator)
    await f1.send_json_to({"type": "mute", "handle": "QuietOtter", "minutes": 15})
    assert (await receive_until(f1, "done"))["action"] == "mute"
    await wm.send_json_to({"type": "message", "body": "can I still talk?"})
    error = await receive_until(wm, "error")
    assert error["code"] == "muted" and error["until"].endswith("Z")
    for ws in (f1, wm):
        await ws.disconnect()


async def test_a_ban_closes_sockets_4403_and_refuses_reconnection(member, facilitator, rooms, hub):
    w1 = await room_socket(member)
    w2 = await room_socket(member, slug="alcohol")
    f1, _ = await moderation_socket(facilitator)
    await f1.send_json_to({"type": "ban", "handle": "QuietOtter", "reason": "threats"})
    assert await closed_with(w1) == 4403
    assert await closed_with(w2) == 4403
    again = await open_socket("/ws/rooms/newcomers/", member)
    assert await closed_with(again) == 4403
    await f1.disconnect()


async def test_kick_closes_the_room_socket_and_they_may_rejoin(member, facilitator, rooms, hub):
    w1 = await room_socket(member)
    elsewhere = await room_socket(member, slug="alcohol")
    f1, _ = await moderation_socket(facilitator)
    await f1.send_json_to({"type": "kick", "handle": "QuietOtter", "room": "newcomers"})
    assert await closed_with(w1) == 4001
    await elsewhere.send_json_to({"type": "ping"})
    assert await receive_until(elsewhere, "pong")
    back = await room_socket(member)
    for ws in (back, elsewhere, f1):
        await ws.disconnect()


async def test_warn_reaches_the_member_privately(member, make_member, facilitator, rooms, hub):
    bystander = await database_sync_to_async(make_member)("KindLark")
    wm = await room_socket(member)
    wb = await room_socket(bystander)
    f1, _ = await moderation_socket(facilitator)
    await f1.send_json_to({"type": "warn", "handle": "QuietOtter", "text": "Please be gentle."})
    notice = await receive_until(wm, "notice")
    assert notice["kind"] == "warning" and notice["message"] == "Please be gentle."
    # The hub has written the notice; anything for the bystander would be out by now.
    await wb.send_json_to({"type": "ping"})
    seen = []
    while (frame := await wb.receive_json_from(timeout=5))["type"] != "pong":
        seen.append(frame["type"])
    assert "notice" not in seen
    for ws in (wm, wb, f1):
        await ws.disconnect()


async def test_bad_moderation_frames_are_bad_frame(facilitator, rooms, hub):
    f1, _ = await moderation_socket(facilitator)
    await f1.send_json_to({"type": "mute", "handle": "x", "minutes": "ten"})
    assert (await receive_until(f1, "error"))["code"] == "bad_frame"
    await f1.send_json_to({"type": "ban", "handle": "NoSuchOne"})
    assert (await receive_until(f1, "error"))["code"] == "not_found"
    await f1.send_json_to({"type": "audit"})
    assert (await receive_until(f1, "audit"))["entries"] == []
    await f1.disconnect()


async def test_pin_shows_in_welcome_and_live(member, facilitator, rooms, hub):
    wf = await room_socket(facilitator)
    wm = await room_socket(member)
    await wf.send_json_to({"type": "message", "body": "Room guidelines: be kind."})
    found = await receive_each(wf, "ack")
    f1, _ = await moderation_socket(facilitator)
    await f1.send_json_to({"type": "pin", "room": "newcomers", "message": found["ack"]["id"]})
    pinned = await receive_until(wm, "pinned")
    assert pinned["message"]["id"] == found["ack"]["id"]
    fresh = await communicator("/ws/rooms/newcomers/", member)
    await fresh.connect()
    welcome = await receive_until(fresh, "welcome")
    assert welcome["pinned"]["body"] == "Room guidelines: be kind."
    for ws in (wf, wm, f1, fresh):
        await ws.disconnect()
