"""Plain data that crosses the async boundary (never a lazy QuerySet)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RoomData:
    id: int
    slug: str
    title: str
    description: str
    kind: str
    is_locked: bool
    slow_mode_seconds: int
    last_message_id: int
    language: str = "en"

    def public(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "title": self.title,
            "description": self.description,
            "kind": self.kind,
            "locked": self.is_locked,
            "slow_mode_seconds": self.slow_mode_seconds,
            "language": self.language,
        }


@dataclass(frozen=True)
class MessageData:
    id: int
    room_id: int
    room_slug: str
    author_id: int
    author: str
    html: str
    sent_at: str
    nonce: str | None
    prev_id: int
    #: Held for a facilitator (the room's crisis policy): shown to its author only.
    held: bool = False
    #: "milestone" for a shared recovery milestone; "text" otherwise.
    kind: str = "text"
    #: Reaction counts by reaction (rooms.reactions); only read pages carry them.
    reactions: dict[str, int] | None = None
    #: The reactions the reader gave this message (read pages only).
    mine: tuple[str, ...] = ()

    def frame(self) -> dict[str, Any]:
        frame = {
            "type": "message",
            "id": self.id,
            "room": self.room_slug,
            "author": self.author,
            "body": self.html,
            "sent_at": self.sent_at,
            "nonce": self.nonce,
        }
        if self.held:
            frame["held"] = True
        if self.kind != "text":
            frame["kind"] = self.kind
        if self.reactions:
            frame["reactions"] = self.reactions
        if self.mine:
            frame["my_reactions"] = list(self.mine)
        return frame


@dataclass(frozen=True)
class SendResult:
    message: MessageData
    #: True when the nonce had been seen: nothing new was stored or broadcast.
    duplicate: bool = False
    #: The private crisis card for the sender, when one is due.
    crisis: dict[str, Any] | None = None
    #: Held for a facilitator instead of delivered (room crisis policy).
    held: bool = False


@dataclass(frozen=True)
class Welcome:
    room: RoomData
    you: dict[str, Any]
    history: list[MessageData]
    blocked_ids: frozenset[int] = field(default_factory=frozenset)
    pinned: MessageData | None = None
    #: {"online": [handle], "online_count": int, "open_to_chat": [handle]}
    presence: dict[str, Any] = field(default_factory=dict)
    presence_key: str = ""
    inbox_unread: int = 0
    #: Accountable people's handles -> their badge ("facilitator" or "supporter"),
    #: so messages and presence lists can show who is on the team (handle only).
    team: dict[str, str] = field(default_factory=dict)
    #: When the member's mute here ends (ISO-8601), or None.
    muted_until: str | None = None
