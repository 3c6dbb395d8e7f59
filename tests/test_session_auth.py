"""A socket's handshake is authenticated from the session cookie in one layer
(realtime.session_auth): the member, which session it was, the cookies, and
nothing of the session's data kept for the socket's life."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from realtime.session_auth import SessionAuth, SessionKey

pytestmark = [pytest.mark.django_db(transaction=True)]


async def scope_seen(headers: list[tuple[bytes, bytes]]) -> dict:
    seen = {}

    async def inner(scope, receive, send):
        seen.update(scope)

    await SessionAuth(inner)({"type": "websocket", "headers": headers}, None, None)
    return seen


def session_of(member) -> str:
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    return client.cookies["sessionid"].value


def cookie(text: str) -> tuple[bytes, bytes]:
    return (b"cookie", text.encode("latin1"))


async def test_a_signed_in_member_is_known_with_their_session(member):
    key = await database_sync_to_async(session_of)(member)
    scope = await scope_seen([(b"host", b"localhost"), cookie(f"lang=es; sessionid={key}")])
    assert scope["user"].pk == member.pk and scope["user"].handle == member.handle
    assert scope["session"] == SessionKey(key)
    assert scope["cookies"] == {"lang": "es", "sessionid": key}


@pytest.mark.parametrize("headers", [[], [cookie("sessionid=not-a-session-key-at-all")]])
async def test_no_session_or_an_unknown_one_is_anonymous(headers):
    scope = await scope_seen(headers)
    assert not scope["user"].is_authenticated
    assert scope["session"] == SessionKey(None)


async def test_a_session_whose_check_fails_is_anonymous_and_ended(member):
    key = await database_sync_to_async(session_of)(member)

    def tamper() -> None:
        store = SessionStore(key)
        store[HASH_SESSION_KEY] = "not the member's hash"
        store.save()

    await database_sync_to_async(tamper)()
    scope = await scope_seen([cookie(f"sessionid={key}")])
    assert not scope["user"].is_authenticated
    assert not await database_sync_to_async(SessionStore().exists)(key)


async def test_the_first_cookie_header_counts_as_in_channels(member):
    key = await database_sync_to_async(session_of)(member)
    scope = await scope_seen([cookie(f"sessionid={key}"), cookie("sessionid=other")])
    assert scope["user"].pk == member.pk
