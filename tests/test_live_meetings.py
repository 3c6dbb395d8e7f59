"""A host runs a check-in round with three members over two real daphne processes
sharing one Redis (meetings/): hands go up in order, the floor goes to them in
that order, others' messages wait (refused with ``floor_held``, sent again by
the client when the floor is theirs), and every socket on both processes sees
the same messages and the same meeting changes, none lost, none reordered."""

from __future__ import annotations

import asyncio
import json
import os
from datetime import UTC, datetime, timedelta

import pytest

from tests.browser.staff import LiveStaff
from tests.live import LiveMember, LiveServer, logs_on_failure, next_frame, start_servers

pytestmark = [pytest.mark.live, pytest.mark.redis]


@pytest.fixture(scope="module")
def two_servers(live_database):
    assert os.environ.get("REDIS_URL"), "needs Redis"
    servers = start_servers(LiveServer(live_database), LiveServer(live_database))
    yield servers
    for server in servers:
        server.stop()


def post(client, path: str, body: dict | None = None) -> dict:
    response = client.post(
        path, json=body or {}, headers={"X-CSRFToken": client.cookies["csrftoken"]}
    )
    assert response.status_code in (200, 201), response.text
    return response.json()


async def meeting_where(ws, check, timeout: float = 10) -> dict:
    """The next ``meeting`` frame's object that passes *check* (earlier ones are skipped)."""
    async with asyncio.timeout(timeout):
        while True:
            frame = await next_frame(ws, "meeting", timeout)
            if check(frame["meeting"]):
                return frame["meeting"]


async def send(ws, body: str, nonce: str) -> dict:
    """Send a message; the answer: its ``ack`` or its ``error``."""
    await ws.send(json.dumps({"type": "message", "body": body, "nonce": nonce}))
    async with asyncio.timeout(10):
        while True:
            frame = json.loads(await ws.recv())
            if frame.get("type") in ("ack", "error") and frame.get("nonce", nonce) == nonce:
                return frame


class Watcher:
    """Everything one socket receives, in order, read in the background."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.frames: list[dict] = []
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.ws:
            self.frames.append(json.loads(raw))

    def messages(self) -> list[tuple[int, str, str]]:
        return [(f["id"], f["author"], f["body"]) for f in self.frames if f["type"] == "message"]

    def floors(self) -> list[str]:
        seen = [f["meeting"]["floor"] for f in self.frames if f["type"] == "meeting"]
        return [
            floor for i, floor in enumerate(seen) if floor and floor != (seen[i - 1] if i else None)
        ]

    async def until(self, check, timeout: float = 10) -> None:
        async with asyncio.timeout(timeout):
            while not check(self):
                await asyncio.sleep(0.02)


async def test_a_host_runs_a_check_in_round_with_three_members_over_two_processes(two_servers):
    a, b = two_servers
    with logs_on_failure(a, b):
        host = LiveStaff(a, "FacilAudits")
        start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=1)
        post(
            host.client,
            "/api/meetings/",
            {
                "room": "alcohol",
                "title": "Live check-in",
                "format": "check_in",
                "hosts": ["FacilAudits"],
                "date": start.date().isoformat(),
                "time": start.strftime("%H:%M"),
                "duration_minutes": 60,
            },
        )
        # The heartbeat's duty, run now rather than waited for.
        a.database.manage("shell", "-c", "from meetings.duties import meetings_due; meetings_due()")
        session = host.client.get("/api/meetings/rooms/alcohol/").json()["meeting"]
        assert session["state"] == "waiting" and session["title"] == "Live check-in"
        sid = session["session"]

        ana, ben, cal = LiveMember(a), LiveMember(b), LiveMember(b)
        sockets = {}
        for member in (ana, ben, cal):
            sockets[member.handle] = await member.connect("/ws/rooms/alcohol/")
            await next_frame(sockets[member.handle], "welcome")
        onlooker = LiveMember(a)
        watch_ws = [await onlooker.connect("/ws/rooms/alcohol/", server) for server in (a, b)]
        for ws in watch_ws:
            await next_frame(ws, "welcome")
        watchers = [Watcher(ws) for ws in watch_ws]

        post(host.client, f"/api/meetings/sessions/{sid}/start/")
        post(host.client, f"/api/meetings/sessions/{sid}/round/", {"on": True})
        for ws in sockets.values():
            await meeting_where(ws, lambda m: m["state"] == "live" and m["round"])
        # Hands go up: Ben (process b), Ana (a), Cal (b).
        for member in (ben, ana, cal):
            post(member.client, f"/api/meetings/sessions/{sid}/hand/", {"up": True})
        order = [ben.handle, ana.handle, cal.handle]
        for ws in sockets.values():
            await meeting_where(ws, lambda m: m["hands"] == order)

        # Nobody has the floor yet: Cal's message waits.
        early = await send(sockets[cal.handle], "Cal here, waiting", "cal-1")
        assert early["type"] == "error" and early["code"] == "floor_held"
        assert early["retry_after"] == 5

        spoken = []
        for turn, member in enumerate((ben, ana, cal)):
            state = post(host.client, f"/api/meetings/sessions/{sid}/floor/")
            assert state["floor"] == member.handle and state["hands"] == order[turn + 1 :]
            ws = sockets[member.handle]
            await meeting_where(ws, lambda m, h=member.handle: m["floor"] == h)
            for other in (ben, ana, cal):
                if other is not member:
                    held = await send(sockets[other.handle], "me too", f"{other.handle}-x{turn}")
                    assert held["code"] == "floor_held"
            # Cal's held message goes when the floor is theirs (the client's retry: same nonce).
            body, nonce = (
                ("Cal here, waiting", "cal-1")
                if member is cal
                else (f"{member.handle} shares", f"{member.handle}-1")
            )
            ack = await send(ws, body, nonce)
            assert ack["type"] == "ack", ack
            spoken.append((ack["id"], member.handle, body))
            post(member.client, f"/api/meetings/sessions/{sid}/done/")

        ended = post(host.client, f"/api/meetings/sessions/{sid}/round/", {"on": False})
        assert ended["round"] is False and ended["floor"] is None
        # The round is over: anyone may speak again.
        after = await send(sockets[ana.handle], "thank you all", "ana-2")
        assert after["type"] == "ack"
        spoken.append((after["id"], ana.handle, "thank you all"))

        for watcher in watchers:  # one onlooker socket on each process
            # The room's frames come in the order they were published: once the last
            # message is here, so is every meeting change before it.
            await watcher.until(lambda w: len(w.messages()) >= len(spoken))
            assert watcher.messages() == spoken
            assert [m[0] for m in spoken] == sorted(m[0] for m in spoken)
            assert watcher.floors() == order
        log = host.client.get("/api/meetings/rooms/alcohol/").json()["meeting"]["log"]
        assert [(e["what"], e["handle"]) for e in log if e["what"] == "floor"] == [
            ("floor", h) for h in order
        ]
        for ws in [*sockets.values(), *watch_ws]:
            await ws.close()
