"""Issue 23: live for every facilitator (lock, slow mode, pins and sanctions reach
every open dashboard) and frames under the 64 KiB limit (the queue in pages,
the audit log and an item's context as much as fits)."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async

from core.frames import encode
from moderation import reading, services
from moderation.checks import audit
from rooms.services import message_send
from tests.conftest import communicator, receive_until

pytestmark = [pytest.mark.django_db(transaction=True)]


async def dashboard(member):
    ws = await communicator("/ws/moderation/", member)
    assert (await ws.connect())[0]
    return ws


async def frames_until(ws, frame_type: str, timeout: float = 5) -> list[dict]:
    seen = []
    while True:
        frame = await ws.receive_json_from(timeout=timeout)
        seen.append(frame)
        if frame["type"] == frame_type:
            return seen


async def test_lock_slow_mode_pin_and_sanctions_reach_every_dashboard(
    make_member, facilitator, rooms, hub
):
    other = await database_sync_to_async(make_member)("CalmFacil", role="facilitator")
    author = await database_sync_to_async(make_member)("LoudFinch")
    reporter = await database_sync_to_async(make_member)("KindWren")
    said = await database_sync_to_async(message_send)(
        member_id=author.pk, room_slug="newcomers", body="shut up all of you"
    )
    await database_sync_to_async(services.report_create)(
        member_id=reporter.pk, message_id=said.message.id, reason="harassment"
    )
    mine, theirs = await dashboard(facilitator), await dashboard(other)
    for ws in (mine, theirs):
        await receive_until(ws, "queue")
    await mine.send_json_to({"type": "lock", "room": "newcomers", "on": True})
    await mine.send_json_to({"type": "slow_mode", "room": "newcomers", "seconds": 30})
    await mine.send_json_to({"type": "pin", "room": "newcomers", "message": said.message.id})
    changed = [f for f in await frames_until(theirs, "room.changed") if f["type"] == "room.changed"]
    assert changed[0]["locked"] is True and changed[0]["by"] == "SteadyFacil"
    later = await receive_until(theirs, "room.changed")
    assert later["slow_mode_seconds"] == 30
    pinned = await receive_until(theirs, "room.changed")
    assert pinned["pinned"] == said.message.id
    # A sanction taken on one dashboard shows on the other's item at once.
    await mine.send_json_to({"type": "sanction", "handle": "LoudFinch", "step": "mute_1h"})
    while True:
        update = await receive_until(theirs, "queue.update")
        member = update["item"]["member"]
        if member and member["muted_until"]:
            break
    assert member["sanctions"][0]["kind"] == "mute" and member["next_step"] == "mute_1h"
    for ws in (mine, theirs):
        await ws.disconnect()


async def test_a_long_queue_comes_in_pages_under_the_frame_limit(
    make_member, facilitator, rooms, hub, settings
):
    settings.MESSAGE_RATE_LIMIT = "1000/1s"
    settings.REPORT_RATE_LIMIT = "1000/1h"

    def fill() -> int:
        author, reporter = make_member("Wordy"), make_member("Watcher")
        for n in range(60):
            body = f"{n} " + "a long message that goes on " * 70
            sent = message_send(member_id=author.pk, room_slug="newcomers", body=body)
            services.report_create(
                member_id=reporter.pk, message_id=sent.message.id, reason="spam", note="x" * 400
            )
        return 60

    count = await database_sync_to_async(fill)()
    ws = await communicator("/ws/moderation/", facilitator)
    assert (await ws.connect())[0]
    first = await receive_until(ws, "queue")
    assert first["more"] is True
    frames, items = [first], list(first["items"])
    while not frames[-1].get("last"):
        frames.append(await receive_until(ws, "queue.page"))
        items += frames[-1]["items"]
    assert len(frames) >= 3
    assert all(len(json.dumps(f).encode()) <= settings.WEBSOCKET_MAX_FRAME_BYTES for f in frames)
    assert len({i["id"] for i in items}) == count
    await ws.disconnect()


def test_the_audit_log_and_context_fit_one_frame_and_page_on(
    make_member, facilitator, rooms, settings
):
    settings.MESSAGE_RATE_LIMIT = "1000/1s"
    for n in range(300):
        audit(facilitator, "warn", reason=f"{n} " + "r" * 480)
    page = reading.audit_frame(actor_id=facilitator.pk, limit=500)
    assert len(encode(page).encode()) <= settings.WEBSOCKET_MAX_FRAME_BYTES
    assert page["more"] is True and 50 < len(page["entries"]) < 300
    seen = {e["id"] for e in page["entries"]}
    while page["more"]:
        page = reading.audit_frame(
            actor_id=facilitator.pk, limit=500, before=page["entries"][-1]["id"]
        )
        assert not seen & {e["id"] for e in page["entries"]}
        seen |= {e["id"] for e in page["entries"]}
    assert len(seen) == 300

    author, reporter = make_member("Wordy"), make_member("Watcher")
    sent = [
        message_send(
            member_id=author.pk, room_slug="newcomers", body=f"{n}" + "<&>" * 660
        ).message.id
        for n in range(11)
    ]
    services.report_create(member_id=reporter.pk, message_id=sent[5], reason="spam")
    item_id = services.QueueItem.objects.get().pk
    context = reading.item_context(actor_id=facilitator.pk, item_id=item_id)
    assert len(encode(context).encode()) <= settings.WEBSOCKET_MAX_FRAME_BYTES
    ids = [m["id"] for m in context["messages"]]
    assert sent[5] in ids and ids == sorted(ids) and len(ids) < 11
