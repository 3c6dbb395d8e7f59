"""One description per moderation action: the socket and ``POST
/api/moderation/actions/<name>/`` parse with the same frame class, refuse the
same values with the same words, and run the same service."""

from __future__ import annotations

import inspect
import json

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from moderation.models import AuditEntry
from rooms.models import Room
from tests.conftest import communicator, receive_until

pytestmark = [pytest.mark.django_db(transaction=True)]


def http_action(member, name: str, body: dict):
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        f"/api/moderation/actions/{name}/", data=json.dumps(body), content_type="application/json"
    )
    return response.status_code, response.json()


async def socket_action(ws, name: str, body: dict) -> dict:
    await ws.send_json_to({"type": name, **body})
    while True:
        frame = await ws.receive_json_from(timeout=5)
        if frame["type"] in ("done", "error"):
            return frame


async def moderation_socket(member):
    ws = await communicator("/ws/moderation/", member)
    assert (await ws.connect())[0]
    await receive_until(ws, "queue")
    return ws


@pytest.mark.parametrize(
    ("name", "body", "field", "setting"),
    [
        ("mute", {"handle": "LoudFinch"}, "minutes", "MUTE_MAX_MINUTES"),
        ("slow_mode", {"room": "newcomers"}, "seconds", "SLOW_MODE_MAX_SECONDS"),
    ],
)
async def test_http_and_socket_refuse_a_value_over_the_setting_alike(
    name, body, field, setting, make_member, facilitator, rooms, hub, settings
):
    await database_sync_to_async(make_member)("LoudFinch")
    limit = getattr(settings, setting)
    ws = await moderation_socket(facilitator)
    over = {**body, field: limit + 1}
    on_socket = await socket_action(ws, name, over)
    status, over_http = await database_sync_to_async(http_action)(facilitator, name, over)
    assert on_socket["type"] == "error" and on_socket["code"] == "bad_frame"
    assert on_socket["detail"] == f"{field}: at most {limit} {field}"
    assert (status, over_http) == (400, {"error": "bad_frame", "detail": on_socket["detail"]})
    # The limit itself is accepted both ways.
    at_limit = {**body, field: limit}
    assert (await socket_action(ws, name, at_limit))["type"] == "done"
    status, answer = await database_sync_to_async(http_action)(facilitator, name, at_limit)
    assert status == 200 and answer["type"] == "done" and answer["action"] == name
    # The setting is read when a frame arrives: lowering it refuses what was fine.
    setattr(settings, setting, limit - 1)
    refused = await socket_action(ws, name, at_limit)
    assert refused["detail"] == f"{field}: at most {limit - 1} {field}"
    status, over_http = await database_sync_to_async(http_action)(facilitator, name, at_limit)
    assert (status, over_http["detail"]) == (400, refused["detail"])
    await ws.disconnect()


async def test_a_year_long_mute_is_refused_on_both_paths(make_member, facilitator, rooms, hub):
    """The socket used to accept up to 525,600 minutes and then refuse with
    bad_minutes; now both paths refuse with bad_frame and nothing is stored."""
    await database_sync_to_async(make_member)("LoudFinch")
    year = {"handle": "LoudFinch", "minutes": 525_600}
    ws = await moderation_socket(facilitator)
    assert (await socket_action(ws, "mute", year))["code"] == "bad_frame"
    status, answer = await database_sync_to_async(http_action)(facilitator, "mute", year)
    assert (status, answer["error"]) == (400, "bad_frame")
    assert not await AuditEntry.objects.filter(action="mute").aexists()
    await ws.disconnect()


def test_the_http_action_takes_exactly_the_frame_fields(make_member, facilitator, rooms):
    make_member("LoudFinch")
    status, answer = http_action(facilitator, "lock", {"room": "newcomers", "on": True, "x": 1})
    assert (status, answer["error"], answer["detail"]) == (
        400,
        "bad_frame",
        "x: Extra inputs are not permitted",
    )
    status, answer = http_action(facilitator, "lock", {"room": "newcomers"})
    assert (status, answer) == (400, {"error": "bad_frame", "detail": "on: Field required"})
    status, answer = http_action(
        facilitator, "lock", {"type": "ban", "room": "newcomers", "on": True}
    )
    assert (status, answer["error"]) == (400, "bad_frame")
    assert not Room.objects.get(slug="newcomers").is_locked
    # "type" may be sent as long as it names this action; warn needs no text.
    status, answer = http_action(
        facilitator, "lock", {"type": "lock", "room": "newcomers", "on": True}
    )
    assert status == 200 and Room.objects.get(slug="newcomers").is_locked
    assert http_action(facilitator, "warn", {"handle": "LoudFinch"})[0] == 200
    status, answer = http_action(facilitator, "context", {"item": 1})
    assert (status, answer["error"]) == (404, "unknown_action")


def test_a_member_gets_not_allowed_before_any_field_is_read(member, rooms):
    status, answer = http_action(member, "mute", {"minutes": "a lot"})
    assert (status, answer["error"]) == (403, "not_allowed")


@pytest.mark.django_db(transaction=False)
def test_every_action_frame_field_is_a_keyword_of_its_service():
    """A field with no keyword would fail only when the action is taken."""
    from moderation.actions import ACTIONS, SERVICE_KEYWORDS

    for name, action in ACTIONS.items():
        keywords = set(inspect.signature(action.service).parameters) - {"actor_id"}
        fields = {SERVICE_KEYWORDS.get(f, f) for f in action.frame.model_fields} - {"type", "ref"}
        assert fields == keywords, name
