"""Bad input, in-process: every case gets a clear answer and nothing else is affected.

tests/test_room_sockets.py already covers, and this file does not repeat: text
that is not JSON, ``[1, 2]``, an unknown ``type``, a missing or mistyped
``body``, an extra field, ``resume`` with -1 or ``"7"``, ``history`` with
``limit: 0`` or 10⁹, 5,000 nested brackets, binary frames, a frame over 64 KiB,
an empty or 2,001-character body, and flooding. tests/test_members.py covers
bad handles and the basic look-alikes; tests/faults/test_live_bad_input.py what
only a real daphne shows (1009 and 1007 from daphne itself, 4429 at 1,000
frames a second, lone surrogates, the outgoing size limit).
"""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from community.models import Member
from core.frames import MAX_ID, encode
from rooms import chats
from rooms import services as room_services
from rooms.models import Message
from tests.conftest import communicator, receive_until

live_db = pytest.mark.django_db(transaction=True)


async def joined(member, path="/ws/rooms/newcomers/"):
    ws = await communicator(path, member)
    connected, _ = await ws.connect()
    assert connected
    first = await ws.receive_json_from(timeout=5)
    assert first["type"] in ("welcome", "queue"), first
    return ws, first


async def answer(ws) -> dict:
    """The next frame that is not presence chatter."""
    while True:
        frame = await ws.receive_json_from(timeout=5)
        if frame["type"] != "presence":
            return frame


def message(**fields) -> str:
    return json.dumps({"type": "message", **fields})


# Frames not already covered by test_room_sockets, each answered with bad_frame.
BAD_ROOM_FRAMES = {
    # not an object
    "null": "null",
    "number": "42",
    "string": '"hello"',
    "boolean": "true",
    # the type
    "no type": "{}",
    "numeric type": '{"type": 5}',
    "null type": '{"type": null}',
    "type in capitals": message(body="x").replace('"message"', '"MESSAGE"'),
    "a moderation frame": '{"type": "ban", "handle": "QuietOtter"}',
    "a chat-only frame": '{"type": "chat.leave"}',
    "a server frame": '{"type": "welcome"}',
    # wrong field types and values
    "numeric nonce": message(body="x", nonce=5),
    "empty nonce": message(body="x", nonce=""),
    "65-character nonce": message(body="x", nonce="n" * 65),
    "null body": message(body=None),
    "list body": message(body=["x"]),
    "object body": message(body={"text": "x"}),
    "boolean id": '{"type": "resume", "after": true}',
    "float id": '{"type": "resume", "after": 1.0}',
    "NaN id": '{"type": "resume", "after": NaN}',
    "Infinity id": '{"type": "resume", "after": Infinity}',
    "string before": '{"type": "history", "before": "10"}',
    "string status flag": '{"type": "status", "invisible": "yes"}',
    "unknown report reason": '{"type": "report", "message": 1, "reason": "because"}',
    "501-character note": json.dumps(
        {"type": "report", "message": 1, "reason": "spam", "note": "n" * 501}
    ),
    "empty handle": '{"type": "chat.request", "to": ""}',
    # missing fields
    "resume without after": '{"type": "resume"}',
    "history without before": '{"type": "history"}',
    "report without reason": '{"type": "report", "message": 1}',
    "duty without on": '{"type": "duty"}',
    # duplicate keys: the last wins, and it leaves a message without a body
    "duplicate type": '{"type": "ping", "type": "message"}',
    # ids out of range
    "resume after 2^53": f'{{"type": "resume", "after": {MAX_ID + 1}}}',
    "resume after 10^400": '{"type": "resume", "after": 1' + "0" * 400 + "}",
    "resume after 5,000 digits": '{"type": "resume", "after": ' + "9" * 5000 + "}",
    "history limit over 2^53": f'{{"type": "history", "before": 1, "limit": {MAX_ID + 1}}}',
    "negative report id": '{"type": "report", "message": -5, "reason": "spam"}',
    # deeply nested, inside an otherwise good frame
    "nested body": '{"type": "message", "body": ' + "[" * 3000 + "]" * 3000 + "}",
    "nested objects": '{"a": ' * 3000 + "1" + "}" * 3000,
    "nested extra field": '{"type": "ping", "x": ' + "[" * 3000 + "]" * 3000 + "}",
    # NUL is refused outside the body (PostgreSQL can't store it)
    "NUL in the nonce": message(body="x", nonce="a\x00b"),
    "NUL in a handle": '{"type": "chat.request", "to": "Quiet\\u0000Otter"}',
    "NUL in a note": json.dumps({"type": "report", "message": 1, "reason": "spam", "note": "\0"}),
}


