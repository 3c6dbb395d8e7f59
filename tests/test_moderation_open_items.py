"""Issue 23: a queue item takes any number of actions and stays open until a
facilitator resolves it; a mute follows the browser that carried it.

End to end over the public API: members join through ``POST /api/session/``
(their browser gets the device cookie), talk on the room socket and report over
HTTP; the facilitator signs in through ``/facilitators/login/`` and acts through
``POST /api/moderation/actions/<name>/`` with the CSRF token."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from django.utils import timezone

from community.models import Member, Role
from moderation.models import AuditEntry, Mute, QueueItem
from tests.conftest import communicator, receive_until

pytestmark = [pytest.mark.django_db(transaction=True)]

PASSWORD = "a long calm password 42"


def post(client: Client, path: str, body: dict):
    response = client.post(
        path,
        data=json.dumps(body),
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    return response.status_code, response.json()


def browser() -> Client:
    client = Client(enforce_csrf_checks=True)
    client.get("/api/session/")  # the CSRF cookie, as the join page gets it
    return client


def join(client: Client) -> Member:
    status, answer = post(client, "/api/session/", {})
    assert status == 201, answer
    return Member.objects.get(handle=answer["handle"])


def facilitator_signed_in() -> Client:
    staff = Member.objects.create_user("SteadyFacil", role=Role.FACILITATOR)
    staff.set_password(PASSWORD)
    staff.save()
    client = Client(enforce_csrf_checks=True)
    client.get("/facilitators/login/")
    response = client.post(
        "/facilitators/login/",
        {
            "username": "SteadyFacil",
            "password": PASSWORD,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 302
    return client


async def send(member: Member, body: str, nonce: str) -> dict:
    ws = await communicator("/ws/rooms/newcomers/", member)
    assert (await ws.connect())[0]
    await receive_until(ws, "welcome")
    await ws.send_json_to({"type": "message", "body": body, "nonce": nonce})
    while True:
        frame = await ws.receive_json_from(timeout=5)
        if frame["type"] in ("ack", "error"):
            await ws.disconnect()
            return frame


async def welcome_of(member: Member) -> dict:
    ws = await communicator("/ws/rooms/newcomers/", member)
    assert (await ws.connect())[0]
    welcome = await receive_until(ws, "welcome")
    await ws.disconnect()
    return welcome


def history(client: Client) -> list[int]:
    answer = client.get("/api/rooms/newcomers/messages/").json()
    return [m["id"] for m in answer["messages"]]


async def test_report_mute_remove_on_one_item_all_take_effect_and_it_stays_open(rooms, hub):
    sync = database_sync_to_async
    author_browser, reporter_browser = await sync(browser)(), await sync(browser)()
    author = await sync(join)(author_browser)
    await sync(join)(reporter_browser)
    said = await send(author, "you are all pathetic", "n1")
    assert said["type"] == "ack"
    status, _ = await sync(post)(
        reporter_browser, "/api/reports/", {"message": said["id"], "reason": "harassment"}
    )
    assert status == 201
    facil = await sync(facilitator_signed_in)()
    queue = (await sync(facil.get)("/api/moderation/queue/")).json()
    item = next(i for i in queue if i["message"]["id"] == said["id"])
    assert item["member"]["level_name"] == "member"  # trust is off in the suite (services.py)
    assert item["member"]["next_step"] == "warn"

    act = "/api/moderation/actions/{}/"
    status, muted = await sync(post)(
        facil,
        act.format("mute"),
        {"handle": author.handle, "minutes": 60, "room": "newcomers", "item": item["id"]},
    )
    assert status == 200 and muted["until"], muted
    status, removed = await sync(post)(
        facil, act.format("remove_message"), {"message": said["id"], "item": item["id"]}
    )
    assert status == 200, removed
    # Both took effect: the message is gone from the room's history, and the
    # author can't post there.
    assert said["id"] not in await sync(history)(reporter_browser)
    refused = await send(author, "still here", "n2")
    assert refused["type"] == "error" and refused["code"] == "muted" and refused["until"]
    # The item is still open, with both actions on its history and in the audit log.
    queue = (await sync(facil.get)("/api/moderation/queue/")).json()
    still = next(i for i in queue if i["id"] == item["id"])
    assert still["state"] == "open"
    assert [h["action"] for h in still["history"]] == ["mute", "remove_message"]
    assert still["member"]["muted_until"] == muted["until"]
    assert still["member"]["sanctions"][0]["kind"] == "mute"
    assert still["member"]["next_step"] == "mute_1h"
    logged = AuditEntry.objects.filter(item_id=item["id"]).values_list("action", flat=True)
    assert sorted(await sync(list)(logged)) == ["mute", "remove_message"]
    # The author was told, privately, that a message was removed.
    inbox = (await sync(author_browser.get)("/api/inbox/")).json()
    assert any("removed one of your messages" in i["text"] for i in inbox["items"])

    # Resolving needs a reason; then the item is closed and reporters hear.
    status, refused = await sync(post)(facil, act.format("resolve"), {"item": item["id"]})
    assert status == 400
    status, _ = await sync(post)(
        facil, act.format("resolve"), {"item": item["id"], "reason": "removed and muted"}
    )
    assert status == 200
    closed = await sync(QueueItem.objects.get)(pk=item["id"])
    assert closed.state == "resolved"
    inbox = (await sync(reporter_browser.get)("/api/inbox/")).json()
    assert any("reviewed your report and took action" in i["text"] for i in inbox["items"])
    queue = (await sync(facil.get)("/api/moderation/queue/")).json()
    assert item["id"] not in [i["id"] for i in queue]

    # Same browser, new handle: still muted in that room until the mute ends.
    second = await sync(join)(author_browser)
    assert second.pk != author.pk
    # The room says so before they post, and refuses what they send.
    assert (await welcome_of(second))["muted_until"] == muted["until"]
    refused = await send(second, "new name, same me", "n3")
    assert refused["type"] == "error" and refused["code"] == "muted"
    assert refused["until"] == muted["until"]
    # Another browser is not muted by it.
    stranger = await sync(join)(await sync(browser)())
    assert (await welcome_of(stranger))["muted_until"] is None
    assert (await send(stranger, "hello", "n4"))["type"] == "ack"
    # When the mute ends, the new handle may post.
    await sync(Mute.objects.update)(until=timezone.now() - timedelta(seconds=1))
    assert (await send(second, "back, and kinder", "n5"))["type"] == "ack"


async def test_unmute_lifts_the_browsers_mute_too_and_is_audited(rooms, hub):
    sync = database_sync_to_async
    author_browser = await sync(browser)()
    author = await sync(join)(author_browser)
    facil = await sync(facilitator_signed_in)()
    act = "/api/moderation/actions/{}/"
    status, _ = await sync(post)(
        facil, act.format("sanction"), {"handle": author.handle, "step": "mute_24h"}
    )
    assert status == 200
    second = await sync(join)(author_browser)
    assert (await send(second, "hi", "m1"))["code"] == "muted"
    status, answer = await sync(post)(facil, act.format("unmute"), {"handle": author.handle})
    assert status == 200 and answer["action"] == "unmute"
    assert (await send(second, "hi", "m2"))["type"] == "ack"
    assert (await send(author, "thank you", "m3"))["type"] == "ack"
    status, again = await sync(post)(facil, act.format("unmute"), {"handle": author.handle})
    assert status == 400 and again["error"] == "not_muted"
    actions = await sync(list)(AuditEntry.objects.values_list("action", flat=True))
    assert "unmute" in actions and "mute" in actions


def test_the_sanction_button_steps_up_the_ladder_and_old_steps_expire(
    make_member, facilitator, rooms, settings
):
    from moderation.actions import action_parse, action_perform
    from moderation.models import Sanction

    target = make_member("LoudFinch", device_hash="d" * 64)

    def sanction(**fields):
        frame = action_parse(name="sanction", fields={"handle": "LoudFinch", **fields})
        return action_perform(actor_id=facilitator.pk, frame=frame)["step"]

    assert [sanction() for _ in range(3)] == ["warn", "mute_1h", "mute_24h"]
    mutes = sorted(Mute.objects.filter(member=target).values_list("until", flat=True))
    assert len(mutes) == 2 and mutes[1] - mutes[0] > timedelta(hours=22)
    # The next step is a ban (the dashboard asks to confirm it); a facilitator may override.
    from moderation.sanctions import next_step

    assert next_step(target.pk) == "ban"
    assert sanction(step="warn") == "warn"
    # Steps older than SANCTION_LADDER_DAYS fall off the ladder.
    Sanction.objects.update(
        created_at=timezone.now() - timedelta(days=settings.SANCTION_LADDER_DAYS + 1)
    )
    assert next_step(target.pk) == "warn"
    assert sanction(step="ban") == "ban"
    target.refresh_from_db()
    assert target.is_banned
    frame = action_parse(name="unban", fields={"handle": "LoudFinch"})
    action_perform(actor_id=facilitator.pk, frame=frame)
    target.refresh_from_db()
    assert not target.is_banned
    from community.models import BannedDevice

    assert not BannedDevice.objects.filter(token_hash="d" * 64).exists()


async def test_a_block_follows_the_browser_too(rooms, hub):
    """A new handle from the blocked member's browser is hidden from the member who
    blocked them, and can't ask them for a one-on-one chat either."""
    sync = database_sync_to_async
    mine, theirs = await sync(browser)(), await sync(browser)()
    me, them = await sync(join)(mine), await sync(join)(theirs)
    status, _ = await sync(post)(mine, "/api/blocks/", {"handle": them.handle})
    assert status == 200
    again = await sync(join)(theirs)
    said = await send(again, "remember me?", "b1")
    assert said["type"] == "ack"
    assert said["id"] not in await sync(history)(mine)
    status, refused = await sync(post)(theirs, "/api/chats/", {"to": me.handle})
    assert (status, refused["error"]) == (400, "not_available")
    # Everyone else still sees the new handle's message.
    stranger = await sync(browser)()
    await sync(join)(stranger)
    assert said["id"] in await sync(history)(stranger)
