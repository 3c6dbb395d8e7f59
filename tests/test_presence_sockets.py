"""Presence as members see it, on both backends: deltas, tabs, invisible, on duty."""

from __future__ import annotations

import os

import pytest
from channels.db import database_sync_to_async

from tests.conftest import communicator, receive_until
from tests.services import REQUIRED

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=["memory", "redis"])
def backend(request, settings):
    """Run the test on the in-process store and bus, and on Redis."""
    if request.param == "memory":
        settings.REDIS_URL = ""
    elif not os.environ.get("REDIS_URL"):
        if REQUIRED:
            pytest.fail("REQUIRE_SERVICES=1 but REDIS_URL is not set")
        pytest.skip("REDIS_URL is not set")
    settings.PRESENCE_COALESCE_SECONDS = 0.05
    return request.param


@pytest.fixture
async def live(backend, rooms, hub):
    """The backend chosen, then a hub started on it."""
    return hub


async def joined(member, slug="late-night"):
    ws = await communicator(f"/ws/rooms/{slug}/", member)
    connected, _ = await ws.connect()
    assert connected
    welcome = await receive_until(ws, "welcome")
    return ws, welcome


async def next_presence(ws, me: str) -> tuple[list[tuple[str, str | None]], int]:
    """The next presence change(s) as [(event, handle)] and the count after them.

    A socket's own join can arrive just after its welcome (which already lists
    it); deltas are set updates, so that echo is harmless and skipped here.
    """
    while True:
        frame = await receive_until(ws, "presence")
        if frame["event"] == "batch":
            changes = [(c["event"], c["handle"]) for c in frame["changes"]]
        else:
            changes = [(frame["event"], frame["handle"])]
        changes = [c for c in changes if c != ("join", me)]
        if changes:
            return changes, frame["count"]


def counts():
    from realtime.presence import presence_counts

    return presence_counts()


async def test_join_and_leave_deltas(live, make_member):
    a = await database_sync_to_async(make_member)("EarlyBird")
    b = await database_sync_to_async(make_member)("NightOwl")
    wa, welcome = await joined(a)
    assert welcome["online"] == ["EarlyBird"] and welcome["online_count"] == 1
    wb, welcome = await joined(b)
    assert welcome["online"] == ["EarlyBird", "NightOwl"]
    assert await next_presence(wa, "EarlyBird") == ([("join", "NightOwl")], 2)
    await wb.disconnect()
    assert await next_presence(wa, "EarlyBird") == ([("leave", "NightOwl")], 1)
    assert (await database_sync_to_async(counts)())["rooms"] == {"late-night": 1}
    await wa.disconnect()


async def test_several_tabs_are_one_presence(live, make_member):
    a = await database_sync_to_async(make_member)("EarlyBird")
    b = await database_sync_to_async(make_member)("NightOwl")
    c = await database_sync_to_async(make_member)("KindLark")
    wa, _ = await joined(a)
    tab1, _ = await joined(b)
    assert await next_presence(wa, "EarlyBird") == ([("join", "NightOwl")], 2)
    tab2, welcome = await joined(b)
    assert welcome["online"] == ["EarlyBird", "NightOwl"] and welcome["online_count"] == 2
    await tab1.disconnect()
    # No leave for NightOwl: the next change A hears about is KindLark joining.
    wc, _ = await joined(c)
    assert await next_presence(wa, "EarlyBird") == ([("join", "KindLark")], 3)
    await tab2.disconnect()
    assert await next_presence(wa, "EarlyBird") == ([("leave", "NightOwl")], 2)
    for ws in (wa, wc):
        await ws.disconnect()


async def test_going_invisible_is_exactly_leaving(live, make_member):
    """Issue 29, item 14: nothing the room sees tells invisibility apart from
    what members do. Going invisible is a leave, an invisible member's tabs
    come and go unseen, coming back is a join (with "open to chat")."""
    a = await database_sync_to_async(make_member)("EarlyBird")
    b = await database_sync_to_async(make_member)("NightOwl", open_to_chat=True)
    c = await database_sync_to_async(make_member)("KindLark", invisible=True)
    wa, _ = await joined(a)
    wb, _ = await joined(b)
    assert await next_presence(wa, "EarlyBird") == ([("join", "NightOwl")], 2)
    # An invisible member joining: no frame, not counted, not listed.
    wc, welcome = await joined(c)
    assert welcome["online"] == ["EarlyBird", "NightOwl"] and welcome["online_count"] == 2
    await wb.send_json_to({"type": "status", "invisible": True})
    assert (await receive_until(wb, "status"))["invisible"] is True
    # Exactly what NightOwl leaving would say: the handle goes and the count drops.
    frame = await receive_until(wa, "presence")
    assert frame == {"type": "presence", "event": "leave", "handle": "NightOwl", "count": 1}
    # Tabs opened and closed while invisible, and open to chat turned off and on: nothing.
    tab, _ = await joined(b)
    await tab.disconnect()
    await wb.send_json_to({"type": "status", "open_to_chat": False})
    await wb.send_json_to({"type": "status", "open_to_chat": True})
    await wc.disconnect()
    newcomer = await database_sync_to_async(make_member)("Wren")
    wn, welcome = await joined(newcomer)
    assert welcome["online"] == ["EarlyBird", "Wren"] and welcome["online_count"] == 2
    assert welcome["open_to_chat"] == []
    assert (await database_sync_to_async(counts)())["online"] == 2
    assert await next_presence(wa, "EarlyBird") == ([("join", "Wren")], 2)
    # Coming back is a join, carrying "open to chat", and the count goes up.
    await wb.send_json_to({"type": "status", "invisible": False})
    frame = await receive_until(wa, "presence")
    assert frame == {
        "type": "presence",
        "event": "join",
        "handle": "NightOwl",
        "open_to_chat": True,
        "count": 3,
    }
    for ws in (wa, wb, wn):
        await ws.disconnect()


