"""Access: cross-site WebSocket hijacking, CSRF, and one member reaching another's things.

Covered elsewhere and not repeated: a foreign, ``null`` or missing Origin on a
room socket (tests/test_room_sockets.py), ``ALLOWED_HOSTS=*`` refused with DEBUG
off (tests/test_health_and_settings.py::test_settings_refuse_wildcard_hosts_when_debug_is_off),
members on ``/ws/moderation/`` (tests/test_moderation_sockets.py) and the chat
socket's 4403 for strangers and missing ids (tests/test_chats.py).
"""

from __future__ import annotations

import json
import re

import pytest
from channels.db import database_sync_to_async
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from community.models import Member
from moderation import reading
from moderation import services as moderation
from moderation.actions import ACTIONS
from rooms import chats
from rooms import services as room_services
from rooms.models import Block, Chat, ChatStatus
from tests.conftest import communicator

BACKEND = "django.contrib.auth.backends.ModelBackend"

FOREIGN_ORIGINS = [
    "http://evil.example",
    "null",
    None,
    "https://localhost.evil.example",
    "http://127.0.0.1.evil.example",
    "http://localhost@evil.example",
    "http://evil.example/http://localhost",
    "file://",
]


def logged_in(member: Member) -> tuple[Client, str]:
    """A member's browser, with its CSRF cookie; returns (client, token)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(member, backend=BACKEND)
    return client, client.get("/api/session/").cookies["csrftoken"].value


def post(client: Client, path: str, body: object | None = None, token: str | None = None):
    extra = {"HTTP_X_CSRFTOKEN": token} if token else {}
    data = json.dumps(body) if body is not None else ""
    return client.post(path, data=data, content_type="application/json", **extra)


def open_chat(a: Member, b: Member) -> int:
    chat_id = chats.chat_request(member_id=a.pk, to=b.handle)["chat"]
    chats.chat_accept(member_id=b.pk, chat_id=chat_id)
    return chat_id


# --- cross-site WebSocket hijacking ------------------------------------------------------


async def handshake(path: str, member: Member, origin: str | None) -> tuple[bool, object]:
    ws = await communicator(path, member, origin=origin)
    connected, code = await ws.connect()
    if connected:
        first = await ws.receive_output(timeout=10)
        await ws.disconnect()
        return True, first
    return False, code


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("origin", FOREIGN_ORIGINS)
async def test_moderation_and_chat_sockets_refuse_foreign_origins(
    origin, make_member, facilitator, rooms, hub
):
    a = await database_sync_to_async(make_member)("AskingHeron")
    b = await database_sync_to_async(make_member)("ShyBadger")
    chat_id = await database_sync_to_async(open_chat)(a, b)
    for path, who in (
        ("/ws/moderation/", facilitator),
        (f"/ws/chats/{chat_id}/", a),
        ("/ws/rooms/newcomers/", a),
    ):
        accepted, _ = await handshake(path, who, origin)
        assert not accepted, f"{path} accepted Origin {origin!r}"
        # The same member from the site itself gets in: only the Origin was wrong.
        accepted, first = await handshake(path, who, "http://localhost")
        assert accepted and first["type"] == "websocket.send", (path, first)


# --- another member's things ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_a_member_cannot_read_someone_elses_chat(make_member, rooms, hub):
    a, b, c = [
        await database_sync_to_async(make_member)(h)
        for h in ("AskingHeron", "ShyBadger", "NosyMagpie")
    ]

    def setup():
        chat_id = open_chat(a, b)
        slug = chats.chat_room_slug(member_id=a.pk, chat_id=chat_id)
        room_services.message_send(member_id=a.pk, room_slug=slug, body="only for you")
        return chat_id, slug

    chat_id, slug = await database_sync_to_async(setup)()
    client, _ = await database_sync_to_async(logged_in)(c)
    hidden = await database_sync_to_async(client.get)(f"/api/rooms/{slug}/messages/")
    missing = await database_sync_to_async(client.get)("/api/rooms/chat-0000000000000000/messages/")
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
    assert hidden.status_code == 404 and b"only for you" not in hidden.content

    async def close_code(path):
        ws = await communicator(path, c)
        connected, _ = await ws.connect()
        assert connected
        output = await ws.receive_output(timeout=10)
        assert output["type"] == "websocket.close", output
        return output["code"]

    assert await close_code(f"/ws/chats/{chat_id}/") == await close_code("/ws/chats/999999/")
    assert await close_code(f"/ws/rooms/{slug}/") == await close_code("/ws/rooms/no-such/")


@pytest.mark.django_db
def test_chat_actions_answer_the_same_for_someone_elses_chat_and_a_missing_one(make_member):
    a, _, c = (make_member(h) for h in ("AskingHeron", "ShyBadger", "NosyMagpie"))
    pending = chats.chat_request(member_id=a.pk, to="ShyBadger")["chat"]
    client, token = logged_in(c)
    for action in ("accept", "decline", "leave", "block"):
        theirs = post(client, f"/api/chats/{pending}/{action}/", token=token)
        missing = post(client, f"/api/chats/{pending + 10_000}/{action}/", token=token)
        assert (theirs.status_code, theirs.json()) == (missing.status_code, missing.json()), action
        assert theirs.status_code == 404
    assert Chat.objects.get(pk=pending).status == ChatStatus.REQUESTED, "untouched"
    assert not Block.objects.exists()
    assert chats.my_chats(member_id=c.pk) == []


@pytest.mark.django_db
def test_a_member_cannot_act_as_a_facilitator_over_http(member, make_member, facilitator, room):
    target = make_member("LoudFinch")
    message = room_services.message_send(member_id=target.pk, room_slug=room.slug, body="hi")
    moderation.report_create(member_id=member.pk, message_id=message.message.id, reason="spam")
    item = reading.queue_snapshot(actor_id=facilitator.pk)[0]["id"]
    client, token = logged_in(member)
    for path in ("/api/moderation/queue/", "/api/moderation/audit/", "/api/dropin/line/"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert response.json()["error"] == "not_allowed"
        assert "LoudFinch" not in response.content.decode()
    # An item that exists and one that doesn't: the same answer.
    real = client.get(f"/api/moderation/items/{item}/context/")
    fake = client.get(f"/api/moderation/items/{item + 10_000}/context/")
    assert (real.status_code, real.json()) == (fake.status_code, fake.json())
    assert real.status_code == 403
    body = {
        "item": item,
        "message": message.message.id,
        "handle": "LoudFinch",
        "minutes": 10,
        "room": room.slug,
        "seconds": 30,
        "on": True,
        "reason": "x",
        "text": "x",
    }
    for name, action in ACTIONS.items():
        accepted = set(action.frame.model_fields)
        response = post(
            client,
            f"/api/moderation/actions/{name}/",
            {k: v for k, v in body.items() if k in accepted},
            token,
        )
        assert response.status_code == 403, (name, response.content)
        assert response.json()["error"] == "not_allowed"
    target.refresh_from_db()
    room.refresh_from_db()
    assert not target.is_banned and not room.is_locked and room.slow_mode_seconds == 0
    assert reading.queue_snapshot(actor_id=facilitator.pk)[0]["state"] == "open"
    assert reading.audit_log(actor_id=facilitator.pk) == []
    duty = post(client, "/api/presence/me/", {"on_duty": True}, token)
    assert duty.status_code == 403 and duty.json()["error"] == "not_allowed"


@pytest.mark.django_db(transaction=True)
async def test_a_member_cannot_open_the_queue_or_go_on_duty_on_a_socket(member, rooms, hub):
    queue = await communicator("/ws/moderation/", member)
    assert (await queue.connect())[0]
    output = await queue.receive_output(timeout=10)
    assert output == {"type": "websocket.close", "code": 4403}, "no queue frame first"
    ws = await communicator("/ws/rooms/newcomers/", member)
    await ws.connect()
    assert (await ws.receive_json_from(timeout=5))["type"] == "welcome"
    await ws.send_json_to({"type": "duty", "on": True})
    while (frame := await ws.receive_json_from(timeout=5))["type"] != "error":
        pass
    assert frame["code"] == "not_allowed"
    await ws.disconnect()


# --- bans reach the browser -------------------------------------------------------------


@pytest.mark.django_db
def test_a_banned_members_browser_cannot_start_a_new_session(facilitator):
    browser = Client(enforce_csrf_checks=True)
    token = browser.get("/api/session/").cookies["csrftoken"].value
    joined = post(browser, "/api/session/", {"handle": "LoudFinch"}, token)
    assert joined.status_code == 201
    phrase = joined.json()["recovery_code"]
    assert "kindred_device" in browser.cookies
    moderation.member_ban(actor_id=facilitator.pk, handle="LoudFinch", reason="threats")
    # The old session is over...
    gone = browser.get("/api/session/")
    assert gone.status_code == 403 and gone.json()["error"] == "banned"
    token = browser.cookies["csrftoken"].value
    # ...a new handle from the same browser is refused, and so is recovery...
    again = post(browser, "/api/session/", {"handle": "FreshStart"}, token)
    assert again.status_code == 403 and again.json()["error"] == "banned"
    recover = post(
        browser, "/api/session/recover/", {"handle": "LoudFinch", "recovery_code": phrase}, token
    )
    assert recover.status_code == 403 and recover.json()["error"] == "banned"
    assert not Member.objects.filter(handle="FreshStart").exists()
    # ...and copying the cookie's raw value without its signature is no way around it.
    other = Client(enforce_csrf_checks=True)
    other_token = other.get("/api/session/").cookies["csrftoken"].value
    other.cookies["kindred_device"] = browser.cookies["kindred_device"].value.split(":")[0]
    assert post(other, "/api/session/", {"handle": "OtherSoul"}, other_token).status_code == 201


# --- CSRF on every state-changing endpoint --------------------------------------------------

SAMPLES = {"int": "1", "slug": "newcomers", "str": "x", "path": "1"}


def _sample_route(pattern) -> str:
    text = str(pattern)
    if text.startswith("^") or text.endswith("$"):  # a regular expression (admin)
        text = text.lstrip("^").rstrip("$")

        def group(match: re.Match) -> str:
            body = match.group(2)
            for candidate in (*body.split("|"), "1", "x"):
                if re.fullmatch(body, candidate):
                    return candidate
            return "x"

        text = re.sub(r"\(\?P<(\w+)>([^()]*)\)", group, text)
        return text.replace("\\", "")
    return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: SAMPLES.get(m.group(1) or "str", "x"), text)


def concrete_urls(patterns=None, prefix: str = ""):
    """One concrete URL for every route in kindred.urls (admin included)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + _sample_route(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from concrete_urls(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield "/" + route


def snapshot() -> dict[str, list[str]]:
    """Every row of every table, as plain values."""
    return {
        model._meta.label: sorted(
            map(
                repr,
                model.objects.order_by("pk").values_list(
                    *[f.attname for f in model._meta.concrete_fields]
                ),
            )
        )
        for model in apps.get_models()
    }


@pytest.mark.django_db
def test_every_state_changing_endpoint_refuses_a_request_without_the_csrf_token(
    member, make_member, facilitator, room
):
    urls = sorted(set(concrete_urls()))
    resolvable = []
    for url in urls:
        try:
            resolve(url)
            resolvable.append(url)
        except Resolver404:
            pass
    assert len(resolvable) >= 0.9 * len(urls), set(urls) - set(resolvable)
    resolvable += [f"/api/moderation/actions/{name}/" for name in ACTIONS]
    api = {u for u in resolvable if u.startswith("/api/")}
    assert {
        "/api/session/",
        "/api/session/delete/",
        "/api/chats/1/block/",
        "/api/dropin/",
        "/api/moderation/actions/newcomers/",
        "/api/reports/",
        "/api/blocks/",
    } <= api
    # The victim is signed in (a facilitator, for the worst case) and their
    # browser sends its cookies, CSRF cookie included; the forged request can't
    # know the token.
    target = make_member("LoudFinch")
    room_services.message_send(member_id=target.pk, room_slug=room.slug, body="hello")
    victims = [logged_in(facilitator)[0], logged_in(member)[0], Client(enforce_csrf_checks=True)]
    before = snapshot()
    for url in resolvable:
        if url == "/language/":
            # The language picker takes no token (a token would put a secret into
            # every compressed page, docs/security.md). From another site a browser
            # sends no session cookie with a POST (SameSite=Lax, asserted below), so
            # a forged post only sets that browser's language cookie: nothing stored.
            assert settings.SESSION_COOKIE_SAMESITE == "Lax"
            assert victims[-1].post(url, {"language": "es"}).status_code == 302
            continue
        for client in victims:
            for method in ("post", "delete", "put", "patch"):
                response = getattr(client, method)(
                    url, data='{"handle": "LoudFinch"}', content_type="application/json"
                )
                assert response.status_code == 403, (method, url, response.status_code)
                assert b"CSRF" in response.content, (method, url)
            wrong = client.post(
                url, data="{}", content_type="application/json", HTTP_X_CSRFTOKEN="a" * 32
            )
            assert wrong.status_code == 403 and b"CSRF" in wrong.content, url
    assert snapshot() == before
    # And with the token the same endpoints do answer (they are real, not 403 by accident).
    client, token = logged_in(member)
    accepting = [
        url
        for url in sorted(api)
        if client.post(
            url, data="{}", content_type="application/json", HTTP_X_CSRFTOKEN=token
        ).status_code
        not in (403, 405)
    ]
    assert len(accepting) >= 12, accepting
