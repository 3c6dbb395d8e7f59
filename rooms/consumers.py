"""The room socket ``/ws/rooms/<slug>/``: thin, every decision is a service's."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from core.errors import KindredError
from core.frames import encode
from core.protocol import CLOSE_FORBIDDEN
from core.web import browser_country, scope_header
from realtime import after_reply, metrics
from realtime.hub import get_hub
from realtime.sockets import LiveConsumer, SocketClosed
from rooms import chats, dropin, reactions, services, status
from rooms.data import SendResult
from rooms.frames import (
    CHAT_FRAMES,
    ROOM_FRAMES,
    ChatAccept,
    ChatBlock,
    ChatDecline,
    ChatLeave,
    ChatRequest,
    DropInAccept,
    Duty,
    History,
    React,
    Report,
    Resume,
    SendMessage,
    SetStatus,
)
from rooms.models import RoomKind
from rooms.policy import message_policy
from rooms.selectors import page_after, page_before

NO_ONE: frozenset[int] = frozenset()


def _with_newest(frame: dict[str, Any], key: str, messages: list[dict[str, Any]]) -> str:
    """*frame* encoded with, under *key*, the newest of *messages* (oldest first)
    that fit in one frame, each message encoded once.

    Daphne's ``--websocket-max-message-size`` limits what the server sends too:
    autobahn refuses (and the socket dies with 1011) to send a frame over it, so
    a welcome or history page full of long messages must leave the oldest out.
    The text is what ``encode`` makes of the whole frame: a JSON list is its
    items' texts joined by commas, so the kept messages' texts, needed anyway
    to measure them, are spliced into the frame encoded with an empty list.
    """
    frame = {**frame, key: []}
    text = encode(frame)
    budget = settings.WEBSOCKET_MAX_FRAME_BYTES - len(text.encode())
    kept: list[str] = []
    for message in reversed(messages):
        piece = encode(message)
        budget -= len(piece.encode()) + 1
        if budget < 0:
            break
        kept.append(piece)
    if not kept:
        return text
    names = list(frame)
    before = {name: frame[name] for name in names[: names.index(key)]}
    # Where the list's "[" is: after the keys before it, a comma, and '"key":'
    # (as encode() writes them; not encode() itself, which checks whole frames).
    before_text = json.dumps(before, separators=(",", ":"), ensure_ascii=False)
    start = len(before_text) - 1 + (1 if before else 0) + len(key) + 3
    assert text.startswith(f'"{key}":[]', start - len(key) - 3)
    return text[: start + 1] + ",".join(reversed(kept)) + text[start + 1 :]


def _ack_frames(result: SendResult, nonce: str | None) -> list[dict[str, Any]]:
    """What the sender of a stored message gets: the crisis card first when one
    is due (docs/protocol.md), then the ack."""
    ack = {"type": "ack", "nonce": nonce, "id": result.message.id}
    return [result.crisis, ack] if result.crisis is not None else [ack]


class MemberFrames:
    """Handlers for the frames every socket accepts: presence choices, chat
    requests and answers, drop-in offers, and reports."""

    #: Reports from this socket must be about messages in this room (None: any).
    def report_scope(self) -> str | None:
        return None

    async def frame_report(self, frame: Report) -> None:
        await self.ask(
            message_policy().report,
            message_id=frame.message,
            reason=frame.reason,
            note=frame.note,
            room_slug=self.report_scope(),
        )

    async def frame_chat_request(self, frame: ChatRequest) -> None:
        await self.ask(chats.chat_request, to=frame.to)

    async def frame_chat_accept(self, frame: ChatAccept) -> None:
        await self.ask(chats.chat_accept, chat_id=frame.chat)

    async def frame_chat_decline(self, frame: ChatDecline) -> None:
        await self.ask(chats.chat_decline, chat_id=frame.chat)

    async def frame_dropin_accept(self, frame: DropInAccept) -> None:
        await self.ask(dropin.dropin_accept, request_id=frame.request)

    async def frame_duty(self, frame: Duty) -> None:
        await self.ask(status.member_set_duty, on=frame.on)

    async def frame_status(self, frame: SetStatus) -> None:
        await self.ask(
            status.member_set_status,
            invisible=frame.invisible,
            open_to_chat=frame.open_to_chat,
        )

    async def ask(self, service: Any, **kwargs: Any) -> None:
        """Call *service* for this socket's member and send its frame."""
        await self.reply(service, member_id=self.member_id, **kwargs)

    async def reply(self, service: Any, **kwargs: Any) -> None:
        """Call *service* off the event loop and send its frame (a refusal is
        answered by LiveConsumer)."""
        frame = await database_sync_to_async(service)(**kwargs)
        if frame is not None:
            await self.send_json(frame)


