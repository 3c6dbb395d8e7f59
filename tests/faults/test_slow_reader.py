"""A member whose device stops reading is cut loose (4408); the room never notices.

The slow reader is a raw TCP socket with a tiny receive buffer that completes
the WebSocket handshake by hand and then never reads again, so the server's
writes to it pile up in daphne's transport buffer. Meanwhile another member
floods the room with long messages and a third reads normally.
"""

from __future__ import annotations

import asyncio
import contextlib
import json

import pytest
import websockets

from devserver import wait_for
from tests.faults.rawws import OP_CLOSE, drain, open_raw, parse_frames
from tests.live import LiveMember, LiveServer, logs_on_failure

pytestmark = [pytest.mark.faults, pytest.mark.live]

ROOM = "family-and-allies"
PATH = f"/ws/rooms/{ROOM}/"
SETTINGS = {
    "SOCKET_SEND_BUFFER_LIMIT": "65536",
    "SOCKET_SEND_BUFFER_GRACE_SECONDS": "1",
    "MESSAGE_RATE_LIMIT": "100000/1s",
    "SOCKET_FRAME_RATE": "10000",
    "SOCKET_FLOOD_CLOSE_AFTER": "100000",
}
#: About 7.6 kB a frame: 1,900 characters of four UTF-8 bytes each.
BODY = "\N{SEEDLING}" * 1900
MAX_MESSAGES = 3000
IN_FLIGHT = 16


async def read_messages(ws, into: list[dict]) -> None:
    with contextlib.suppress(websockets.ConnectionClosed):
        async for raw in ws:
            frame = json.loads(raw)
            if frame["type"] in ("message", "ack", "error"):
                into.append(frame)


class Flooder:
    """A member sending long messages, a few in flight at a time, until told to stop."""

    def __init__(self, ws, name: str) -> None:
        self.ws = ws
        self.name = name
        self.got: list[dict] = []
        self.sent = 0
        self.reading = asyncio.create_task(read_messages(ws, self.got))

    def acked(self) -> list[int]:
        return [f["id"] for f in self.got if f["type"] == "ack"]

    def errors(self) -> list[dict]:
        return [f for f in self.got if f["type"] == "error"]

    async def send(self, body: str) -> None:
        nonce = f"{self.name}-{self.sent}"
        self.sent += 1
        await self.ws.send(json.dumps({"type": "message", "body": body, "nonce": nonce}))

    async def flood(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            assert self.sent < MAX_MESSAGES, "the slow reader was never closed"
            await wait_for(
                lambda: len(self.acked()) >= self.sent - IN_FLIGHT, timeout=30, what="acks"
            )
            await self.send(BODY)


async def test_a_reader_that_stops_reading_is_closed_4408_and_the_room_goes_on(live_database):
    server = LiveServer(live_database, **SETTINGS)
    sockets = []
    tasks: list[asyncio.Task] = []
    slow = None
    stop = asyncio.Event()
    try:
        with logs_on_failure(server):
            server.start()
            reader, sleeper, *flooding = (LiveMember(server) for _ in range(5))
            slow = open_raw(server.port, PATH, cookie=sleeper.cookie_header(), recv_buffer=4096)
            read_ws = await reader.connect(PATH)
            sockets.append(read_ws)
            reader_got: list[dict] = []
            tasks.append(asyncio.create_task(read_messages(read_ws, reader_got)))
            flooders = []
            for number, member in enumerate(flooding):
                ws = await member.connect(PATH)
                sockets.append(ws)
                flooders.append(Flooder(ws, f"f{number}"))
            tasks += [f.reading for f in flooders]
            tasks += [asyncio.create_task(f.flood(stop)) for f in flooders]
            # Flood until the server lets go of the slow reader.
            closed_line = f"slow reader closed handle={sleeper.handle}"

            def slow_reader_closed() -> bool:
                for task in tasks:
                    if task.done() and not task.cancelled() and task.exception():
                        raise task.exception()
                return closed_line in server.output()

            await wait_for(slow_reader_closed, timeout=60, interval=0.1, what=closed_line)
            stop.set()
            # Read what the slow socket was sent: if it drains in time it ends with
            # the 4408 close frame; after autobahn's close-handshake timeout (1 s)
            # the server drops the connection instead. Either way it is gone.
            data, ended = await asyncio.to_thread(drain, slow, timeout=10)
            assert ended in ("eof", "reset"), "the server let go of the slow reader"
            closes = [f.close_code for f in parse_frames(data) if f.opcode == OP_CLOSE]
            assert closes in ([], [4408]), closes
            # The rest of the room was never held up, and goes on after it went.
            for flooder in flooders:
                await flooder.send("still here")
            for flooder in flooders:
                await wait_for(
                    lambda f=flooder: len(f.acked()) == f.sent, timeout=30, what="every ack"
                )
                assert not flooder.errors(), flooder.errors()[:3]
            ids = {i for f in flooders for i in f.acked()}
            assert len(ids) == sum(f.sent for f in flooders)

            def reader_ids() -> list[int]:
                return [f["id"] for f in reader_got if f["type"] == "message"]

            await wait_for(
                lambda: ids <= set(reader_ids()), timeout=30, what="the reader to get everything"
            )
            assert reader_ids() == sorted(set(reader_ids())), "in order, once each"
            # The server itself is fine, and the slow member may come back.
            again = await sleeper.connect(PATH)
            sockets.append(again)
            assert json.loads(await again.recv())["type"] == "welcome"
            print(
                f"slow reader closed after {len(ids)} messages; "
                f"close frame seen: {bool(closes)} ({ended})"
            )
    finally:
        stop.set()
        for task in tasks:
            task.cancel()
        for ws in sockets:
            with contextlib.suppress(Exception):
                await ws.close()
        if slow is not None:
            slow.close()
        server.stop()
