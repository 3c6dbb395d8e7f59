"""Bad input against a real daphne: what the in-process communicator can't show.

The communicator hands the consumer Python strings, so it bypasses daphne and
autobahn: the 64 KiB frame limit, UTF-8 validation, the encoding of what the
server sends back, and the outgoing size limit. Each case here gets a clear
error frame or close code, and afterwards the same server still serves another
member (tests/test_room_sockets.py covers the same frames in-process).
"""

from __future__ import annotations

import asyncio
import contextlib
import json

import pytest
import websockets

from tests.faults.rawws import OP_CLOSE, OP_TEXT, drain, encode_frame, open_raw, parse_frames
from tests.live import LiveMember, LiveServer, logs_on_failure, next_frame

pytestmark = [pytest.mark.live]

ROOM = "stimulants"
PATH = f"/ws/rooms/{ROOM}/"


@pytest.fixture(scope="module")
def server(live_database):
    server = LiveServer(live_database, MESSAGE_RATE_LIMIT="1000/1s")
    try:
        server.start()
        with logs_on_failure(server):
            yield server
    finally:
        server.stop()


@contextlib.asynccontextmanager
async def joined(member: LiveMember):
    """A member's socket in the room, after its welcome; closed afterwards whatever happens."""
    ws = await member.connect(PATH)
    try:
        welcome = json.loads(await ws.recv())
        assert welcome["type"] == "welcome", welcome
        yield ws, welcome
    finally:
        await ws.close()


async def answer(ws, timeout: float = 10) -> dict:
    """The next frame that is not presence news (other members come and go)."""
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] != "presence":
                return frame


async def closed_with(ws, timeout: float = 10) -> int | None:
    """Read until the server closes; the close code it sent."""
    with contextlib.suppress(websockets.ConnectionClosed):
        async with asyncio.timeout(timeout):
            while True:
                await ws.recv()
    return ws.close_code


async def serves(server: LiveServer) -> None:
    """Another member can still join, talk and be answered."""
    async with joined(LiveMember(server)) as (ws, _):
        await ws.send(json.dumps({"type": "message", "body": "still here", "nonce": "ok"}))
        assert (await next_frame(ws, "ack"))["nonce"] == "ok"
        await ws.send(json.dumps({"type": "ping"}))
        await next_frame(ws, "pong")


async def test_a_frame_over_64_kib_is_closed_1009_by_daphne(server):
    async with joined(LiveMember(server)) as (ws, _):
        await ws.send(json.dumps({"type": "message", "body": "x" * 70_000}))
        assert await closed_with(ws) == 1009
    assert "Exception inside application" not in server.output()
    await serves(server)


async def test_invalid_utf8_in_a_text_frame_is_closed_1007(server):
    member = LiveMember(server)
    sock = open_raw(server.port, PATH, cookie=member.cookie_header())
    try:
        sock.sendall(encode_frame(OP_TEXT, b'{"type": "message", "body": "caf\xe9 \xff"}'))
        data, _ = await asyncio.to_thread(drain, sock, timeout=10)
    finally:
        sock.close()
    closes = [f.close_code for f in parse_frames(data) if f.opcode == OP_CLOSE]
    assert closes == [1007]
    await serves(server)


async def test_binary_frames_get_bad_frame_and_the_socket_stays_up(server):
    async with joined(LiveMember(server)) as (ws, _):
        await ws.send(b"\x00\x01\x02")
        error = await answer(ws)
        assert error["code"] == "bad_frame" and "binary" in error["detail"]
        await ws.send(json.dumps({"type": "ping"}))
        assert await answer(ws) == {"type": "pong"}
    await serves(server)


@pytest.mark.parametrize(
    "text",
    [
        '{"type": "\\ud800"}',  # a lone surrogate, escaped: valid JSON, not valid text
        '{"type": "message", "body": "a\\udfffb"}',
        '{"type": "ping", "\\ud83d": 1}',
        '{"type": "resume", "after": NaN}',
        '{"type": "resume", "after": 1e400}',
        "[" * 30_000 + "]" * 30_000,  # deep, and still under 64 KiB
        '{"type": "history", "before": 1, "limit": 1000000000}',
    ],
)
async def test_strange_but_well_formed_json_is_answered_and_harmless(server, text):
    async with joined(LiveMember(server)) as (ws, _):
        await ws.send(text)
        reply = await answer(ws)
        assert reply["type"] in ("error", "history"), reply
        if reply["type"] == "error":
            assert reply["code"] == "bad_frame" and reply["detail"]
        await ws.send(json.dumps({"type": "ping"}))
        assert await answer(ws) == {"type": "pong"}
    await serves(server)


async def test_a_thousand_frames_a_second_is_rate_limited_then_closed_4429(server):
    frames = []
    async with joined(LiveMember(server)) as (ws, _):
        for _ in range(1000):
            await ws.send('{"type": "ping"}')
        with contextlib.suppress(websockets.ConnectionClosed):
            async with asyncio.timeout(15):
                while True:
                    frames.append(json.loads(await ws.recv()))
        assert ws.close_code == 4429
    limited = [f for f in frames if f["type"] == "error"]
    assert limited and all(f["code"] == "rate_limited" for f in limited)
    # Only about a second's worth (SOCKET_FRAME_RATE, 30) was ever handled.
    assert sum(f["type"] == "pong" for f in frames) < 100
    await serves(server)


async def test_a_room_full_of_long_messages_still_lets_people_in(server):
    """Escaping makes a 2,000-character message up to ~10 kB of JSON; fifty of them
    would make the welcome (or a history page) larger than the 64 KiB daphne may
    send, and nobody could enter the room."""
    long_body = "<&>" * 666
    async with joined(LiveMember(server)) as (ws, _):
        for number in range(12):
            await ws.send(json.dumps({"type": "message", "body": long_body, "nonce": f"L{number}"}))
            await next_frame(ws, "ack")
    async with joined(LiveMember(server)) as (newcomer, welcome):
        assert len(json.dumps(welcome, ensure_ascii=False).encode()) <= 65536
        assert welcome["history"], "the newest messages are there"
        newest = welcome["history"][-1]
        await newcomer.send(json.dumps({"type": "history", "before": newest["id"], "limit": 100}))
        page = await next_frame(newcomer, "history")
        assert page["messages"] and page["messages"][-1]["id"] < newest["id"]
    await serves(server)
