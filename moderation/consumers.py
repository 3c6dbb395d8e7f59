"""The facilitators' live socket ``/ws/moderation/`` (facilitators and admins only).

On connect it sends the open queue; then ``queue.item`` / ``queue.update`` frames
as items arrive or change. Actions are frames, answered by ``done`` or an
``error``, dispatched through ``moderation.actions`` like the dashboard's HTTP
endpoint and the admin.
"""

from __future__ import annotations

import uuid

from channels.db import database_sync_to_async

from core.errors import KindredError
from core.frames import ClientFrame
from core.protocol import CLOSE_FORBIDDEN
from moderation import actions, checks, framing, reading
from moderation import frames as f
from moderation.queue import QUEUE_TOPIC
from realtime import bus
from realtime.hub import get_hub
from realtime.sockets import LiveConsumer, SocketClosed
from rooms.consumers import MemberFrames
from rooms.presence_glue import join as presence_join
from rooms.presence_glue import leave as presence_leave

#: The moderation socket's presence key: counted as online (and on duty), never a room.
PRESENCE_KEY = "mod:queue"


def _connect(*, member_id: int, conn_id: str) -> list:
    actor = checks.check_moderator(member_id=member_id)
    items = reading.queue_snapshot(actor_id=member_id)
    presence_join(conn_id=conn_id, member=actor, room_key=PRESENCE_KEY, room_id=0)
    return items


def _still_moderator(*, member_id: int) -> bool:
    try:
        checks.check_moderator(member_id=member_id)
    except KindredError:
        return False
    return True


def close_revoked_dashboards(sockets: dict[str, tuple[int, str, int]]) -> None:
    """On every heartbeat: a dashboard whose facilitator lost the role, was
    deactivated or banned by any path (even one that skipped the services, which
    close it at once) is closed with 4403 before the next queue item or alert."""
    ids = {member_id for member_id, key, _room in sockets.values() if key == PRESENCE_KEY}
    if not ids:
        return
    for member_id in ids - set(checks.moderator_ids(ids)):
        bus.publish_close(member_id=member_id, code=CLOSE_FORBIDDEN, topic=QUEUE_TOPIC)


class ModerationConsumer(MemberFrames, LiveConsumer):
    frames = f.MODERATION_FRAMES
    topics = (QUEUE_TOPIC,)

    async def on_connect(self) -> None:
        self.conn_id = uuid.uuid4().hex
        self.hub = await get_hub()
        self.hub.register(self)
        try:
            items = await database_sync_to_async(_connect)(
                member_id=self.member_id, conn_id=self.conn_id
            )
        except KindredError:
            self.hub.unregister(self)
            raise SocketClosed(CLOSE_FORBIDDEN) from None
        self.presence_key = PRESENCE_KEY
        # The queue in pages under the frame limit: `queue` replaces the list,
        # each `queue.page` adds to it. "refs": this server echoes request ids
        # (docs/protocol.md, "Request ids").
        first, *rest = framing.pages(items)
        await self.send_json({"type": "queue", "items": first, "refs": True, "more": bool(rest)})
        for n, page in enumerate(rest, start=1):
            await self.send_json({"type": "queue.page", "items": page, "last": n == len(rest)})
        await self.go_live()

    async def handle_frame(self, frame: ClientFrame) -> None:
        # Role and active state are read again for every frame (pings included),
        # not only when the socket opened.
        if not await database_sync_to_async(_still_moderator)(member_id=self.member_id):
            await self.close(CLOSE_FORBIDDEN)
            return
        await super().handle_frame(frame)

    async def on_disconnect(self) -> None:
        if getattr(self, "presence_key", None):
            await database_sync_to_async(presence_leave)(
                conn_id=self.conn_id, room_key=PRESENCE_KEY, room_id=0
            )

    async def frame_action(self, frame: ClientFrame) -> None:
        """Every action frame: the table the HTTP endpoint and the admin use too."""
        await self.reply(actions.action_perform, actor_id=self.member_id, frame=frame)

    async def frame_context(self, frame: f.Context) -> None:
        await self.reply(reading.item_context, actor_id=self.member_id, item_id=frame.item)

    async def frame_audit(self, frame: f.Audit) -> None:
        await self.reply(
            reading.audit_frame, actor_id=self.member_id, limit=frame.limit, before=frame.before
        )


# The socket finds a frame's handler by its type (``frame_<type>``); every action
# has the same one, so the table alone says which frames are actions.
for _name in actions.ACTIONS:
    setattr(ModerationConsumer, f"frame_{_name}", ModerationConsumer.frame_action)
