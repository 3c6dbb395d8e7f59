"""Request ids (docs/protocol.md, "Request ids"): a client frame's ``ref`` comes
back on the frames that answer it, on every socket kind, and never on what
other members are sent; a malformed ref is refused."""

from __future__ import annotations

import pytest

from core.protocol import REF_MAX_LENGTH
from tests.conftest import receive_each, receive_until
from tests.test_chats import connect, make, opened_async
from tests.test_moderation_sockets import moderation_socket

pytestmark = [pytest.mark.django_db(transaction=True)]

BAD_REFS = ["", "x" * (REF_MAX_LENGTH + 1), 7, None, ["r"]]


async def assert_bad_refs_refused(ws, frame: dict) -> None:
    for bad in BAD_REFS:
        await ws.send_json_to({**frame, "ref": bad})
        error = await receive_until(ws, "error")
        assert error["code"] == "bad_frame" and "ref" not in error, (bad, error)


async def test_room_socket_answers_carry_the_ref_and_broadcasts_do_not(make_member, rooms, hub):
    a, b = await make(make_member, "RefHeron", "RefBadger")
    wa, _ = await connect("/ws/rooms/newcomers/", a)
    wb, _ = await connect("/ws/rooms/newcomers/", b)

    await wa.send_json_to({"type": "ping", "ref": "p-1"})
    assert await receive_until(wa, "pong") == {"type": "pong", "ref": "p-1"}
    await wa.send_json_to({"type": "message", "body": "hello", "nonce": "n1", "ref": "m-1"})
    got = await receive_each(wa, "ack", "message")
    assert got["ack"]["ref"] == "m-1"
    # The sender's own copy of the message is the room's broadcast, not the answer.
    assert "ref" not in got["message"]
    assert "ref" not in await receive_until(wb, "message")

    await wa.send_json_to({"type": "message", "body": "   ", "nonce": "n2", "ref": "m-2"})
    error = await receive_until(wa, "error")
    assert (error["code"], error["ref"]) == ("empty", "m-2")
    await wa.send_json_to({"type": "history", "before": 10**15, "ref": "h-1"})
    assert (await receive_until(wa, "history"))["ref"] == "h-1"
    await wa.send_json_to({"type": "resume", "after": 0, "ref": "r-1"})
    assert (await receive_until(wa, "resumed"))["ref"] == "r-1"

    # A frame refused for another field still says which request it answers.
    await wa.send_json_to({"type": "history", "before": -1, "ref": "h-2"})
    error = await receive_until(wa, "error")
    assert (error["code"], error["ref"]) == ("bad_frame", "h-2")
    await assert_bad_refs_refused(wa, {"type": "ping"})
    # Without a ref, answers are exactly as before.
    await wa.send_json_to({"type": "ping"})
    assert await receive_until(wa, "pong") == {"type": "pong"}
    for ws in (wa, wb):
        await ws.disconnect()


async def test_chat_socket_answers_carry_the_ref(make_member, rooms, hub):
    a, b = await make(make_member, "RefWren", "RefElk")
    chat = await opened_async(a, b)
    wa, _ = await connect(f"/ws/chats/{chat.pk}/", a)
    wb, _ = await connect("/ws/rooms/newcomers/", b)

    await wa.send_json_to({"type": "message", "body": "hi", "nonce": "c1", "ref": "c-1"})
    assert (await receive_until(wa, "ack"))["ref"] == "c-1"
    await wa.send_json_to({"type": "chat.request", "to": "RefElk", "ref": "c-2"})
    error = await receive_until(wa, "error")
    assert (error["code"], error["ref"]) == ("already_open", "c-2")
    await assert_bad_refs_refused(wa, {"type": "chat.leave"})

    await wa.send_json_to({"type": "chat.leave", "ref": "c-3"})
    closed = await receive_until(wa, "chat.closed")
    assert (closed["by"], closed["ref"]) == ("RefWren", "c-3")
    # The other participant is told on their own socket, without anyone's ref.
    assert "ref" not in await receive_until(wb, "chat.closed")
    for ws in (wa, wb):
        await ws.disconnect()


async def test_moderation_socket_answers_carry_the_ref(make_member, facilitator, rooms, hub):
    (member,) = await make(make_member, "RefFinch")
    wf, _ = await moderation_socket(facilitator)
    wm, _ = await connect("/ws/rooms/newcomers/", member)

    await wf.send_json_to({"type": "audit", "ref": "a-1"})
    audit = await receive_until(wf, "audit")
    assert audit["ref"] == "a-1"
    await wf.send_json_to({"type": "claim", "item": 10**9, "ref": "a-2"})
    error = await receive_until(wf, "error")
    assert (error["code"], error["ref"]) == ("not_found", "a-2")
    await wf.send_json_to({"type": "warn", "handle": "RefFinch", "text": "gently", "ref": "a-3"})
    done = await receive_until(wf, "done")
    assert (done["action"], done["ref"]) == ("warn", "a-3")
    assert "ref" not in await receive_until(wm, "notice")
    await assert_bad_refs_refused(wf, {"type": "audit"})
    for ws in (wf, wm):
        await ws.disconnect()


@pytest.fixture
def in_process_bus(settings):
    # The bus's in-process path delivers a close to the hub before the service's
    # answer reaches the socket, which makes the ordering below deterministic.
    settings.REDIS_URL = ""


async def test_leaving_a_chat_is_answered_before_its_socket_closes(
    in_process_bus, make_member, rooms, hub
):
    a, b = await make(make_member, "LeaveWren", "LeaveElk")
    chat = await opened_async(a, b)
    wa, _ = await connect(f"/ws/chats/{chat.pk}/", a)
    await wa.send_json_to({"type": "chat.leave", "ref": "bye"})
    answer = await wa.receive_json_from(timeout=5)
    assert (answer["type"], answer["ref"]) == ("chat.closed", "bye")
    closing = await wa.receive_output(timeout=5)
    assert (closing["type"], closing["code"]) == ("websocket.close", 4403)
