"""The inbox across two real daphne processes sharing one Redis.

A member with no socket open is asked for a chat, told the outcome of their
report and reached out to by a facilitator; on their next visit the header and
GET /api/inbox/ have all three, and reading them clears the count live on their
tabs served by both processes.
"""

from __future__ import annotations

import json
import os

import pytest

from tests.browser.staff import LiveStaff
from tests.live import LiveMember, LiveServer, logs_on_failure, next_frame, start_servers

pytestmark = [pytest.mark.live, pytest.mark.redis]


@pytest.fixture(scope="module")
def two_servers(live_database):
    assert os.environ.get("REDIS_URL"), "needs Redis"
    servers = start_servers(LiveServer(live_database), LiveServer(live_database))
    yield servers
    for server in servers:
        server.stop()


def csrf_post(client, path: str, body: dict):
    response = client.post(path, json=body, headers={"X-CSRFToken": client.cookies["csrftoken"]})
    assert response.status_code in (200, 201), response.text
    return response.json()


async def say(member: LiveMember, body: str) -> int:
    ws = await member.connect("/ws/rooms/newcomers/")
    await next_frame(ws, "welcome")
    await ws.send(json.dumps({"type": "message", "body": body, "nonce": f"{member.handle}-1"}))
    message_id = (await next_frame(ws, "ack"))["id"]
    await ws.close()
    return message_id


def queue_item_about(facil: LiveStaff, message_id: int) -> int:
    items = facil.client.get("/api/moderation/queue/").json()
    return next(i["id"] for i in items if i["message"] and i["message"]["id"] == message_id)


async def test_a_member_away_finds_everything_and_reading_clears_every_tab(two_servers):
    a, b = two_servers
    with logs_on_failure(a, b):
        away, asker = LiveMember(a), LiveMember(b)
        facil = LiveStaff(b, "FacilCrisis")
        away_said, asker_said = await say(away, "hello all"), await say(asker, "hi there")
        # Nothing of away's is open from here on.
        csrf_post(asker.client, "/api/chats/", {"to": away.handle})
        csrf_post(away.client, "/api/reports/", {"message": asker_said, "reason": "spam"})
        csrf_post(asker.client, "/api/reports/", {"message": away_said, "reason": "other"})
        dismissed = queue_item_about(facil, asker_said)
        csrf_post(facil.client, "/api/moderation/actions/dismiss/", {"item": dismissed})
        about_away = queue_item_about(facil, away_said)
        csrf_post(facil.client, "/api/moderation/actions/reach_out/", {"item": about_away})

        home = away.client.get("/").text
        assert 'href="/chats/"' in home and "· 3 new" in home
        listed = away.client.get("/api/inbox/").json()
        assert listed["unread"] == 3
        texts = [item["text"] for item in listed["items"]]
        assert "would like to check in with you" in texts[0]
        assert "reviewed your report" in texts[1]
        assert texts[2] == f"{asker.handle} would like a one-on-one chat with you."

        tabs = [await away.connect("/ws/rooms/newcomers/", server) for server in (a, b)]
        for tab in tabs:
            assert (await next_frame(tab, "welcome"))["inbox_unread"] == 3
        csrf_post(away.client, "/api/inbox/read/", {"all": True})
        for tab in tabs:
            assert await next_frame(tab, "inbox.read") == {"type": "inbox.read", "unread": 0}
            await tab.close()
        assert "· 3 new" not in away.client.get("/").text