@live_db
async def test_bad_frames_get_bad_frame_and_nothing_else_happens(
    member, make_member, rooms, hub, settings
):
    settings.SOCKET_FRAME_RATE = 10_000
    watcher = await database_sync_to_async(make_member)("BraveWren")
    ws, _ = await joined(member)
    other, _ = await joined(watcher)
    for case, text in BAD_ROOM_FRAMES.items():
        await ws.send_to(text_data=text)
        error = await answer(ws)
        assert error["type"] == "error" and error["code"] == "bad_frame", (case, error)
        assert error["detail"] and len(error["detail"]) < 300, (case, error)
        await ws.send_json_to({"type": "ping"})
        assert await answer(ws) == {"type": "pong"}, case
    # Nothing was stored or broadcast: the watcher's next message is this one.
    await ws.send_json_to({"type": "message", "body": "marker", "nonce": "m"})
    assert (await receive_until(other, "message"))["body"] == "marker"
    assert await database_sync_to_async(Message.objects.count)() == 1
    for sock in (ws, other):
        await sock.disconnect()


@live_db
async def test_unknown_type_detail_does_not_echo_a_huge_type(member, rooms, hub):
    ws, _ = await joined(member)
    await ws.send_to(text_data=json.dumps({"type": "x" * 10_000}))
    error = await answer(ws)
    assert error["code"] == "bad_frame" and len(error["detail"]) < 100
    await ws.disconnect()


@live_db
async def test_moderation_and_chat_sockets_answer_bad_frames_too(
    member, make_member, facilitator, rooms, hub
):
    mod, _ = await joined(facilitator, "/ws/moderation/")
    for text in (
        '{"type": "ban"}',
        '{"type": "mute", "handle": "QuietOtter", "minutes": 0}',
        '{"type": "message", "body": "not here"}',
        '{"type": "audit", "limit": 501}',
        '{"type": "pin", "room": "newcomers"}',
    ):
        await mod.send_to(text_data=text)
        error = await answer(mod)
        assert error["type"] == "error" and error["code"] == "bad_frame", (text, error)
    await mod.disconnect()
    other = await database_sync_to_async(make_member)("BraveWren")

    def open_chat():
        asked = chats.chat_request(member_id=other.pk, to="QuietOtter")
        chats.chat_accept(member_id=member.pk, chat_id=asked["chat"])
        return asked["chat"]

    chat_id = await database_sync_to_async(open_chat)()
    ws, _ = await joined(member, f"/ws/chats/{chat_id}/")
    for text in ('{"type": "chat.leave", "chat": 1}', '{"type": "claim", "item": 1}', "[]"):
        await ws.send_to(text_data=text)
        error = await answer(ws)
        assert error["code"] == "bad_frame", (text, error)
    await ws.disconnect()


# --- bodies ---------------------------------------------------------------------------


@live_db
async def test_body_length_is_counted_after_cleaning(member, rooms, hub):
    ws, _ = await joined(member)
    padded = "\u200b \n" + "y" * 2000 + "\u202e\t \n"
    await ws.send_json_to({"type": "message", "body": padded, "nonce": "fits"})
    assert (await receive_until(ws, "ack"))["nonce"] == "fits"
    # 2,001 characters of four bytes each: the limit is in characters, with the number.
    await ws.send_json_to({"type": "message", "body": "\N{SEEDLING}" * 2001, "nonce": "long"})
    error = await receive_until(ws, "error")
    assert error["code"] == "too_long" and error["limit"] == 2000
    await ws.send_json_to({"type": "message", "body": "\u200b\u2060\ufeff\u202e ", "nonce": "e"})
    assert (await receive_until(ws, "error"))["code"] == "empty"
    assert await database_sync_to_async(Message.objects.count)() == 1
    await ws.disconnect()


