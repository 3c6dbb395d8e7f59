"""Invisibility and "open to chat" across two daphne processes on Redis.

Issue 29, item 14: a member going invisible must look, to everyone else,
exactly like a member leaving (the same frame, the count down by one), and
nothing they do while invisible may show. Issue 22: turning "open to chat" on
reaches the room live, in the other process too.
"""

from __future__ import annotations

import asyncio
import json
import os

import httpx
import pytest

from tests.live import (
    LiveMember,
    LiveServer,
    logs_on_failure,
    next_frame,
    own_presence,
    start_servers,
)

pytestmark = [pytest.mark.live, pytest.mark.redis]

FAST = {"PRESENCE_COALESCE_SECONDS": "0.05"}


async def presence_changes(ws) -> list[dict]:
    """The next presence frame's changes, each as the frame would carry it alone."""
    frame = await next_frame(ws, "presence")
    if frame["event"] == "batch":
        return [{**c, "count": frame["count"]} for c in frame["changes"]]
    return [{k: v for k, v in frame.items() if k != "type"}]


async def status(ws, **fields) -> dict:
    await ws.send(json.dumps({"type": "status", **fields}))
    return await next_frame(ws, "status")


def room_counts(server: LiveServer) -> dict:
    body = httpx.get(f"{server.http}/api/presence/", timeout=5).json()
    return {"online": body["online"], "room": body["rooms"].get("late-night", 0)}


async def test_going_invisible_in_another_process_is_an_ordinary_leave(live_database):
    assert os.environ.get("REDIS_URL")
    own = own_presence(live_database)
    one, two = start_servers(
        LiveServer(live_database, **FAST, **own), LiveServer(live_database, **FAST, **own)
    )
    with logs_on_failure(one, two):
        try:
            watcher, hider, leaver = LiveMember(one), LiveMember(two), LiveMember(two)
            watching = await watcher.connect("/ws/rooms/late-night/")
            await next_frame(watching, "welcome")
            hiding = await hider.connect("/ws/rooms/late-night/")
            await next_frame(hiding, "welcome")
            leaving = await leaver.connect("/ws/rooms/late-night/")
            await next_frame(leaving, "welcome")
            seen: list[dict] = []
            async with asyncio.timeout(20):
                while {c["handle"] for c in seen} != {hider.handle, leaver.handle}:
                    seen += [
                        c for c in await presence_changes(watching) if c["handle"] != watcher.handle
                    ]
            assert room_counts(one) == {"online": 3, "room": 3}

            # "Open to chat" reaches the other process live: Ask to chat appears.
            await status(hiding, open_to_chat=True)
            async with asyncio.timeout(20):
                assert await presence_changes(watching) == [
                    {"event": "update", "handle": hider.handle, "open_to_chat": True, "count": 3}
                ]

            # Going invisible, then a real leave: the two frames differ only in the handle.
            await status(hiding, invisible=True)
            async with asyncio.timeout(20):
                went_invisible = await presence_changes(watching)
            await leaving.close()
            async with asyncio.timeout(20):
                really_left = await presence_changes(watching)
            assert went_invisible == [{"event": "leave", "handle": hider.handle, "count": 2}]
            assert really_left == [{"event": "leave", "handle": leaver.handle, "count": 1}]
            for server in (one, two):
                assert room_counts(server) == {"online": 1, "room": 1}

            # While invisible: more tabs, in both processes, and open to chat off and on.
            extra = await hider.connect("/ws/rooms/late-night/", one)
            welcome = await next_frame(extra, "welcome")
            assert welcome["online"] == [watcher.handle] and welcome["online_count"] == 1
            assert welcome["open_to_chat"] == []
            await status(extra, open_to_chat=False)
            await status(extra, open_to_chat=True)
            await extra.close()
            newcomer = LiveMember(two)
            arriving = await newcomer.connect("/ws/rooms/late-night/")
            welcome = await next_frame(arriving, "welcome")
            assert welcome["online"] == sorted([watcher.handle, newcomer.handle])
            async with asyncio.timeout(20):
                # The next thing the watcher hears is the newcomer, nothing of the invisible one.
                assert await presence_changes(watching) == [
                    {"event": "join", "handle": newcomer.handle, "open_to_chat": False, "count": 2}
                ]

            # Coming back is a join, with Ask to chat.
            await status(hiding, invisible=False)
            async with asyncio.timeout(20):
                assert await presence_changes(watching) == [
                    {"event": "join", "handle": hider.handle, "open_to_chat": True, "count": 3}
                ]
            for ws in (watching, hiding, arriving):
                await ws.close()
        finally:
            one.stop()
            two.stop()
