"""The naive baseline: the plain Channels chat pattern, for side-by-side numbers.

Served by daphne as ``bench.naive_asgi:application`` (cwd = repository root)
with the same settings module as Kindred (``kindred.settings``), so the
channel layer is channels-redis on ``REDIS_URL`` under ``REDIS_PREFIX``.

``/ws/naive/<room>/`` accepts anyone (no session, no Origin check, nothing
stored), joins the room's group, and answers the same frames as Kindred with
the same shapes: ``welcome`` on connect, ``pong``, ``ack`` and ``message``
(id from a per-process counter, ``nonce`` echoed). Every message is
``group_send``-ed through the channel layer and re-encoded with ``json.dumps``
in each recipient's handler, which is the textbook pattern. Any HTTP request
is answered ``200 ok`` (the orchestrator's readiness check).
"""

from __future__ import annotations

import html
import itertools
import json
import os
from datetime import UTC, datetime
from urllib.parse import parse_qs

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")
django.setup()

from django.conf import settings  # noqa: E402

# redis-py 8 gives every socket a 5 s read timeout by default, the same as
# channels-redis's BZPOPMIN timeout, so an idle consumer's receive raises
# TimeoutError and the socket is closed with 1011 every 5 s (see
# docs/performance.md). The baseline gets a read timeout longer than that, so it
# is measured as the pattern, not as that clash. Read lazily, so this is in time.
_layer = settings.CHANNEL_LAYERS["default"]
if _layer["BACKEND"].startswith("channels_redis"):
    _layer["CONFIG"]["hosts"] = [{"address": settings.REDIS_URL, "socket_timeout": 30}]

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import re_path  # noqa: E402

_ids = itertools.count(1)


class NaiveRoomConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.room = self.scope["url_route"]["kwargs"]["room"]
        self.group = f"naive.{self.room}"
        query = parse_qs(self.scope.get("query_string", b"").decode())
        self.handle = (query.get("handle") or ["guest"])[0][:24]
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send(
            text_data=json.dumps(
                {
                    "type": "welcome",
                    "room": {"slug": self.room},
                    "you": {"handle": self.handle, "role": "member"},
                    "history": [],
                }
            )
        )

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            frame = json.loads(text_data or "")
        except ValueError:
            frame = {}
        kind = frame.get("type") if isinstance(frame, dict) else None
        if kind == "ping":
            await self.send(text_data=json.dumps({"type": "pong"}))
            return
        body = frame.get("body") if kind == "message" else None
        if not isinstance(body, str) or not body.strip():
            await self.send(text_data=json.dumps({"type": "error", "code": "bad_frame"}))
            return
        message_id = next(_ids)
        nonce = frame.get("nonce")
        await self.channel_layer.group_send(
            self.group,
            {
                "type": "chat.message",
                "id": message_id,
                "room": self.room,
                "author": self.handle,
                "body": html.escape(body.strip()),
                "sent_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
                "nonce": nonce,
            },
        )
        await self.send(text_data=json.dumps({"type": "ack", "nonce": nonce, "id": message_id}))

    async def chat_message(self, event: dict) -> None:
        await self.send(
            text_data=json.dumps(
                {
                    "type": "message",
                    "id": event["id"],
                    "room": event["room"],
                    "author": event["author"],
                    "body": event["body"],
                    "sent_at": event["sent_at"],
                    "nonce": event["nonce"],
                }
            )
        )


async def ok_http(scope, receive, send) -> None:
    """200 ``ok`` for any HTTP request (readiness)."""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain")],
        }
    )
    await send({"type": "http.response.body", "body": b"ok"})


application = ProtocolTypeRouter(
    {
        "http": ok_http,
        "websocket": URLRouter(
            [re_path(r"^ws/naive/(?P<room>[-a-z0-9]{1,64})/$", NaiveRoomConsumer.as_asgi())]
        ),
    }
)
