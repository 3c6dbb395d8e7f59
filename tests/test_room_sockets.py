"""The room socket, through the real ASGI stack (origin check, sessions, hub)."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async

from tests.conftest import communicator, receive_each, receive_until

pytestmark = [pytest.mark.django_db(transaction=True)]


async def joined(member, slug="newcomers"):
    ws = await communicator(f"/ws/rooms/{slug}/", member)
    connected, _ = await ws.connect()
    assert connected
    welcome = await ws.receive_json_from(timeout=5)
    assert welcome["type"] == "welcome", welcome
    return ws, welcome


async def close_code(path, member=None, origin="http://localhost"):
    ws = await communicator(path, member, origin=origin)
    connected, code = await ws.connect()
    if not connected:
        return code
    output = await ws.receive_output(timeout=5)
    assert output["type"] == "websocket.close", output
    return output.get("code")


async def test_no_session_closes_4401(rooms, hub):
    assert await close_code("/ws/rooms/newcomers/") == 4401


async def test_unknown_room_closes_4404(member, rooms, hub):
    assert await close_code("/ws/rooms/no-such-room/", member) == 4404
    assert await close_code("/ws/nothing/here/", member) == 4404


async def test_banned_member_closes_4403(member, rooms, hub):
    member.is_banned = True
    await database_sync_to_async(member.save)()
    assert await close_code("/ws/rooms/newcomers/", member) == 4403


@pytest.mark.parametrize("origin", ["http://evil.example", "null", None])
async def test_foreign_null_or_missing_origin_is_refused(member, rooms, hub, origin):
    ws = await communicator("/ws/rooms/newcomers/", member, origin=origin)
    connected, _ = await ws.connect()
    assert not connected


async def test_welcome_has_room_you_history_and_presence(member, rooms, hub):
    from rooms import services

    await database_sync_to_async(services.message_send)(
        member_id=member.pk, room_slug="newcomers", body="earlier"
    )
    ws, welcome = await joined(member)
    assert welcome["room"]["slug"] == "newcomers"
    assert welcome["you"] == {"handle": "QuietOtter", "role": "member"}
    assert [m["body"] for m in welcome["history"]] == ["earlier"]
    assert welcome["online"] == ["QuietOtter"]
    await ws.disconnect()


async def test_message_reaches_everyone_once_and_sender_gets_ack(member, make_member, rooms, hub):
    other = await database_sync_to_async(make_member)("BraveWren")
    a, _ = await joined(member)
    b, _ = await joined(other)
    await a.send_json_to({"type": "message", "body": "hello <script>x</script>", "nonce": "n1"})
    both = await receive_each(a, "message", "ack")
    got_a, ack = both["message"], both["ack"]
    got_b = await receive_until(b, "message")
    assert got_a == got_b
    assert got_b["body"] == "hello &lt;script&gt;x&lt;/script&gt;"
    assert got_b["author"] == "QuietOtter" and got_b["nonce"] == "n1"
    assert ack == {"type": "ack", "nonce": "n1", "id": got_b["id"]}
    # Exactly once: the next message b sees is the next one sent.
    await a.send_json_to({"type": "message", "body": "marker", "nonce": "n2"})
    assert (await receive_until(b, "message"))["body"] == "marker"
    for ws in (a, b):
        await ws.disconnect()


async def test_same_nonce_twice_one_message_two_identical_acks(member, make_member, rooms, hub):
    other = await database_sync_to_async(make_member)("BraveWren")
    a, _ = await joined(member)
    b, _ = await joined(other)
    for _ in range(2):
        await a.send_json_to({"type": "message", "body": "once", "nonce": "same"})
    acks = [await receive_until(a, "ack"), await receive_until(a, "ack")]
    assert acks[0] == acks[1]
    first = await receive_until(b, "message")
    assert first["id"] == acks[0]["id"]
    await a.send_json_to({"type": "message", "body": "marker", "nonce": "other"})
    assert (await receive_until(b, "message"))["body"] == "marker"
    for ws in (a, b):
        await ws.disconnect()


@pytest.mark.parametrize(
    ("frame", "detail_part"),
    [
        ("not json", "not valid JSON"),
        ("[1,2]", "JSON object"),
        ('{"type": "dance"}', "Unknown frame type"),
        ('{"type": "message"}', "body"),
        ('{"type": "message", "body": 5}', "body"),
        ('{"type": "message", "body": "x", "extra": 1}', "extra"),
        ('{"type": "resume", "after": -1}', "after"),
        ('{"type": "resume", "after": "7"}', "after"),
        ('{"type": "history", "before": 10, "limit": 0}', "limit"),
        ("[" * 5000 + "]" * 5000, "nested"),
    ],
)
async def test_bad_frames_get_bad_frame_and_the_socket_stays_up(
    member, rooms, hub, frame, detail_part
):
    ws, _ = await joined(member)
    await ws.send_to(text_data=frame)
    error = await receive_until(ws, "error")
    assert error["code"] == "bad_frame"
    assert detail_part in error["detail"]
    await ws.send_json_to({"type": "ping"})
    assert (await receive_until(ws, "pong")) == {"type": "pong"}
    await ws.disconnect()


async def test_binary_frames_are_refused_with_a_clear_error(member, rooms, hub):
    ws, _ = await joined(member)
    await ws.send_to(bytes_data=b"\x00\x01")
    error = await receive_until(ws, "error")
    assert error["code"] == "bad_frame" and "binary" in error["detail"]
    await ws.disconnect()


async def test_frame_over_64_kib_closes_1009(member, rooms, hub):
    ws, _ = await joined(member)
    await ws.send_to(text_data=json.dumps({"type": "message", "body": "x" * 70_000}))
    output = await ws.receive_output(timeout=5)
    assert output == {"type": "websocket.close", "code": 1009}


@pytest.mark.parametrize(("body", "code"), [("   ", "empty"), ("y" * 2001, "too_long")])
async def test_service_refusals_are_error_frames(member, rooms, hub, body, code):
    ws, _ = await joined(member)
    await ws.send_json_to({"type": "message", "body": body, "nonce": "z"})
    error = await receive_until(ws, "error")
    assert error["code"] == code
    await ws.disconnect()


async def test_rate_limit_error_carries_retry_after(member, rooms, hub, settings):
    settings.MESSAGE_RATE_LIMIT = "2/10s"
    ws, _ = await joined(member)
    for i in range(3):
        await ws.send_json_to({"type": "message", "body": f"m{i}"})
    error = await receive_until(ws, "error")
    assert error["code"] == "rate_limited" and error["retry_after"] >= 1
    await ws.disconnect()


async def test_slow_mode_and_lock_and_new_handle_wait(member, rooms, hub):
    room = rooms["newcomers"]
    room.slow_mode_seconds = 60
    await database_sync_to_async(room.save)()
    ws, _ = await joined(member)
    await ws.send_json_to({"type": "message", "body": "one"})
    await receive_until(ws, "ack")
    await ws.send_json_to({"type": "message", "body": "two"})
    error = await receive_until(ws, "error")
    assert error["code"] == "slow_mode" and 1 <= error["retry_after"] <= 60
    room.slow_mode_seconds, room.is_locked = 0, True
    await database_sync_to_async(room.save)()
    await ws.send_json_to({"type": "message", "body": "three"})
    assert (await receive_until(ws, "error"))["code"] == "locked"
    room.is_locked, room.members_only_after_minutes = False, 30
    await database_sync_to_async(room.save)()
    await ws.send_json_to({"type": "message", "body": "four"})
    assert (await receive_until(ws, "error"))["code"] == "not_allowed_yet"
    await ws.disconnect()


async def test_resume_after_a_gap_sends_missed_messages_in_order(member, make_member, rooms, hub):
    from rooms import services

    other = await database_sync_to_async(make_member)("BraveWren")
    ws, _ = await joined(member)
    await ws.send_json_to({"type": "message", "body": "seen"})
    seen = await receive_until(ws, "message")
    await ws.disconnect()
    sent = []
    for i in range(5):
        result = await database_sync_to_async(services.message_send)(
            member_id=other.pk, room_slug="newcomers", body=f"missed {i}"
        )
        sent.append(result.message.id)
    ws, _ = await joined(member)
    await ws.send_json_to({"type": "resume", "after": seen["id"]})
    got = []
    while True:
        frame = await ws.receive_json_from(timeout=5)
        if frame["type"] == "resumed":
            break
        if frame["type"] == "message":
            got.append(frame["id"])
    assert got == sent
    assert frame["last_id"] == sent[-1]
    await ws.send_json_to({"type": "resume", "after": 10**15})
    assert (await receive_until(ws, "resumed"))["last_id"] == sent[-1]
    await ws.disconnect()


async def test_history_pages_backwards_and_caps_the_limit(member, rooms, hub, settings):
    from rooms import services

    settings.MESSAGE_RATE_LIMIT = "1000/1s"
    ids = []
    for i in range(120):
        result = await database_sync_to_async(services.message_send)(
            member_id=member.pk, room_slug="newcomers", body=f"m{i}"
        )
        ids.append(result.message.id)
    ws, welcome = await joined(member)
    assert [m["id"] for m in welcome["history"]] == ids[-50:]
    await ws.send_json_to({"type": "history", "before": ids[-50], "limit": 10})
    page = await receive_until(ws, "history")
    assert [m["id"] for m in page["messages"]] == ids[-60:-50]
    await ws.send_json_to({"type": "history", "before": ids[-1], "limit": 10**9})
    page = await receive_until(ws, "history")
    assert len(page["messages"]) == 100
    assert [m["id"] for m in page["messages"]] == ids[-101:-1]
    await ws.disconnect()


async def test_blocked_handles_are_not_delivered(member, make_member, rooms, hub):
    from rooms import services

    other = await database_sync_to_async(make_member)("LoudFinch")
    third = await database_sync_to_async(make_member)("KindLark")
    a, _ = await joined(member)
    b, _ = await joined(other)
    c, _ = await joined(third)
    await database_sync_to_async(services.member_block)(member_id=member.pk, handle="LoudFinch")
    await b.send_json_to({"type": "message", "body": "from the blocked one", "nonce": "b1"})
    await receive_until(b, "ack")
    await c.send_json_to({"type": "message", "body": "from a friend", "nonce": "c1"})
    await receive_until(c, "ack")
    got = await receive_until(a, "message")
    assert got["author"] == "KindLark"
    for ws in (a, b, c):
        await ws.disconnect()


async def test_ping_pong(member, rooms, hub):
    ws, _ = await joined(member)
    await ws.send_json_to({"type": "ping"})
    assert await receive_until(ws, "pong") == {"type": "pong"}
    await ws.disconnect()


async def test_flooding_a_socket_is_rate_limited_then_closed(member, rooms, hub, settings):
    settings.SOCKET_FRAME_RATE = 5
    settings.SOCKET_FLOOD_CLOSE_AFTER = 20
    ws, _ = await joined(member)
    for _ in range(40):
        await ws.send_json_to({"type": "ping"})
    frames = []
    while True:
        output = await ws.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            break
        frames.append(json.loads(output["text"]))
    assert output["code"] == 4429
    assert any(f["type"] == "error" and f["code"] == "rate_limited" for f in frames)


async def test_a_chat_room_is_not_reachable_as_a_room(member, make_member, rooms, hub):
    from rooms import chats

    other = await database_sync_to_async(make_member)("BraveWren")
    asked = await database_sync_to_async(chats.chat_request)(member_id=other.pk, to="QuietOtter")
    from rooms.models import Chat

    slug = await database_sync_to_async(lambda: Chat.objects.get(pk=asked["chat"]).room.slug)()
    # Not a participant's socket path: the same 4404 as a room that doesn't exist.
    assert await close_code(f"/ws/rooms/{slug}/", member) == 4404


async def test_the_server_times_each_send_from_receipt_to_ack(member, rooms, hub):
    from realtime.metrics import SEND_ACK

    before = SEND_ACK.n
    ws, _ = await joined(member)
    await ws.send_json_to({"type": "message", "body": "   ", "nonce": "refused"})
    assert (await receive_until(ws, "error"))["code"] == "empty"
    await ws.send_json_to({"type": "message", "body": "timed", "nonce": "t1"})
    await receive_until(ws, "ack")
    # The acked send is counted, the refused one is not.
    assert SEND_ACK.n == before + 1
    assert 0 < SEND_ACK.max_us < 60e6
    await ws.disconnect()


async def test_recovering_the_handle_elsewhere_closes_the_old_devices_sockets(
    make_member, rooms, hub
):
    from community import recovery
    from community.services import member_recover

    phrase = recovery.generate_phrase()
    member = await database_sync_to_async(make_member)(
        "LostPhone", recovery_hash=recovery.hash_phrase(phrase)
    )
    old, _ = await joined(member)
    await database_sync_to_async(member_recover)(
        handle="LostPhone", recovery_code=phrase, device_token=None
    )
    while (output := await old.receive_output(timeout=5))["type"] != "websocket.close":
        pass
    assert output["code"] == 4401
    # The old device's session can't open a socket again.
    assert await close_code("/ws/rooms/newcomers/", member) == 4401
