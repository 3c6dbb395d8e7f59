"""Schemas of the frames the room and chat sockets send (docs/protocol.md,
"Server → client"), and of the chat and drop-in frames sent to members."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from core.server_frames import ServerFrame, Shape

Reaction = Literal["me_too", "strength", "celebrate", "thanks"]


class RoomShape(Shape):
    slug: str
    title: str
    description: str
    kind: Literal["topic", "direct"]
    locked: bool
    slow_mode_seconds: int
    #: The language the room talks in ("en", "es").
    language: str


class You(Shape):
    handle: str
    role: Literal["member", "supporter", "facilitator", "admin"]
    #: A new handle in a sensitive room: their messages wait for a quick look.
    first_posts_wait: Literal[True] | None = None


class MessageShape(Shape):
    type: Literal["message"]
    id: int
    room: str
    author: str
    body: str
    sent_at: str
    nonce: str | None
    held: Literal[True] | None = None
    #: A shared recovery milestone; absent for an ordinary message.
    kind: Literal["milestone"] | None = None
    #: Reaction counts (only on pages read: welcome, history, resume).
    reactions: dict[Reaction, int] | None = None
    #: The reader's own reactions to it (pages read only).
    my_reactions: list[Reaction] | None = None


class Message(MessageShape, ServerFrame):
    """A message as rooms deliver it."""


class Welcome(ServerFrame):
    type: Literal["welcome"]
    room: RoomShape
    you: You
    history: list[MessageShape]
    pinned: MessageShape | None
    online: list[str]
    online_count: int
    open_to_chat: list[str]
    refs: Literal[True]
    #: The member's unread inbox items (community/inbox.py).
    inbox_unread: int
    #: Team members' handles -> their badge (rooms.entry reads them for the welcome).
    team: dict[str, Literal["facilitator", "supporter"]]
    #: When the member's mute here ends (their own or their browser's), or null.
    muted_until: str | None = None


class Ack(ServerFrame):
    type: Literal["ack"]
    nonce: str | None
    id: int


class Resumed(ServerFrame):
    type: Literal["resumed"]
    last_id: int
    more: bool


class History(ServerFrame):
    type: Literal["history"]
    messages: list[MessageShape]


class Reactions(ServerFrame):
    """A message's reaction counts changed (to everyone in the room)."""

    type: Literal["reactions"]
    message: int
    counts: dict[Reaction, int]


class Reacted(ServerFrame):
    """The answer to ``react``: the reaction stands (or was taken back)."""

    type: Literal["reacted"]
    message: int
    reaction: Reaction
    on: bool
    counts: dict[Reaction, int]


class Removed(ServerFrame):
    type: Literal["removed"]
    id: int
    #: Its author deleted it (rooms/own_messages.py), rather than a facilitator.
    deleted: Literal[True] | None = None


class Room(ServerFrame):
    type: Literal["room"]
    room: RoomShape


class Pinned(ServerFrame):
    type: Literal["pinned"]
    message: MessageShape | None


class Status(ServerFrame):
    type: Literal["status"]
    on_duty: bool
    invisible: bool
    open_to_chat: bool


# --- one-on-one chats ---------------------------------------------------------------


class ChatRequest(ServerFrame):
    type: Literal["chat.request"]
    chat: int
    # "from" and "with" are Python keywords: the fields go by their wire names.
    from_: str = Field(alias="from")


class ChatRequested(ServerFrame):
    type: Literal["chat.requested"]
    chat: int
    to: str


class ChatAccepted(ServerFrame):
    type: Literal["chat.accepted"]
    chat: int
    by: str


class ChatDeclined(ServerFrame):
    type: Literal["chat.declined"]
    chat: int


class ChatClosed(ServerFrame):
    type: Literal["chat.closed"]
    chat: int
    by: str | None


# --- the drop-in line -----------------------------------------------------------------


class DropInOffer(ServerFrame):
    type: Literal["dropin.offer"]
    request: int
    waiting_since: str
    #: The language the member asked to talk in.
    language: str


class DropInMatched(ServerFrame):
    type: Literal["dropin.matched"]
    request: int
    chat: int
    with_: str = Field(alias="with")


class DropInWithdrawn(ServerFrame):
    type: Literal["dropin.withdrawn"]
    request: int


class Resource(Shape):
    name: str
    hours: str | None
    phone: str | None
    text: str | None
    url: str | None


class DropInTimeout(ServerFrame):
    type: Literal["dropin.timeout"]
    request: int
    message: str
    room: str
    resources: list[Resource]


class DropInStatus(ServerFrame):
    """The HTTP answer about the line (never sent on a socket)."""

    type: Literal["dropin.status"]
    status: Literal["waiting", "matched", "cancelled"]
    request: int | None = None
    place: int | None = None
    estimate_seconds: int | None = None
    chat: int | None = None
    language: str | None = None
    helpers_available: int | None = None
    helpers_speaking: int | None = None
