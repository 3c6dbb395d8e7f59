"""Privacy: nothing that identifies a member is stored or logged, old words go, and a
member can delete themselves.

* No IP address, user agent or email in any table after members join, chat,
  report, block and ask for a chat with recognisable values in every header.
* A live daphne's log names handles and never a client address.
* ``purge_messages`` deletes old messages only (90 days by default), keeps a
  moderation item's excerpt after its message is gone, and deletes closed items
  after ``MODERATION_RETENTION_DAYS``.
* ``POST /api/session/delete/`` asks for confirmation, then deletes the member
  and everything they wrote, ends the session and removes their messages live.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import timedelta

import httpx
import pytest
import websockets
from channels.db import database_sync_to_async
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from community.models import Member
from community.privacy import CONFIRM_SALT
from moderation import services as moderation
from moderation.models import ItemState, QueueItem
from rooms import services as room_services
from rooms.models import Message
from tests.conftest import communicator, receive_until
from tests.live import LiveServer, logs_on_failure, next_frame

BACKEND = "django.contrib.auth.backends.ModelBackend"

# Recognisable values that must never be kept.
CLIENT_IP = "203.0.113.77"
FORWARDED_IP = "198.51.100.23"
PROXY_IP = "192.0.2.99"
USER_AGENT = "KindredPrivacyProbe/7.3 (Tracker; +https://probe.example)"
EMAIL = "someone.real@example.org"
IDENTIFYING = (CLIENT_IP, FORWARDED_IP, PROXY_IP, "KindredPrivacyProbe", EMAIL)
HEADERS = {
    "REMOTE_ADDR": CLIENT_IP,
    "HTTP_USER_AGENT": USER_AGENT,
    "HTTP_X_FORWARDED_FOR": f"{FORWARDED_IP}, {PROXY_IP}",
    "HTTP_X_REAL_IP": FORWARDED_IP,
    "HTTP_FROM": EMAIL,
}


def dump_database() -> str:
    """Every value of every row of every model, as text (sessions decoded)."""
    parts = []
    for model in apps.get_models():
        for row in model.objects.all().values_list():
            parts.append(" ".join(map(str, row)))
    for session in Session.objects.all():
        parts.append(json.dumps(session.get_decoded(), default=str))
    return "\n".join(parts)


def browser() -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True, **HEADERS)
    return client, client.get("/api/session/").cookies["csrftoken"].value


def api(client: Client, token: str, path: str, body: object | None = None):
    data = json.dumps(body) if body is not None else ""
    return client.post(path, data=data, content_type="application/json", HTTP_X_CSRFTOKEN=token)


# --- nothing identifying is stored -------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_no_ip_user_agent_or_email_is_stored_anywhere(rooms, hub, facilitator):
    a_client, a_token = await database_sync_to_async(browser)()
    b_client, b_token = await database_sync_to_async(browser)()
    call = database_sync_to_async(api)
    for client, token, handle in (
        (a_client, a_token, "Quiet_Probe"),
        (b_client, b_token, "Other_Probe"),
    ):
        assert (await call(client, token, "/api/session/", {"handle": handle})).status_code == 201
    # Signing in rotates the CSRF token.
    a_token, b_token = (c.cookies["csrftoken"].value for c in (a_client, b_client))
    a = await database_sync_to_async(Member.objects.get)(handle="Quiet_Probe")
    # Chat on a socket that carries the same headers and a client address.
    ws = await communicator("/ws/rooms/newcomers/", a)
    ws.scope["headers"] += [
        (b"user-agent", USER_AGENT.encode()),
        (b"x-forwarded-for", f"{FORWARDED_IP}, {PROXY_IP}".encode()),
    ]
    ws.scope["client"] = (CLIENT_IP, 51515)
    assert (await ws.connect())[0]
    await receive_until(ws, "welcome")
    await ws.send_json_to({"type": "message", "body": "hello from the probe", "nonce": "p1"})
    mine = await receive_until(ws, "ack")
    await ws.disconnect()
    # And every other thing a member can do over HTTP.
    b_messages = await database_sync_to_async(b_client.get)("/api/rooms/newcomers/messages/")
    assert b_messages.status_code == 200
    for path, body in (
        ("/api/reports/", {"message": mine["id"], "reason": "spam", "note": "just checking"}),
        ("/api/blocks/", {"handle": "Quiet_Probe"}),
        ("/api/blocks/remove/", {"handle": "Quiet_Probe"}),
        ("/api/chats/", {"to": "Quiet_Probe"}),
        ("/api/presence/me/", {"open_to_chat": True}),
        ("/api/dropin/", None),
    ):
        response = await call(b_client, b_token, path, body)
        assert response.status_code < 300, (path, response.content)
    recovered = await call(
        a_client, a_token, "/api/session/recover/", {"handle": "Quiet_Probe", "recovery_code": "x"}
    )
    assert recovered.status_code == 400
    dump = await database_sync_to_async(dump_database)()
    assert "Quiet_Probe" in dump and "hello from the probe" in dump, "the dump sees the data"
    for value in IDENTIFYING:
        assert value not in dump, f"{value!r} was stored"
    assert not re.search(r"\b(?:\d{1,3}\.){3}\d{1,3}\b", dump), "something like an address"


# --- the logs name handles, not addresses -------------------------------------------------


def _is_daphne_startup(line: str) -> bool:
    """daphne's own lines about the address it listens on (not a client's)."""
    return bool(re.search(r"daphne\.(cli|server) (Starting server|Listening on|Configuring)", line))


@pytest.mark.live
async def test_a_live_servers_log_names_handles_and_never_addresses(live_database):
    server = LiveServer(live_database)
    # The client comes from another loopback address, so its address is not
    # the server's own (which daphne names when it starts listening).
    transport = httpx.HTTPTransport(local_address="127.0.0.2")
    headers = {"User-Agent": USER_AGENT, "X-Forwarded-For": f"{FORWARDED_IP}, {PROXY_IP}"}
    try:
        with logs_on_failure(server):
            server.start()
            client = httpx.Client(
                base_url=server.http, transport=transport, headers=headers, timeout=10
            )
            client.get("/api/session/")
            csrf = {"X-CSRFToken": client.cookies["csrftoken"]}
            joined = client.post("/api/session/", json={}, headers=csrf)
            assert joined.status_code == 201
            handle = joined.json()["handle"]
            csrf = {"X-CSRFToken": client.cookies["csrftoken"]}  # rotated on sign-in
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
            async with websockets.connect(
                f"{server.ws}/ws/rooms/newcomers/",
                additional_headers={"Cookie": cookie, **headers},
                origin=f"http://127.0.0.1:{server.port}",
                local_addr=("127.0.0.2", 0),
            ) as ws:
                await next_frame(ws, "welcome")
                await ws.send(json.dumps({"type": "message", "body": "hi", "nonce": "n"}))
                await next_frame(ws, "ack")
                await ws.send(b"binary, to get an error logged perhaps")
                await next_frame(ws, "error")
            blocked = client.post("/api/blocks/", json={"handle": "NoSuchHandle"}, headers=csrf)
            assert blocked.status_code == 404
            assert client.post("/api/session/logout/", headers=csrf).status_code == 200
            client.close()
            await asyncio.sleep(0)  # nothing to wait for: the log is written as it happens
            output = server.output()
            assert f"member joined handle={handle}" in output
            for value in (*IDENTIFYING, "127.0.0.2"):
                assert value not in output, f"{value!r} is in the log"
            for line in output.splitlines():
                if "127.0.0.1" in line:
                    assert _is_daphne_startup(line), line
    finally:
        server.stop()


# --- retention ----------------------------------------------------------------------------


def _age(message_id: int, days: float) -> None:
    Message.objects.filter(pk=message_id).update(sent_at=timezone.now() - timedelta(days=days))


@pytest.mark.django_db
def test_purge_messages_deletes_only_older_messages_default_90_days(
    member, make_member, room, settings
):
    settings.MESSAGE_RATE_LIMIT = "1000/1s"
    reporter = make_member("KindLark")
    ages = {"fresh": 1, "month": 40, "season": 89, "old": 91, "ancient": 400}
    ids = {}
    for name, days in ages.items():
        sent = room_services.message_send(member_id=member.pk, room_slug=room.slug, body=name)
        ids[name] = sent.message.id
        _age(sent.message.id, days)
    moderation.report_create(
        member_id=reporter.pk, message_id=ids["ancient"], reason="harassment", note="see this"
    )
    item = QueueItem.objects.get(message_id=ids["ancient"])
    assert "ancient" in item.excerpt

    call_command("purge_messages")
    left = set(Message.objects.values_list("pk", flat=True))
    assert left == {ids["fresh"], ids["month"], ids["season"]}
    item.refresh_from_db()
    assert item.message_id is None and "ancient" in item.excerpt, "the excerpt stays"

    call_command("purge_messages", "--older-than", "30")
    assert set(Message.objects.values_list("pk", flat=True)) == {ids["fresh"]}
    call_command("purge_messages", "--older-than", "0")
    assert not Message.objects.exists()
    with pytest.raises(CommandError):
        call_command("purge_messages", "--older-than", "-1")


@pytest.mark.django_db
def test_purge_deletes_closed_moderation_items_after_their_retention(
    member, make_member, room, settings
):
    settings.MODERATION_RETENTION_DAYS = 180
    settings.MESSAGE_RATE_LIMIT = "1000/1s"
    reporter = make_member("KindLark")
    items = {}
    for name in ("closed_long_ago", "closed_recently", "open_long_ago"):
        sent = room_services.message_send(member_id=member.pk, room_slug=room.slug, body=name)
        moderation.report_create(member_id=reporter.pk, message_id=sent.message.id, reason="spam")
        items[name] = QueueItem.objects.get(message_id=sent.message.id).pk
    now = timezone.now()
    QueueItem.objects.filter(pk=items["closed_long_ago"]).update(
        state=ItemState.RESOLVED, closed_at=now - timedelta(days=181)
    )
    QueueItem.objects.filter(pk=items["closed_recently"]).update(
        state=ItemState.DISMISSED, closed_at=now - timedelta(days=179)
    )
    QueueItem.objects.filter(pk=items["open_long_ago"]).update(created_at=now - timedelta(days=400))
    call_command("purge_messages")
    assert set(QueueItem.objects.values_list("pk", flat=True)) == {
        items["closed_recently"],
        items["open_long_ago"],
    }


# --- deleting yourself ---------------------------------------------------------------------


def _old_confirmation(member_id: int) -> str:
    """A real confirmation token, signed eleven minutes ago (it lives ten)."""

    class Earlier(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(timezone.now().timestamp()) - 11 * 60)

    return Earlier(salt=CONFIRM_SALT).sign_object(
        {"member": member_id}, serializer=signing.JSONSerializer
    )


@pytest.mark.django_db(transaction=True)
async def test_deleting_yourself_takes_two_steps_and_removes_everything_live(
    member, make_member, rooms, hub, settings
):
    settings.MESSAGE_RATE_LIMIT = "1000/1s"
    other = await database_sync_to_async(make_member)("BraveWren")
    send = database_sync_to_async(room_services.message_send)
    mine = [
        (await send(member_id=member.pk, room_slug=slug, body=f"mine in {slug}")).message.id
        for slug in ("newcomers", "newcomers", "alcohol")
    ]
    theirs = (await send(member_id=other.pk, room_slug="newcomers", body="theirs")).message.id
    own = await communicator("/ws/rooms/newcomers/", member)
    assert (await own.connect())[0]
    await receive_until(own, "welcome")
    watchers = {}
    for slug in ("newcomers", "alcohol"):
        ws = await communicator(f"/ws/rooms/{slug}/", other)
        assert (await ws.connect())[0]
        await receive_until(ws, "welcome")
        watchers[slug] = ws
    client = Client(enforce_csrf_checks=True)
    await database_sync_to_async(client.force_login)(member, backend=BACKEND)
    token = (await database_sync_to_async(client.get)("/api/session/")).cookies["csrftoken"].value
    call = database_sync_to_async(api)

    # Step one: nothing is deleted, a token comes back.
    first = await call(client, token, "/api/session/delete/")
    assert first.status_code == 200 and first.json()["confirm"]
    assert await database_sync_to_async(Member.objects.filter(pk=member.pk).exists)()
    # A wrong, expired, or someone else's token: 400, nothing deleted.
    others = await database_sync_to_async(
        lambda: signing.dumps({"member": other.pk}, salt=CONFIRM_SALT)
    )()
    for bad in ("not-a-token", _old_confirmation(member.pk), others, first.json()["confirm"][:-2]):
        refused = await call(client, token, "/api/session/delete/", {"confirm": bad})
        assert refused.status_code == 400, refused.content
        assert refused.json()["error"] == "bad_confirmation"
    assert await database_sync_to_async(Message.objects.filter(pk__in=mine).count)() == 3

    # Step two.
    done = await call(client, token, "/api/session/delete/", {"confirm": first.json()["confirm"]})
    assert done.status_code == 200 and done.json() == {"deleted": True, "messages": 3}
    assert not await database_sync_to_async(Member.objects.filter(pk=member.pk).exists)()
    assert not await database_sync_to_async(Message.objects.filter(author_id=member.pk).exists)()
    assert await database_sync_to_async(Message.objects.filter(pk=theirs).exists)()
    assert (await database_sync_to_async(client.get)("/api/session/")).status_code == 401
    # Their own open sockets end too (and with them, their place in "who's here").
    while (output := await own.receive_output(timeout=5))["type"] != "websocket.close":
        pass
    assert output["code"] == 4401
    # Every connected socket drops each of their messages from view.
    removed = {"newcomers": set(), "alcohol": set()}
    for slug, ws in watchers.items():
        expected = set(mine[:2]) if slug == "newcomers" else {mine[2]}
        while removed[slug] != expected:
            frame = await receive_until(ws, "removed")
            removed[slug].add(frame["id"])
        await ws.disconnect()
