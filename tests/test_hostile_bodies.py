"""Every JSON endpoint answers a lone surrogate with a 400 and an oversized body
with a 413, both in JSON: never a 500, never an HTML page."""

from __future__ import annotations

import pytest
from django.test import Client

from community.models import Role

pytestmark = [pytest.mark.django_db]

ENDPOINTS = [
    "/api/session/",
    "/api/session/recover/",
    "/api/session/delete/",
    "/api/presence/me/",
    "/api/blocks/",
    "/api/blocks/remove/",
    "/api/chats/",
    "/api/chats/1/accept/",
    "/api/chats/1/decline/",
    "/api/chats/1/leave/",
    "/api/chats/1/block/",
    "/api/dropin/",
    "/api/dropin/1/accept/",
    "/api/reports/",
    "/api/moderation/actions/ban/",
    "/api/moderation/actions/warn/",
]
#: Endpoints that read their body whoever asks.
READ_BY_ANYONE = {"/api/session/", "/api/session/recover/"}
FIELDS = ("handle", "to", "recovery_code", "confirm", "note", "reason", "text", "invisible")
SURROGATE = "{" + ", ".join(f'"{f}": "a\\ud800b"' for f in FIELDS) + ', "message": 1}'
SURROGATE_KEY = '{"\\udfff": 1, "handle": "Calm"}'


@pytest.fixture(params=["visitor", "member", "facilitator"])
def client(request, make_member, rooms):
    client = Client()
    if request.param != "visitor":
        role = Role.FACILITATOR if request.param == "facilitator" else Role.MEMBER
        member = make_member(f"Some{request.param.title()}", role=role)
        client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("body", [SURROGATE, SURROGATE_KEY])
def test_a_lone_surrogate_is_a_clear_4xx(client, path, body):
    response = client.post(path, data=body, content_type="application/json")
    # (A few endpoints never read a body: joining the drop-in line succeeds.)
    assert response.status_code < 500, (path, response.status_code)
    assert response["Content-Type"] == "application/json", path
    if path in READ_BY_ANYONE:
        assert response.status_code == 400 and response.json()["error"] == "bad_field"


@pytest.mark.parametrize("path", ENDPOINTS)
def test_a_body_of_megabytes_is_a_413_in_json(client, path):
    body = '{"handle": "' + "x" * (3 * 1024 * 1024) + '"}'
    response = client.post(path, data=body, content_type="application/json")
    assert response.status_code < 500, (path, response.status_code)
    assert response["Content-Type"] == "application/json", path
    if path in READ_BY_ANYONE:
        assert response.status_code == 413 and response.json()["error"] == "too_large"
