"""Shared fixtures: members, rooms, logged-in clients and sockets."""

from __future__ import annotations

import contextlib
import itertools
import time
import uuid

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client

from community.models import Member, Role
from core import ratelimit
from moderation import trust, wordlist

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_limits():
    ratelimit.reset()
    wordlist.invalidate()
    trust.reset()
    yield
    ratelimit.reset()


@pytest.fixture(autouse=True)
def _server_frames_match_their_schemas():
    """Every frame the server encodes or publishes during a test must match its
    schema in core.server_frames (docs/protocol.md, "Server → client"); the
    test that sent one that doesn't, or one of an unknown type, fails."""
    from core import frames
    from core.server_frames import all_server_frames, check_server_frame

    all_server_frames()
    problems: list[str] = []

    def check(frame: dict) -> None:
        try:
            check_server_frame(frame)
        except ValueError as exc:  # pydantic's ValidationError is one too
            problems.append(f"{frame!r:.300}\n  {exc}")

    frames.frame_check = check
    yield
    frames.frame_check = None
    if problems:
        pytest.fail("server frames that don't match their schema:\n" + "\n".join(problems[:5]))


@pytest.fixture(autouse=True)
def _fresh_presence(request):
    from realtime.presence import get_store

    yield
    with contextlib.suppress(Exception):  # a test may have broken Redis on purpose
        get_store().clear()


@pytest.fixture
def make_member(db):
    def make(handle: str | None = None, role: str = Role.MEMBER, **fields) -> Member:
        handle = handle or f"Member{next(_counter)}"
        return Member.objects.create_user(handle, role=role, **fields)

    return make


@pytest.fixture
def member(make_member) -> Member:
    return make_member("QuietOtter")


@pytest.fixture
def facilitator(make_member) -> Member:
    return make_member("SteadyFacil", role=Role.FACILITATOR)


@pytest.fixture
def rooms(db):
    from rooms.seed import seed_rooms

    seed_rooms()
    from rooms.models import Room

    return {r.slug: r for r in Room.objects.all()}


@pytest.fixture
def room(rooms):
    return rooms["newcomers"]


def session_cookie(member: Member) -> str:
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    return client.cookies["sessionid"].value


@pytest.fixture
def member_client(member) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    return client


async def communicator(
    path: str, member: Member | None = None, *, origin: str | None = "http://localhost"
) -> WebsocketCommunicator:
    """A test socket to *path* as *member* (not yet connected)."""
    from channels.db import database_sync_to_async

    from kindred.asgi import application

    headers = [(b"host", b"localhost")]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    if member is not None:
        cookie = await database_sync_to_async(session_cookie)(member)
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


async def receive_until(ws: WebsocketCommunicator, frame_type: str, timeout: float = 5) -> dict:
    """Frames until one of *frame_type*; fails the test on timeout."""
    while True:
        frame = await ws.receive_json_from(timeout=timeout)
        if frame.get("type") == frame_type:
            return frame


@pytest.fixture
async def hub(settings):
    """A fresh hub for this test's event loop, stopped afterwards.

    Each test's hub listens on a bus of its own (a Redis prefix per test): member
    ids start again after the tables are emptied, so an event published late by
    an earlier test would otherwise reach this test's member of the same id."""
    from realtime.hub import get_hub, reset_hub

    await reset_hub()
    settings.REDIS_PREFIX = f"{settings.REDIS_PREFIX}-{uuid.uuid4().hex[:8]}"
    yield await get_hub()
    await reset_hub()


async def receive_each(ws: WebsocketCommunicator, *frame_types: str, timeout: float = 5) -> dict:
    """The first frame of each of *frame_types*, in whatever order they arrive."""
    found: dict[str, dict] = {}
    while len(found) < len(frame_types):
        frame = await ws.receive_json_from(timeout=timeout)
        if frame.get("type") in frame_types and frame["type"] not in found:
            found[frame["type"]] = frame
    return found


@pytest.fixture(scope="session", autouse=True)
def _end_stray_database_sessions(django_db_setup, django_db_blocker):
    """Sockets' worker threads keep their own connections; end them before the
    test database is dropped, so it is dropped at once and never left behind."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            others = (
                "FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT pg_terminate_backend(pid) {others}")
                # Termination is asynchronous: wait until they are really gone.
                for _ in range(200):
                    cursor.execute(f"SELECT count(*) {others}")
                    if cursor.fetchone()[0] == 0:
                        break
                    time.sleep(0.01)


@pytest.fixture(scope="session")
def live_database():
    """A migrated database of its own for real daphne processes (created once)."""
    from tests.live import LiveDatabase

    database = LiveDatabase()
    yield database
    database.drop()


@pytest.fixture
def trust_on(settings):
    """Trust levels as tests reason about them: a day, three messages, two weeks."""
    settings.TRUST_MIN_HOURS = 24
    settings.TRUST_MIN_MESSAGES = 3
    settings.TRUST_SANCTION_FREE_DAYS = 14
    settings.NEW_MEMBER_MESSAGE_RATE_LIMIT = "100/10s"
    settings.MESSAGE_RATE_LIMIT = "100/10s"
