"""Client frames of the room and chat sockets (docs/protocol.md, "Rooms")."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from core.frames import ClientFrame, Id

Nonce = Annotated[str, Field(min_length=1, max_length=64)]


class SendMessage(ClientFrame):
    type: Literal["message"]
    # The length limit in words is the service's; this only stops absurd frames.
    body: Annotated[str, Field(max_length=100_000)]
    nonce: Nonce | None = None


class Resume(ClientFrame):
    type: Literal["resume"]
    after: Id


class History(ClientFrame):
    type: Literal["history"]
    before: Id
    # Larger requests are answered with at most HISTORY_PAGE_MAX messages.
    limit: Annotated[int, Field(ge=1, le=2**53 - 1)] = 50


class Ping(ClientFrame):
    type: Literal["ping"]


class Duty(ClientFrame):
    """A facilitator goes on or off duty (any socket)."""

    type: Literal["duty"]
    on: bool


class SetStatus(ClientFrame):
    """Appear invisible and/or open to a one-on-one chat (any socket)."""

    type: Literal["status"]
    invisible: bool | None = None
    open_to_chat: bool | None = None


Handle = Annotated[str, Field(min_length=1, max_length=64)]
Note = Annotated[str, Field(max_length=500)]


class Report(ClientFrame):
    """Report a message to the facilitators (any chat socket)."""

    type: Literal["report"]
    message: Id
    reason: Literal["harassment", "spam", "unsafe", "contact_info", "other"]
    note: Note = ""


class React(ClientFrame):
    """Give (or, with ``on: false``, take back) a support reaction (room sockets)."""

    type: Literal["react"]
    message: Id
    reaction: Literal["me_too", "strength", "celebrate", "thanks"]
    on: bool = True


class ChatRequest(ClientFrame):
    type: Literal["chat.request"]
    to: Handle


class ChatAccept(ClientFrame):
    type: Literal["chat.accept"]
    chat: Id


class ChatDecline(ClientFrame):
    type: Literal["chat.decline"]
    chat: Id


class DropInAccept(ClientFrame):
    """A facilitator or peer supporter takes a drop-in request."""

    type: Literal["dropin.accept"]
    request: Id


#: Frames every Kindred socket understands.
MEMBER_FRAMES: tuple[type[ClientFrame], ...] = (
    Ping,
    Duty,
    SetStatus,
    ChatRequest,
    ChatAccept,
    ChatDecline,
    DropInAccept,
)


class ChatLeave(ClientFrame):
    type: Literal["chat.leave"]


class ChatBlock(ClientFrame):
    """Block the other participant of this chat (closes it)."""

    type: Literal["chat.block"]


ROOM_FRAMES: tuple[type[ClientFrame], ...] = (
    SendMessage,
    Resume,
    History,
    Report,
    React,
    *MEMBER_FRAMES,
)
CHAT_FRAMES: tuple[type[ClientFrame], ...] = (*ROOM_FRAMES, ChatLeave, ChatBlock)
