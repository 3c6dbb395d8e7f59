"""The base of every Kindred socket: framing, limits, and the hub connection.

Subclasses parse nothing and touch no ORM themselves: they name their frame
classes and, for each frame type, call a service off the event loop and reply.
This class owns what every socket shares: the member check (4401), frame size
(1009), text-only frames, per-socket flood control, ``ping``/``pong``, the
outgoing-buffer guard (4408), and buffering hub deliveries while the socket is
catching up so that nothing is shown twice or out of order.
"""

from __future__ import annotations

import logging
import time
from typing import Any, ClassVar

from channels.consumer import AsyncConsumer
from channels.exceptions import StopConsumer
from django.conf import settings
from django.db import DatabaseError
from django.utils import translation
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from core.errors import BadFrame, KindredError, RateLimited, Unavailable, error_frame
from core.frames import ClientFrame, FrameParser, encode
from core.language import scope_language
from core.protocol import (
    CLOSE_FLOOD,
    CLOSE_NO_SESSION,
    CLOSE_NOT_FOUND,
    CLOSE_SLOW_READER,
    CLOSE_TOO_BIG,
)
from realtime import bus, transport
from realtime.hooks.autobahn import close_on_protocol_errors, forget_handshake
from realtime.hooks.channels import handler_for
from realtime.hooks.twisted import linger_close

logger = logging.getLogger("kindred.sockets")


UNAVAILABLE_ERRORS = (DatabaseError, RedisError)


