"""Issue 23: SESSIONS_CREATED_PER_HOUR is enforced per browser and per network
address, the address only ever as a keyed hash naming a counter with a TTL of
an hour: afterwards neither the address nor its hash is in the database or in
the logs."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.core.management import call_command
from django.test import Client

from community.models import Member
from core import redis as kredis
from core import throttle

pytestmark = [pytest.mark.django_db]

ADDRESS = "203.0.113.77"


def join(client: Client) -> tuple[int, dict]:
    response = client.post("/api/session/", data="{}", content_type="application/json")
    return response.status_code, response.json()


def test_the_next_handle_from_one_address_is_refused_and_the_address_is_kept_nowhere(
    settings, caplog
):
    settings.SESSIONS_CREATED_PER_HOUR = 3
    caplog.set_level(logging.DEBUG)
    # Three different browsers (no shared device cookie) behind one address.
    for _ in range(3):
        status, _answer = join(Client(REMOTE_ADDR=ADDRESS))
        assert status == 201
    status, answer = join(Client(REMOTE_ADDR=ADDRESS))
    assert status == 429
    assert answer["error"] == "too_many_handles"
    assert "new handles have been made from here in the last hour" in answer["detail"]
    assert "try again in about 60 minutes" in answer["detail"]
    assert Member.objects.count() == 3
    # Another address is not held up by this one.
    assert join(Client(REMOTE_ADDR="198.51.100.4"))[0] == 201

    hashed = throttle.address_hash(ADDRESS)
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    assert ADDRESS not in dump.getvalue() and hashed not in dump.getvalue()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged  # the joins were logged (by handle)
    assert ADDRESS not in logged and hashed not in logged
    if kredis.enabled():
        client = kredis.sync_client()
        keys = [k.decode() for k in client.scan_iter(match=kredis.key("rl", "join:address:*"))]
        assert keys and all(ADDRESS not in k for k in keys)
        assert all(0 < client.pttl(k) <= 3600 * 1000 for k in keys)


def test_one_browser_is_refused_from_any_address(settings):
    settings.SESSIONS_CREATED_PER_HOUR = 2
    browser = Client()
    for n in range(2):
        browser.defaults["REMOTE_ADDR"] = f"192.0.2.{n}"
        assert join(browser)[0] == 201
    browser.defaults["REMOTE_ADDR"] = "192.0.2.99"
    status, answer = join(browser)
    assert (status, answer["error"]) == (429, "too_many_handles")


def test_a_refused_handle_choice_does_not_use_up_the_hour(settings, make_member):
    settings.SESSIONS_CREATED_PER_HOUR = 1
    make_member("TakenName")
    client = Client(REMOTE_ADDR=ADDRESS)
    body = json.dumps({"handle": "TakenName"})
    response = client.post("/api/session/", data=body, content_type="application/json")
    assert response.json()["error"] == "handle_taken"
    assert join(client)[0] == 201