@live_db
async def test_welcome_and_history_stay_within_the_frame_limit(member, rooms, hub, settings):
    """Escaped HTML makes a 2,000-character body up to ~10 kB of JSON: fifty of those
    would not fit in the 64 KiB daphne may send, so the oldest are left out."""
    settings.MESSAGE_RATE_LIMIT = "1000/1s"
    send = database_sync_to_async(room_services.message_send)
    ids = []
    for _ in range(12):
        result = await send(member_id=member.pk, room_slug="newcomers", body="<&>" * 666)
        ids.append(result.message.id)
    ws, welcome = await joined(member)
    limit = settings.WEBSOCKET_MAX_FRAME_BYTES
    assert len(encode(welcome).encode()) <= limit
    shown = [m["id"] for m in welcome["history"]]
    assert shown and shown == ids[-len(shown) :], "the newest ones, oldest first"
    assert len(shown) < len(ids)
    await ws.send_json_to({"type": "history", "before": shown[0], "limit": 100})
    page = await receive_until(ws, "history")
    assert len(encode(page).encode()) <= limit
    older = [m["id"] for m in page["messages"]]
    before_shown = ids[: ids.index(shown[0])]
    assert older and older == before_shown[-len(older) :], "the next older ones, in order"
    await ws.disconnect()


# --- resume ---------------------------------------------------------------------------


@live_db
async def test_resume_at_the_largest_id_is_fine(member, rooms, hub):
    ws, _ = await joined(member)
    await ws.send_json_to({"type": "resume", "after": MAX_ID})
    resumed = await receive_until(ws, "resumed")
    assert resumed["more"] is False
    await ws.disconnect()


@live_db
async def test_resume_pages_past_resume_max_without_a_gap(
    member, make_member, rooms, hub, settings
):
    """``more: true`` means "resume again after last_id": last_id must be the last
    message of the page, not the socket's newest id, or the rest is skipped."""
    settings.RESUME_MAX = 3
    settings.MESSAGE_RATE_LIMIT = "1000/1s"
    other = await database_sync_to_async(make_member)("BraveWren")
    send = database_sync_to_async(room_services.message_send)
    seen = (await send(member_id=other.pk, room_slug="newcomers", body="seen")).message.id
    missed = [
        (await send(member_id=other.pk, room_slug="newcomers", body=f"missed {n}")).message.id
        for n in range(8)
    ]
    ws, _ = await joined(member)
    got: list[int] = []
    after = seen
    for _ in range(10):
        await ws.send_json_to({"type": "resume", "after": after})
        while (frame := await ws.receive_json_from(timeout=5))["type"] != "resumed":
            if frame["type"] == "message":
                got.append(frame["id"])
        if not frame["more"]:
            break
        after = frame["last_id"]
    assert got == missed
    await ws.disconnect()


# --- reports ----------------------------------------------------------------------------


@live_db
async def test_reporting_another_rooms_message_is_the_same_as_a_missing_one(
    member, make_member, rooms, hub
):
    author = await database_sync_to_async(make_member)("LoudFinch")
    elsewhere = await database_sync_to_async(room_services.message_send)(
        member_id=author.pk, room_slug="alcohol", body="over here"
    )
    ws, _ = await joined(member)
    answers = []
    for message_id in (elsewhere.message.id, elsewhere.message.id + 10_000):
        await ws.send_json_to({"type": "report", "message": message_id, "reason": "spam"})
        answers.append(await receive_until(ws, "error"))
    assert answers[0] == answers[1]
    assert answers[0]["code"] == "not_found"
    await ws.disconnect()


