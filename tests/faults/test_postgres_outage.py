"""PostgreSQL becomes unreachable: a send is answered, never swallowed.

The daphne process reaches PostgreSQL through a TCP proxy the test can cut (the
shared PostgreSQL is never stopped). While it is cut a message gets
``{"type": "error", "code": "unavailable", "nonce": ...}``, not an ack and not
silence, and ``/healthz`` answers 503. Once it is back the client resends with
the same nonce and the message is stored and delivered exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from urllib.parse import urlparse

import httpx
import pytest

from devserver import wait_for
from tests.faults.tcpproxy import TcpProxy
from tests.live import LiveMember, LiveServer, logs_on_failure

pytestmark = [pytest.mark.faults, pytest.mark.live, pytest.mark.postgres]

ROOM = "newcomers"
PATH = f"/ws/rooms/{ROOM}/"


async def answer_to(ws, nonce: str, timeout: float = 15) -> dict:
    """The ack or error that answers the message sent with *nonce* (skipping the rest)."""
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == "ack" and frame["nonce"] == nonce:
                return frame
            if frame["type"] == "error":
                return frame


async def next_message(ws, timeout: float = 15) -> dict:
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == "message":
                return frame


def send(ws, body: str, nonce: str):
    return ws.send(json.dumps({"type": "message", "body": body, "nonce": nonce}))


async def test_database_outage_is_answered_unavailable_and_the_retry_stores_once(live_database):
    target = urlparse(live_database.env["DATABASE_URL"])
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    proxied = target._replace(netloc=f"{target.username}@127.0.0.1:{proxy.port}").geturl()
    server = LiveServer(live_database, DATABASE_URL=proxied, MESSAGE_RATE_LIMIT="1000/1s")
    sockets = []
    try:
        with logs_on_failure(server):
            proxy.start()
            server.start()
            writer, listener = LiveMember(server), LiveMember(server)
            ws_w = await writer.connect(PATH)
            ws_l = await listener.connect(PATH)
            sockets += [ws_w, ws_l]
            for ws in sockets:
                assert json.loads(await ws.recv())["type"] == "welcome"
            await send(ws_w, "before the outage", "n1")
            assert (await answer_to(ws_w, "n1"))["type"] == "ack"
            assert (await next_message(ws_l))["nonce"] == "n1"

            proxy.cut()
            # Answered, clearly, each time it is tried while the database is away.
            for _ in range(2):
                await send(ws_w, "I need to say this", "n2")
                answer = await answer_to(ws_w, "n2")
                assert answer["type"] == "error", answer
                assert answer["code"] == "unavailable" and answer["nonce"] == "n2"
            health = httpx.get(f"{server.http}/healthz", timeout=10)
            assert health.status_code == 503
            assert health.json()["database"] == "unavailable"
            assert proxy.refused > 0, "the server really tried the database"
            # The way to a crisis line still opens, for a visitor and for a member
            # whose session can't be read right now, and so does the home page.
            resources = httpx.get(f"{server.http}/resources/", timeout=10)
            assert resources.status_code == 200 and "emergency" in resources.text.lower()
            signed_in = writer.client.get("/resources/")
            assert signed_in.status_code == 200 and "emergency" in signed_in.text.lower()
            home = writer.client.get("/")
            assert home.status_code == 200 and "/resources/" in home.text

            proxy.restore()
            await wait_for(
                lambda: httpx.get(f"{server.http}/healthz", timeout=10).status_code == 200,
                timeout=30,
                interval=0.2,
                what="/healthz to recover",
            )
            # The client's retry, with the same nonce, twice (a double tap).
            await send(ws_w, "I need to say this", "n2")
            first = await answer_to(ws_w, "n2")
            await send(ws_w, "I need to say this", "n2")
            second = await answer_to(ws_w, "n2")
            assert first["type"] == second["type"] == "ack", (first, second)
            assert first["id"] == second["id"]
            delivered = await next_message(ws_l)
            assert (delivered["id"], delivered["nonce"]) == (first["id"], "n2")
            # Exactly once: the next thing the listener sees is the next message.
            await send(ws_w, "marker", "n3")
            assert (await answer_to(ws_w, "n3"))["type"] == "ack"
            assert (await next_message(ws_l))["nonce"] == "n3"
            # And it is stored once.
            page = writer.client.get(f"/api/rooms/{ROOM}/messages/?after={first['id'] - 1}")
            stored = [m for m in page.json()["messages"] if m["nonce"] == "n2"]
            assert [m["id"] for m in stored] == [first["id"]]
    finally:
        for ws in sockets:
            with contextlib.suppress(Exception):
                await ws.close()
        server.stop()
        proxy.stop()


async def test_a_send_on_a_connection_the_database_dropped_is_stored_not_refused(live_database):
    """A database restart kills the pooled connections; borrowing doesn't check
    them, so the next send meets a dead one and must go through anyway."""
    server = LiveServer(live_database, MESSAGE_RATE_LIMIT="1000/1s")
    ws = None
    try:
        with logs_on_failure(server):
            server.start()
            writer, listener = LiveMember(server), LiveMember(server)
            ws = await writer.connect(PATH)
            ws_l = await listener.connect(PATH)
            for sock in (ws, ws_l):
                assert json.loads(await sock.recv())["type"] == "welcome"
            await send(ws, "before", "d1")
            assert (await answer_to(ws, "d1"))["type"] == "ack"
            assert (await next_message(ws_l))["nonce"] == "d1"

            # What a restart does to the server's side of every connection.
            live_database._pg_execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{live_database.pg_name}' AND pid <> pg_backend_pid()"
            )
            await send(ws, "after the restart", "d2")
            answer = await answer_to(ws, "d2")
            assert answer["type"] == "ack", answer
            assert (await next_message(ws_l))["nonce"] == "d2"
            await ws_l.close()
    finally:
        if ws is not None:
            with contextlib.suppress(Exception):
                await ws.close()
        server.stop()
