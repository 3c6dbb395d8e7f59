"""What a shared phone's cache, or anything between, may keep; and which answers
are compressed (HTML yes, JSON carrying recovery phrases no)."""

from __future__ import annotations

import gzip

import brotli
import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/", "/rooms/newcomers/", "/resources/", "/chats/", "/api/session/", "/api/rooms/"]
)
def test_nothing_answered_to_a_member_is_stored(rooms, member_client, path):
    response = member_client.get(path)
    assert response.status_code == 200, path
    assert response.headers["Cache-Control"] == "no-store"


def test_joining_is_not_stored_and_a_visitor_page_may_be():
    client = Client(enforce_csrf_checks=True)
    token = client.get("/api/session/").cookies["csrftoken"].value
    joined = client.post(
        "/api/session/", data="{}", content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert joined.status_code == 201
    assert joined.json()["recovery_code"]
    assert joined.headers["Cache-Control"] == "no-store"
    assert "no-store" not in Client().get("/resources/").headers.get("Cache-Control", "")


def test_pages_are_compressed_and_json_never(rooms, member_client):
    plain = member_client.get("/rooms/newcomers/").content
    squeezed = member_client.get("/rooms/newcomers/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert squeezed.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in squeezed.headers["Vary"]
    assert brotli.decompress(squeezed.content) == plain
    assert len(squeezed.content) < len(plain) / 2

    zipped = Client().get("/resources/", HTTP_ACCEPT_ENCODING="gzip")
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert b"Crisis lines" in gzip.decompress(zipped.content)
    assert "Content-Encoding" not in Client().get(
        "/resources/", HTTP_ACCEPT_ENCODING="br;q=0, identity"
    )

    api = member_client.get("/api/rooms/", HTTP_ACCEPT_ENCODING="br, gzip")
    assert len(api.content) > 1024, "big enough that only the rule keeps it plain"
    assert "Content-Encoding" not in api.headers
    assert api.json()


def test_no_page_carries_the_session_or_csrf_secret(rooms, member_client):
    """What makes compressing pages safe against BREACH (docs/security.md)."""
    member_client.get("/api/session/")  # sets the CSRF cookie too
    secrets = [member_client.cookies[name].value for name in ("sessionid", "csrftoken")]
    assert all(secrets)
    for path in ("/", "/rooms/newcomers/", "/resources/", "/chats/", "/join/"):
        html = member_client.get(path).content.decode()
        for secret in secrets:
            assert secret not in html, path