class SocketClosed(Exception):
    """Raised inside a handler to close the socket with a code."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class LiveConsumer(AsyncConsumer):
    # No per-socket channel-layer channel: live traffic goes through the hub.
    channel_layer_alias = "__kindred_no_channel_layer__"
    frames: ClassVar[tuple[type[ClientFrame], ...]] = ()
    _parser: ClassVar[FrameParser | None] = None

    member_id: int | None = None
    room_id: int | None = None
    #: bus.session_tag of the session that opened the socket.
    session: str | None = None

    # --- lifecycle ----------------------------------------------------------------

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' own dispatch first hops to the worker thread to close stale
        database connections there, for every frame a client sends, pings
        included. Kindred's sockets touch the database only through
        ``database_sync_to_async``, which closes them around each call itself,
        so that hop bought nothing and cost the event loop a thread round trip
        per frame."""
        handler = handler_for(self, message)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def websocket_connect(self, message: dict[str, Any]) -> None:
        self.closed = False
        self.live = False
        self.last_id = 0
        # Hub deliveries held while the socket catches up: (message id, author, text),
        # or (None, 0, text) for any other frame, in the order they arrived.
        self._backlog: list[tuple[int | None, int, str]] = []
        self._tokens = float(settings.SOCKET_FRAME_RATE)
        self._refilled = time.monotonic()
        self._flood = 0
        self._over_since: float | None = None
        self.last_seen = time.monotonic()
        self.hub = None
        self._protocol = transport.protocol_of(self.base_send)
        self._out = transport.DirectWriter(self._protocol) if self._protocol else None
        if self._protocol is not None:
            close_on_protocol_errors(
                self._protocol,
                linger_seconds=settings.WEBSOCKET_CLOSE_LINGER_SECONDS,
                linger=linger_close,
            )
        # Accept first, then close with a code: browsers can read a code only
        # from a socket that was accepted.
        await self.base_send({"type": "websocket.accept"})
        if self._protocol is not None:
            forget_handshake(self._protocol)
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(CLOSE_NO_SESSION)
            return
        self.member_id = user.pk
        self.handle = user.handle
        # Words in the frames this socket answers with (error details, notices) are in
        # the member's language; the socket's task keeps it for its whole life.
        self.language = scope_language(self.scope)
        translation.activate(self.language)
        if self._too_many_sockets():
            logger.warning("too many sockets, closed handle=%s", self.handle)
            await self.close(CLOSE_FLOOD)
            return
        # Which session opened the socket, so ending that session (signing out)
        # closes exactly its sockets (bus.publish_close).
        session = self.scope.get("session")
        self.session = bus.session_tag(getattr(session, "session_key", None))
        try:
            await self.on_connect()
        except SocketClosed as exc:
            await self.close(exc.code)
        except KindredError as exc:
            await self.close(exc.close_code)
        except Exception:
            logger.exception("socket connect failed handle=%s", self.handle)
            await self.close(1011)

    def _too_many_sockets(self) -> bool:
        """The member already holds ``SOCKETS_PER_MEMBER`` sockets in this process."""
        limit = settings.SOCKETS_PER_MEMBER
        hub = bus.local_hub()
        return bool(limit) and hub is not None and len(hub.members.get(self.member_id, ())) >= limit

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        self.closed = True
        if self.hub is not None:
            self.hub.unregister(self)
        try:
            await self.on_disconnect()
        finally:
            raise StopConsumer()

    async def on_connect(self) -> None:
        raise NotImplementedError

    async def on_disconnect(self) -> None:
        """Fast-path clean-up; the presence sweep covers a process that never runs it."""

    # --- receiving ---------------------------------------------------------------------

    @classmethod
    def parser(cls) -> FrameParser:
        if cls.__dict__.get("_parser") is None:
            cls._parser = FrameParser(*cls.frames)
        return cls._parser  # type: ignore[return-value]

    async def websocket_receive(self, message: dict[str, Any]) -> None:
        #: When this frame reached us, for the server's own send timings.
        self.received_at = time.perf_counter()
        if self.closed or self.member_id is None:
            return
        translation.activate(self.language)
        self.last_seen = time.monotonic()
        text = message.get("text")
        if text is None:
            await self.send_error(BadFrame(_("Frames must be JSON text, not binary.")))
            return
        if len(text) > settings.WEBSOCKET_MAX_FRAME_BYTES or (
            len(text) * 4 > settings.WEBSOCKET_MAX_FRAME_BYTES
            and len(text.encode()) > settings.WEBSOCKET_MAX_FRAME_BYTES
        ):
            await self.close(CLOSE_TOO_BIG)
            return
        if not await self._admit_frame():
            return
        try:
            frame = self.parser().parse(text)
        except BadFrame as exc:
            self.ref = exc.ref
            await self.send_error(exc)
            self.ref = None
            return
        # Whatever this socket sends while handling the frame answers it, and
        # carries its ref (docs/protocol.md, "Request ids"); the hub's
        # deliveries never go through send_json, so broadcasts never do.
        self.ref = frame.ref
        self._answering = True
        try:
            await self.handle_frame(frame)
        finally:
            self.ref = None
            self._answering = False
        if self._close_after is not None:
            await self.close(self._close_after)

    async def handle_frame(self, frame: ClientFrame) -> None:
        handler = getattr(self, "frame_" + frame.type.replace(".", "_"))
        try:
            await handler(frame)
        except SocketClosed as exc:
            await self.close(exc.code)
        except KindredError as exc:
            await self.send_error(exc)
        except UNAVAILABLE_ERRORS as exc:
            # Nothing was stored: the client keeps the message and retries with
            # the same nonce, which makes the retry safe.
            logger.error("service unavailable handle=%s error=%s", self.handle, type(exc).__name__)
            await self.send_error(
                Unavailable(
                    _(
                        "We couldn't reach our storage just now. Your message wasn't sent; "
                        "it will be retried."
                    ),
                    **({"nonce": frame.nonce} if getattr(frame, "nonce", None) else {}),
                )
            )

    async def _admit_frame(self) -> bool:
        """Per-socket flood control: a token bucket, then closing a socket that persists."""
        rate = settings.SOCKET_FRAME_RATE
        now = time.monotonic()
        self._tokens = min(float(rate), self._tokens + (now - self._refilled) * rate)
        self._refilled = now
        if self._tokens >= 1:
            self._tokens -= 1
            return True
        self._flood += 1
        if self._flood > settings.SOCKET_FLOOD_CLOSE_AFTER:
            logger.warning("socket flooding, closed handle=%s", self.handle)
            await self.close(CLOSE_FLOOD)
        elif self._flood == 1 or self._flood % rate == 0:
            await self.send_error(
                RateLimited(_("Too many frames at once; slow down."), retry_after=1)
            )
        return False

    async def frame_ping(self, frame: ClientFrame) -> None:
        await self.send_json({"type": "pong"})

    # --- sending -----------------------------------------------------------------------

    def answering(self, frame: dict[str, Any]) -> dict[str, Any]:
        """*frame* with the ref of the client frame being handled, if it had one."""
        return frame if self.ref is None else {**frame, "ref": self.ref}

    async def send_json(self, frame: dict[str, Any]) -> None:
        await self.send_text(encode(self.answering(frame)))

    async def send_error(self, error: KindredError) -> None:
        await self.send_json(error_frame(error))

    async def send_text(self, text: str) -> None:
        if self.closed:
            return
        protocol = self._protocol
        if protocol is not None and self._send_buffer_full():
            logger.warning("slow reader closed handle=%s", self.handle)
            await self.close(CLOSE_SLOW_READER)
            return
        if transport.can_write_direct(protocol):
            # Framed here and written straight to the socket, as the hub writes
            # messages: daphne's reply path (ASGI hand-off, autobahn's framing,
            # Twisted's buffered write and its writability watch) cost more than
            # a pong or an ack itself. Same order either way: a direct write
            # goes behind anything Twisted still holds for the socket.
            self._out.write(transport.text_frame(text.encode()))
            return
        if self._out is not None:
            self._out.flush()
        await self.base_send({"type": "websocket.send", "text": text})

    def reply_from_thread(self, frames: list[dict[str, Any]]) -> bool:
        """From the worker thread running a service: write *frames* to this socket
        now, in order, if they can go straight to it (see
        ``transport.DirectWriter``). False when nothing was written; the caller
        then sends them on the event loop as usual."""
        out = self._out
        if out is None or self.closed:
            return False
        try:
            return out.write_from_thread(
                b"".join(
                    transport.text_frame(encode(self.answering(frame)).encode()) for frame in frames
                )
            )
        except Exception:
            # The service's work is done and must not be reported as failed
            # because of how its reply was written: the loop writes it instead.
            logger.exception("could not reply from the worker thread handle=%s", self.handle)
            return False

    def _send_buffer_full(self) -> bool:
        pending = transport.pending_bytes(self._protocol)
        if pending is None or pending <= settings.SOCKET_SEND_BUFFER_LIMIT:
            self._over_since = None
            return False
        now = time.monotonic()
        if self._over_since is None:
            self._over_since = now
        return now - self._over_since >= settings.SOCKET_SEND_BUFFER_GRACE_SECONDS

    async def close(self, code: int) -> None:
        if self.closed:
            return
        self.closed = True
        if self.hub is not None:
            self.hub.unregister(self)
        if self._out is not None:
            self._out.closing()
        await self.base_send({"type": "websocket.close", "code": code})

    # --- what the hub calls ---------------------------------------------------------------

    async def hub_message(self, message_id: int, author_id: int, text: str) -> None:
        if not self.live:
            self._backlog.append((message_id, author_id, text))
            return
        await self._deliver(message_id, author_id, text)

    def offer_messages(self, batch: list[tuple[int, int, bytes]], joined: bytes) -> bool:
        """The hub's fast path: take a room's next messages without awaiting, writing
        the frames the hub built once straight to this socket's transport, all in
        one write. *batch* is ``(id, author_id, frame)`` in id order and *joined*
        all its frames together. False when the slow path (``hub_message``) must
        take them: catching up, or not under daphne."""
        if not self.live or self.closed:
            return self.closed
        protocol = self._protocol
        if not transport.can_write_direct(protocol):
            return False
        if self._send_buffer_full():
            return False  # the slow path closes it with 4408
        last, blocked = self.last_id, self.blocked
        if batch[0][0] > last and not (blocked and any(m[1] in blocked for m in batch)):
            data = joined
        else:
            data = b"".join(m[2] for m in batch if m[0] > last and m[1] not in blocked)
        self.last_id = max(last, batch[-1][0])
        if data:
            self._out.write(data)
        return True

    async def _deliver(self, message_id: int, author_id: int, text: str) -> None:
        if message_id <= self.last_id:
            return
        self.last_id = message_id
        if author_id in self.blocked:
            return
        await self.send_text(text)

    async def go_live(self) -> None:
        """Flush what the hub delivered while this socket was catching up."""
        while self._backlog:
            backlog, self._backlog = self._backlog, []
            for message_id, author_id, text in backlog:
                if message_id is None:
                    await self.send_text(text)
                else:
                    await self._deliver(message_id, author_id, text)
        self.live = True

    async def hub_frame(self, text: str) -> None:
        # Not before the welcome (or in the middle of a resume): a presence or
        # ``removed`` frame must not overtake the state it applies to.
        if not self.live:
            self._backlog.append((None, 0, text))
            return
        await self.send_text(text)

    async def hub_member_event(self, event: dict[str, Any]) -> None:
        if event.get("kind") == "blocks":
            self.blocked = frozenset(event["ids"])
        elif "frame" in event:
            await self.hub_frame(encode(event["frame"]))

    async def hub_close(self, code: int) -> None:
        # A close the frame being handled set off (leaving a chat closes its
        # sockets) waits for that frame's answer, so the client learns what
        # happened to its request before the socket goes.
        if self._answering:
            self._close_after = code
            return
        await self.close(code)

    blocked: frozenset[int] = frozenset()
    #: The ref of the client frame being handled (None: none, or between frames).
    ref: str | None = None
    #: A frame is being handled; a hub close waits for its answer (_close_after).
    _answering: bool = False
    _close_after: int | None = None
    _out: transport.DirectWriter | None = None


class NotFoundConsumer(AsyncConsumer):
    """Any unknown WebSocket path: accepted, then closed with 4404."""

    channel_layer_alias = "__kindred_no_channel_layer__"

    async def websocket_connect(self, message: dict[str, Any]) -> None:
        await self.send({"type": "websocket.accept"})
        await self.send({"type": "websocket.close", "code": CLOSE_NOT_FOUND})

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        raise StopConsumer()