class RoomConsumer(MemberFrames, LiveConsumer):
    frames = ROOM_FRAMES
    room_kind = RoomKind.TOPIC

    def room_slug(self) -> str:
        return self.scope["url_route"]["kwargs"]["slug"]

    def report_scope(self) -> str | None:
        return self.room_slug()

    async def resolve_room(self) -> None:
        """Hook for chat sockets, which find their room from the chat id."""

    async def on_connect(self) -> None:
        self.country_hint = browser_country(scope_header(self.scope, b"accept-language"))
        await self.resolve_room()
        slug = self.room_slug()
        # A refusal closes the socket with its close code (LiveConsumer).
        self.room_id = await database_sync_to_async(services.room_id_for)(
            member_id=self.member_id, room_slug=slug, kind=self.room_kind
        )
        # Register before reading history: whatever is published from here on
        # is buffered and de-duplicated against the history we are about to read.
        self.hub = await get_hub()
        self.hub.register(self)
        # ... once this process hears the room's shard of the bus (the first
        # socket of a shard's rooms here waits for Redis to confirm it).
        ticket = await self.hub.room_ready(self.room_id)
        self.conn_id = uuid.uuid4().hex
        welcome = await database_sync_to_async(services.room_welcome)(
            member_id=self.member_id, room_slug=slug, conn_id=self.conn_id
        )
        self.presence_key = welcome.presence_key
        # Most members block no one: one empty set for all their sockets.
        self.blocked = welcome.blocked_ids or NO_ONE
        self.hub.room_known(self.room_id, welcome.room.last_message_id, ticket)
        self.last_id = welcome.room.last_message_id
        await self.send_text(self.welcome_text(welcome))
        await self.go_live()

    def welcome_text(self, welcome: Any) -> str:
        frame = {
            "type": "welcome",
            "room": welcome.room.public(),
            "you": welcome.you,
            "history": [],
            "pinned": welcome.pinned.frame() if welcome.pinned else None,
            **welcome.presence,
            # This server echoes request ids (docs/protocol.md, "Request ids").
            "refs": True,
            "inbox_unread": welcome.inbox_unread,
            "team": welcome.team,
            "muted_until": welcome.muted_until,
        }
        history = [m.frame() for m in welcome.history]
        return _with_newest(self.answering(frame), "history", history)

    async def on_disconnect(self) -> None:
        if getattr(self, "presence_key", None):
            await database_sync_to_async(services.room_leave)(
                conn_id=self.conn_id, room_key=self.presence_key, room_id=self.room_id
            )

    async def frame_message(self, frame: SendMessage) -> None:
        received_at, nonce = self.received_at, frame.nonce

        def send_and_ack() -> tuple[SendResult, float | None]:
            # What the send's commit hands to after_reply (telling facilitators
            # of a flagged message) runs once the ack is written.
            with after_reply.deferred():
                result = services.message_send(
                    member_id=self.member_id,
                    room_slug=self.room_slug(),
                    body=frame.body,
                    nonce=nonce,
                    country_hint=self.country_hint,
                )
                # Still in the worker thread: the ack (after the crisis card, when
                # one is due) goes out now, not once the event loop gets round to
                # this socket again, which on a busy machine can be behind a room's
                # write to hundreds of sockets.
                if self.reply_from_thread(_ack_frames(result, nonce)):
                    return result, time.perf_counter() - received_at
                return result, None

        try:
            # Not thread-sensitive: sends from different sockets run side by side,
            # each borrowing a pooled connection, so one socket's database round
            # trips don't queue everyone else's. A socket's own
            # frames are still handled one at a time, in order.
            result, took = await database_sync_to_async(send_and_ack, thread_sensitive=False)()
        except KindredError as refusal:
            if refusal.crisis is not None:
                await self.send_json(refusal.crisis)
            raise
        if took is None:
            for reply in _ack_frames(result, nonce):
                await self.send_json(reply)
            took = time.perf_counter() - received_at
        else:
            self._out.flush()  # whatever of the ack the kernel didn't take at once
        metrics.SEND_ACK.record(took)
        if result.held and not result.duplicate:
            # Held for a facilitator: the room doesn't get it, but its author sees it.
            await self.send_json(result.message.frame())

    async def frame_react(self, frame: React) -> None:
        await self.ask(
            reactions.reaction_set,
            message_id=frame.message,
            reaction=frame.reaction,
            on=frame.on,
        )

    async def frame_resume(self, frame: Resume) -> None:
        self.live = False
        try:
            last_id, messages, more = await database_sync_to_async(page_after)(
                room_id=self.room_id,
                after=frame.after,
                hidden_authors=self.blocked,
                viewer_id=self.member_id,
            )
            for message in messages:
                await self.send_json(message.frame())
            self.last_id = max(self.last_id, messages[-1].id if more else last_id)
        finally:
            await self.go_live()
        # With more to come, the client resumes after the last message of this page:
        # the socket's own last id can be far past it (live messages since the welcome).
        resumed_at = messages[-1].id if more else self.last_id
        await self.send_json({"type": "resumed", "last_id": resumed_at, "more": more})

    async def frame_history(self, frame: History) -> None:
        messages = await database_sync_to_async(page_before)(
            room_id=self.room_id,
            before=frame.before,
            limit=min(frame.limit, settings.HISTORY_PAGE_MAX),
            hidden_authors=self.blocked,
            viewer_id=self.member_id,
        )
        page = self.answering({"type": "history", "messages": []})
        await self.send_text(_with_newest(page, "messages", [m.frame() for m in messages]))


class ChatConsumer(RoomConsumer):
    """``/ws/chats/<id>/``: the same frames as a room, for its two participants only.

    Anyone else, and any id that doesn't exist, gets the same 4403.
    """

    frames = CHAT_FRAMES
    room_kind = RoomKind.DIRECT

    async def resolve_room(self) -> None:
        chat_id = int(self.scope["url_route"]["kwargs"]["chat_id"])
        try:
            self._slug = await database_sync_to_async(chats.chat_room_slug)(
                member_id=self.member_id, chat_id=chat_id
            )
        except KindredError:
            # One answer for a chat that doesn't exist and one that isn't yours.
            raise SocketClosed(CLOSE_FORBIDDEN) from None
        self.chat_id = chat_id

    def room_slug(self) -> str:
        return self._slug

    async def frame_chat_leave(self, frame: ChatLeave) -> None:
        await self.ask(chats.chat_leave, chat_id=self.chat_id)

    async def frame_chat_block(self, frame: ChatBlock) -> None:
        await self.ask(chats.chat_block, chat_id=self.chat_id)
