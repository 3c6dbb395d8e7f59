"""No ghosts: a daphne process killed with SIGKILL leaves no one behind."""

from __future__ import annotations

import asyncio
import json
import os
import signal

import httpx
import pytest

from tests.live import LiveMember, LiveServer, logs_on_failure, next_frame, own_presence

pytestmark = [pytest.mark.live, pytest.mark.redis]

# Short cycles keep the test quick; the guarantee under test is the same:
# a dead process's members are gone within PRESENCE_TTL + one heartbeat.
FAST_PRESENCE = {
    "PRESENCE_HEARTBEAT_SECONDS": "1",
    "PRESENCE_TTL_SECONDS": "4",
    "PRESENCE_COALESCE_SECONDS": "0.05",
}


async def test_sigkilled_process_members_leave_within_a_minute(live_database):
    assert os.environ.get("REDIS_URL")
    own = own_presence(live_database)
    survivor = LiveServer(live_database, **FAST_PRESENCE, **own).start()
    victim = LiveServer(live_database, **FAST_PRESENCE, **own).start()
    try:
        with logs_on_failure(survivor):
            stayers = [LiveMember(survivor) for _ in range(2)]
            goners = [LiveMember(victim) for _ in range(2)]
            sockets = {}
            for member in stayers + goners:
                ws = await member.connect("/ws/rooms/late-night/")
                await next_frame(ws, "welcome")
                sockets[member.handle] = ws

            def room_count() -> int:
                body = httpx.get(f"{survivor.http}/api/presence/", timeout=5).json()
                return body["rooms"].get("late-night", 0)

            assert room_count() == 4
            victim.kill(signal.SIGKILL)
            gone = {m.handle for m in goners}
            stayed = {m.handle for m in stayers}

            async def watch(ws) -> list[tuple[str, str]]:
                """Presence changes this survivor sees until both victims have left."""
                seen: list[tuple[str, str]] = []
                left: set[str] = set()
                while left != gone:
                    frame = json.loads(await ws.recv())
                    if frame["type"] != "presence":
                        continue
                    changes = frame.get("changes") or [frame]
                    for change in changes:
                        seen.append((change["event"], change["handle"]))
                        if change["event"] == "leave":
                            left.add(change["handle"])
                return seen

            async with asyncio.timeout(60):
                seen_by = await asyncio.gather(*(watch(sockets[h]) for h in stayed))
                while room_count() != 2:
                    await asyncio.sleep(0.2)
            for seen in seen_by:
                assert not [c for c in seen if c[0] == "leave" and c[1] in stayed], "false leave"
            # The survivors are still listed, for a newcomer too.
            newcomer = LiveMember(survivor)
            ws = await newcomer.connect("/ws/rooms/late-night/")
            welcome = await next_frame(ws, "welcome")
            assert set(welcome["online"]) == stayed | {newcomer.handle}
            await ws.close()
            for handle in stayed:
                await sockets[handle].close()
    finally:
        victim.stop()
        survivor.stop()


async def test_a_killed_processs_members_leave_within_the_ttl_and_two_seconds(live_database):
    """The leave deltas follow the expiry, not the next heartbeat: with a
    heartbeat of 5 s and a TTL of 6 s they arrive within TTL + 2 s of the kill."""
    settings = {
        "PRESENCE_HEARTBEAT_SECONDS": "5",
        "PRESENCE_TTL_SECONDS": "6",
        "PRESENCE_COALESCE_SECONDS": "0.05",
    }
    own = own_presence(live_database)
    survivor = LiveServer(live_database, **settings, **own).start()
    victim = LiveServer(live_database, **settings, **own).start()
    try:
        stayer, goner = LiveMember(survivor), LiveMember(victim)
        watching = await stayer.connect("/ws/rooms/late-night/")
        await next_frame(watching, "welcome")
        leaving = await goner.connect("/ws/rooms/late-night/")
        await next_frame(leaving, "welcome")
        killed_at = asyncio.get_running_loop().time()
        victim.kill(signal.SIGKILL)
        async with asyncio.timeout(30):
            while True:
                frame = json.loads(await watching.recv())
                changes = frame.get("changes") or [frame]
                if frame["type"] == "presence" and any(
                    c["event"] == "leave" and c["handle"] == goner.handle for c in changes
                ):
                    break
        assert asyncio.get_running_loop().time() - killed_at <= 6 + 2
        await watching.close()
    finally:
        victim.stop()
        survivor.stop()
