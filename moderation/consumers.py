"""The facilitators' live socket ``/ws/moderation/`` (facilitators and admins only).

On connect it sends the open queue; then ``queue.item`` / ``queue.update`` frames
as items arrive or change. Actions are frames, answered by ``done`` or an
``error``; the same service functions serve the dashboard's HTTP endpoints.
"""

from __future__ import annotations

import uuid

from channels.db import database_sync_to_async

from core.errors import KindredError
from core.protocol import CLOSE_FORBIDDEN
from moderation import frames as f
from moderation import services
from moderation.queue import QUEUE_TOPIC
from realtime.hub import get_hub
from realtime.sockets import LiveConsumer, SocketClosed
from rooms.consumers import MemberFrames
from rooms.presence_glue import join as presence_join
from rooms.presence_glue import leave as presence_leave

#: The moderation socket's presence key: counted as online (and on duty), never a room.
PRESENCE_KEY = "mod:queue"


def _connect(*, member_id: int, conn_id: str) -> list:
    actor = services.check_moderator(member_id=member_id)
    items = services.queue_snapshot(actor_id=member_id)
    presence_join(conn_id=conn_id, member=actor, room_key=PRESENCE_KEY, room_id=0)
    return items


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
        await self.send_json({"type": "queue", "items": items})
        await self.go_live()

    async def on_disconnect(self) -> None:
        if getattr(self, "presence_key", None):
            await database_sync_to_async(presence_leave)(
                conn_id=self.conn_id, room_key=PRESENCE_KEY, room_id=0
            )

    async def act(self, service, **kwargs) -> None:
        await self.reply(service, actor_id=self.member_id, **kwargs)

    async def frame_claim(self, frame: f.Claim) -> None:
        await self.act(services.item_claim, item_id=frame.item)

    async def frame_dismiss(self, frame: f.Dismiss) -> None:
        await self.act(services.item_dismiss, item_id=frame.item, reason=frame.reason)

    async def frame_remove_message(self, frame: f.RemoveMessage) -> None:
        await self.act(
            services.message_remove,
            message_id=frame.message,
            item_id=frame.item,
            reason=frame.reason,
        )

    async def frame_release_message(self, frame: f.ReleaseMessage) -> None:
        await self.act(services.message_release, message_id=frame.message, item_id=frame.item)

    async def frame_warn(self, frame: f.Warn) -> None:
        await self.act(
            services.member_warn, handle=frame.handle, text=frame.text, item_id=frame.item
        )

    async def frame_mute(self, frame: f.Mute) -> None:
        await self.act(
            services.member_mute,
            handle=frame.handle,
            minutes=frame.minutes,
            room_slug=frame.room,
            reason=frame.reason,
            item_id=frame.item,
        )

    async def frame_kick(self, frame: f.Kick) -> None:
        await self.act(
            services.member_kick,
            handle=frame.handle,
            room_slug=frame.room,
            reason=frame.reason,
            item_id=frame.item,
        )

    async def frame_ban(self, frame: f.Ban) -> None:
        await self.act(
            services.member_ban, handle=frame.handle, reason=frame.reason, item_id=frame.item
        )

    async def frame_slow_mode(self, frame: f.SlowMode) -> None:
        await self.act(services.room_slow_mode, room_slug=frame.room, seconds=frame.seconds)

    async def frame_lock(self, frame: f.Lock) -> None:
        await self.act(services.room_lock, room_slug=frame.room, locked=frame.on)

    async def frame_pin(self, frame: f.Pin) -> None:
        await self.act(services.message_pin, room_slug=frame.room, message_id=frame.message)

    async def frame_context(self, frame: f.Context) -> None:
        await self.act(services.item_context, item_id=frame.item)

    async def frame_reach_out(self, frame: f.ReachOut) -> None:
        await self.act(services.reach_out, item_id=frame.item)

    async def frame_audit(self, frame: f.Audit) -> None:
        await self.act(services.audit_frame, limit=frame.limit)