@pytest.mark.django_db
def test_reporting_a_chat_you_are_not_in_is_the_same_as_a_missing_message(make_member, rooms):
    a, b, c = (make_member(h) for h in ("AskingHeron", "ShyBadger", "NosyMagpie"))
    chat_id = chats.chat_request(member_id=a.pk, to="ShyBadger")["chat"]
    chats.chat_accept(member_id=b.pk, chat_id=chat_id)
    slug = chats.chat_room_slug(member_id=a.pk, chat_id=chat_id)
    private = room_services.message_send(member_id=a.pk, room_slug=slug, body="just us").message
    client = Client(enforce_csrf_checks=True)
    client.force_login(c, backend="django.contrib.auth.backends.ModelBackend")
    token = client.get("/api/session/").cookies["csrftoken"].value
    bodies = []
    for message_id in (private.id, private.id + 10_000):
        response = client.post(
            "/api/reports/",
            data=json.dumps({"message": message_id, "reason": "harassment"}),
            content_type="application/json",
            HTTP_X_CSRFTOKEN=token,
        )
        bodies.append((response.status_code, response.json()))
    assert bodies[0] == bodies[1]
    assert bodies[0][0] == 404


# --- HTTP -------------------------------------------------------------------------------


def csrf_client() -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    return client, client.get("/api/session/").cookies["csrftoken"].value


def join(handle: str):
    client, token = csrf_client()
    return client.post(
        "/api/session/",
        data=json.dumps({"handle": handle}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("existing", "attempt", "code"),
    [
        ("Calm_River", "\u202eCalm_River", "bad_characters"),  # right-to-left override
        ("Calm_River", "\u2066Calm_River\u2069", "bad_characters"),  # isolates
        ("Calm_River", "Calm\u200b_River", "bad_characters"),  # zero width space
        ("Calm_River", "Calm_Rive\u0301r", "bad_characters"),  # combining accent
        ("Calm_River", "\uff23alm_River", "bad_characters"),  # fullwidth C
        ("Calm_River", "Calm_Riv\u0435r", "bad_characters"),  # Cyrillic e
        ("Calm_River", "Calm_R\u0456ver", "bad_characters"),  # Cyrillic i
        ("Calm_River", "Calm_\u03a1iver", "bad_characters"),  # Greek Rho
        ("Calm_River", "Calm__River", "handle_taken"),
        ("Calm_River", "  calm_river  ", "handle_taken"),
        ("Morning_Dove", "Moming_Dove", "handle_taken"),  # rn / m
        ("Willow_Hope", "VVillow_Hope", "handle_taken"),  # vv / w
        ("Solo_Bird", "5olo_8ird", "handle_taken"),  # 5 / S, 8 / B
        ("Bold_Otter", "B0ld_0tter", "handle_taken"),  # 0 / O
    ],
)
def test_look_alike_and_disguised_handles_are_refused(existing, attempt, code):
    assert join(existing).status_code == 201
    response = join(attempt)
    assert response.status_code == 400
    assert response.json()["error"] == code
    assert list(Member.objects.values_list("handle", flat=True)) == [existing]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("[" * 8000 + "]" * 8000, 400, "bad_json"),  # nested too deeply
        (b'{"handle": "caf\xe9"}', 400, "bad_json"),  # not UTF-8
        ('{"handle": "Calm\\u0000River"}', 400, "bad_field"),
        ('{"handle": "x"}' + " " * 17_000, 413, "too_large"),
        ("null", 400, "bad_json"),
    ],
)
def test_http_bodies_that_are_not_sane_json_get_a_clear_4xx(body, status, code):
    client, token = csrf_client()
    response = client.post(
        "/api/session/", data=body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert (response.status_code, response.json()["error"]) == (status, code)
    assert not Member.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/chats/", {"to": "Quiet\u0000Otter"}),
        ("/api/blocks/", {"handle": "Quiet\u0000Otter"}),
        ("/api/reports/", {"message": 1, "reason": "spam", "note": "\u0000"}),
        ("/api/presence/me/", {"invisible": True, "x\u0000": 1}),
    ],
)
def test_nul_in_member_requests_is_a_400_not_a_server_error(member_client, path, body):
    token = member_client.get("/api/session/").cookies["csrftoken"].value
    response = member_client.post(
        path, data=json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 400, response.content
