"""Schemas of the frames the server sends: the other half of core/frames.py.

Each app declares its server frames as :class:`ServerFrame` subclasses (here:
the ones every socket sends; ``rooms/server_frames.py`` and
``moderation/server_frames.py`` the rest), which registers them by ``type`` in
:data:`SERVER_FRAMES`. Nothing in production validates against them: the test
suite checks every frame the server encodes (tests/conftest.py), and
docs/protocol.md must document every type registered here
(tests/test_protocol_doc.py).
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict

from core.frames import Ref

#: Every server frame type -> its schema, filled as the apps' modules are imported.
SERVER_FRAMES: dict[str, type[ServerFrame]] = {}

#: The modules that declare server frames (imported by :func:`all_server_frames`).
SERVER_FRAME_MODULES = (
    "core.server_frames",
    "rooms.server_frames",
    "moderation.server_frames",
    "recovery.server_frames",
    "meetings.server_frames",
)


class Shape(BaseModel):
    """A nested object of a server frame: exactly these fields, these types."""

    model_config = ConfigDict(extra="forbid", strict=True)


class ServerFrame(Shape):
    """A schema registers itself for the frame types its ``type`` Literal names."""

    type: str
    #: The client's request id, on frames that answer a request (docs: "Request ids").
    ref: Ref | None = None

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        for frame_type in get_args(cls.model_fields["type"].annotation):
            if SERVER_FRAMES.get(frame_type, cls) is not cls:
                raise TypeError(f"two schemas for server frame {frame_type!r}")
            SERVER_FRAMES[frame_type] = cls


def all_server_frames() -> dict[str, type[ServerFrame]]:
    import importlib

    for module in SERVER_FRAME_MODULES:
        importlib.import_module(module)
    return SERVER_FRAMES


def check_server_frame(frame: dict[str, Any]) -> None:
    """Raise ValueError unless *frame* is a server frame of a known type, as its schema says."""
    schema = SERVER_FRAMES.get(frame.get("type"))  # type: ignore[arg-type]
    if schema is None:
        raise ValueError(f"no schema for server frame type {frame.get('type')!r}")
    if "ref" in frame and frame["ref"] is None:
        raise ValueError("a server frame's ref is left out, never null")
    schema.model_validate(frame)


# --- frames every socket sends ---------------------------------------------------------


class Pong(ServerFrame):
    type: Literal["pong"]


class Error(ServerFrame):
    """A refusal (core.errors.error_frame); the extra fields some codes carry."""

    type: Literal["error"]
    code: str
    detail: str
    retry_after: int | None = None
    limit: int | None = None
    until: str | None = None
    chat: int | None = None
    nonce: str | None = None


class PresenceChange(Shape):
    event: Literal["join", "leave", "update"]
    handle: str
    open_to_chat: bool | None = None


class Presence(ServerFrame):
    """A visible member joined, left or changed "open to chat" (invisible members
    are never announced); ``count`` is the visible members after it."""

    type: Literal["presence"]
    event: Literal["join", "leave", "update", "batch"]
    count: int
    handle: str | None = None
    open_to_chat: bool | None = None
    changes: list[PresenceChange] | None = None


# --- the inbox (community/inbox.py): sent to every socket of one member ----------------


class InboxItemShape(Shape):
    id: int
    kind: Literal["chat", "notice", "checkin"]
    at: str
    read: bool
    text: str
    url: str | None


class Inbox(ServerFrame):
    """A notice stored for the member has arrived; ``unread`` counts theirs."""

    type: Literal["inbox"]
    item: InboxItemShape
    unread: int


class InboxRead(ServerFrame):
    """The member read items (in another tab, perhaps): the count to show now."""

    type: Literal["inbox.read"]
    unread: int
