"""Issue 21's first promise, on two daphne processes over PostgreSQL and Redis:
with nobody on duty and no on-call, the card says so; a facilitator who comes on
an hour later (the wait is written into the item, not waited out) finds the
member on top with how long they waited and reaches out; the member, whose
sockets were closed meanwhile, finds the reach-out on their next visit."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from devserver import wait_until
from tests.live import LiveMember, LiveServer, logs_on_failure, next_frame, start_servers

pytestmark = [pytest.mark.live]

CRISIS = "i can't do this anymore, i want to end it tonight"
PASSWORD = "a long facilitator passphrase"


def facilitator_cookies(server: LiveServer, handle: str) -> str:
    server.database.manage("createfacilitator", handle, "--password-stdin", input=PASSWORD)
    with httpx.Client(base_url=server.http, timeout=10) as client:
        client.get("/facilitators/login/")
        response = client.post(
            "/facilitators/login/",
            data={"username": handle, "password": PASSWORD},
            headers={"X-CSRFToken": client.cookies["csrftoken"]},
        )
        assert response.status_code in (302, 303), response.text[:500]
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


async def test_nobody_on_duty_then_a_facilitator_an_hour_later_reaches_an_offline_member(
    live_database,
):
    import websockets

    env = {
        "CRISIS_WEBHOOK_URL": "",
        "CRISIS_ONCALL_EMAILS": "",
        "PRESENCE_HEARTBEAT_SECONDS": "1",
        "PRESENCE_TTL_SECONDS": "6",
    }
    servers = [LiveServer(live_database, **env) for _ in range(2)]
    try:
        with logs_on_failure(*servers):
            start_servers(*servers)
            member = LiveMember(servers[0])
            ws = await member.connect("/ws/rooms/late-night/")
            await next_frame(ws, "welcome")
            await ws.send(json.dumps({"type": "message", "body": CRISIS, "nonce": "c1"}))
            card = await next_frame(ws, "crisis")
            assert card["followup"] == "later"
            assert "no one from the kindred community is available right now" in (
                card["followup_text"].lower()
            )
            assert card["resources"][0]["name"] == "Emergency services"  # "tonight"
            await next_frame(ws, "ack")
            await ws.close()  # the member goes away

            # An hour passes with nobody on duty.
            live_database.manage(
                "shell",
                "-c",
                "from datetime import timedelta\nfrom django.utils import timezone\n"
                "from moderation.models import QueueItem\n"
                f"mine = QueueItem.objects.filter(subject__handle={member.handle!r})\n"
                "mine.update(created_at=timezone.now() - timedelta(hours=1))\n"
                # Other tests' items in the shared database are not this story's.
                f"QueueItem.objects.exclude(subject__handle={member.handle!r})"
                ".update(state='dismissed')\n",
            )

            # Meanwhile, a heartbeat left the member a word in their inbox (a room
            # socket of someone else keeps the first process's heartbeat going).
            bystander = await LiveMember(servers[0]).connect("/ws/rooms/newcomers/")
            await next_frame(bystander, "welcome")
            wait_until(
                lambda: any(
                    i["text"].startswith("No facilitator was on duty")
                    for i in member.client.get("/api/inbox/").json()["items"]
                ),
                timeout=30,
                what="the nobody-on-duty notice",
            )
            await bystander.close()

            # A facilitator comes on, on the other process: the member is on top.
            cookies = facilitator_cookies(servers[1], "SteadyHand")
            mod = await websockets.connect(
                f"{servers[1].ws}/ws/moderation/",
                additional_headers={"Cookie": cookies},
                origin=f"http://127.0.0.1:{servers[1].port}",
                open_timeout=10,
            )
            queue = await next_frame(mod, "queue")
            top = queue["items"][0]
            assert top["kind"] == "crisis" and top["subject"] == member.handle
            waited = datetime.now(UTC) - datetime.fromisoformat(top["created_at"])
            assert waited > timedelta(minutes=59)
            await mod.send(json.dumps({"type": "reach_out", "item": top["id"]}))
            opened = await next_frame(mod, "chat.opened")
            assert opened["with"] == member.handle
            await mod.close()

            # The member's next visit, on the first process: the reach-out waits for them.
            inbox = member.client.get("/api/inbox/").json()
            assert inbox["unread"] >= 1
            texts = [i["text"] for i in inbox["items"]]
            assert any("would like to check in with you" in t for t in texts)
            assert any(t.startswith("No facilitator was on duty") for t in texts)
            back = await member.connect("/ws/rooms/late-night/")
            welcome = await next_frame(back, "welcome")
            assert welcome["inbox_unread"] >= 1
            await back.close()
    finally:
        for server in servers:
            server.stop()