async def test_open_to_chat_changes_reach_the_room_live(live, make_member):
    a = await database_sync_to_async(make_member)("EarlyBird")
    b = await database_sync_to_async(make_member)("NightOwl")
    wa, _ = await joined(a)
    wb, _ = await joined(b)
    assert await next_presence(wa, "EarlyBird") == ([("join", "NightOwl")], 2)
    await wb.send_json_to({"type": "status", "open_to_chat": True})
    frame = await receive_until(wa, "presence")
    assert frame == {
        "type": "presence",
        "event": "update",
        "handle": "NightOwl",
        "open_to_chat": True,
        "count": 2,
    }
    await wb.send_json_to({"type": "status", "open_to_chat": False})
    frame = await receive_until(wa, "presence")
    assert (frame["event"], frame["open_to_chat"]) == ("update", False)
    for ws in (wa, wb):
        await ws.disconnect()


async def test_open_to_chat_is_shown(live, make_member):
    a = await database_sync_to_async(make_member)("EarlyBird")
    b = await database_sync_to_async(make_member)("NightOwl", open_to_chat=True)
    wb, _ = await joined(b)
    wa, welcome = await joined(a)
    assert welcome["open_to_chat"] == ["NightOwl"]
    for ws in (wa, wb):
        await ws.disconnect()


async def test_on_duty_counts_only_connected_facilitators(live, make_member, facilitator):
    member = await database_sync_to_async(make_member)("EarlyBird")
    wf, _ = await joined(facilitator)
    assert (await database_sync_to_async(counts)())["facilitators_on_duty"] == 0
    await wf.send_json_to({"type": "duty", "on": True})
    assert (await receive_until(wf, "status"))["on_duty"] is True
    assert (await database_sync_to_async(counts)())["facilitators_on_duty"] == 1
    await wf.disconnect()
    assert (await database_sync_to_async(counts)())["facilitators_on_duty"] == 0
    # Still on duty by choice: counted again when they reconnect.
    wf, _ = await joined(facilitator)
    assert (await database_sync_to_async(counts)())["facilitators_on_duty"] == 1
    await wf.disconnect()
    # Members cannot go on duty.
    wm, _ = await joined(member)
    await wm.send_json_to({"type": "duty", "on": True})
    assert (await receive_until(wm, "error"))["code"] == "not_allowed"
    await wm.disconnect()


async def test_presence_api(live, make_member, client):
    a = await database_sync_to_async(make_member)("EarlyBird")
    wa, _ = await joined(a)
    wb, _ = await joined(a, slug="alcohol")
    body = (await database_sync_to_async(client.get)("/api/presence/")).json()
    assert body == {
        "online": 1,
        "facilitators_on_duty": 0,
        "rooms": {"late-night": 1, "alcohol": 1},
    }
    rooms = (await database_sync_to_async(client.get)("/api/rooms/")).json()
    assert {r["slug"]: r["online"] for r in rooms}["alcohol"] == 1
    for ws in (wa, wb):
        await ws.disconnect()


@pytest.mark.django_db
def test_status_over_http(member_client):
    token = member_client.get("/api/session/").cookies["csrftoken"].value
    response = member_client.post(
        "/api/presence/me/",
        data='{"invisible": true, "open_to_chat": true}',
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200
    assert response.json() == {
        "type": "status",
        "on_duty": False,
        "invisible": True,
        "open_to_chat": True,
    }
    bad = member_client.post(
        "/api/presence/me/",
        data='{"invisible": "yes"}',
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert bad.status_code == 400
    refused = member_client.post(
        "/api/presence/me/",
        data='{"on_duty": true}',
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert refused.status_code == 403


@pytest.fixture
def fast_heartbeat(settings):
    """Heartbeat and idle limits short enough to watch (set before the hub starts)."""
    settings.PRESENCE_HEARTBEAT_SECONDS = 0.05
    settings.SOCKET_IDLE_SECONDS = 0.5


async def test_a_silent_socket_is_closed_and_a_pinging_one_is_not(
    fast_heartbeat, rooms, hub, make_member
):
    import asyncio

    quiet = await database_sync_to_async(make_member)("QuietOne")
    chatty = await database_sync_to_async(make_member)("ChattyOne")
    silent, _ = await joined(quiet)
    alive, _ = await joined(chatty)

    async def keep_pinging():
        # A client pings well within the idle limit (here 0.5 s).
        while True:
            await alive.send_json_to({"type": "ping"})
            await asyncio.sleep(0.1)

    pinger = asyncio.create_task(keep_pinging())
    try:
        while (output := await silent.receive_output(timeout=5))["type"] != "websocket.close":
            pass
        assert output["code"] == 4000
        # Fifteen pongs later (three idle limits), the pinging socket is still open.
        pongs = 0
        while pongs < 15:
            frame = await alive.receive_json_from(timeout=5)
            pongs += frame["type"] == "pong"
    finally:
        pinger.cancel()
    await alive.disconnect()
