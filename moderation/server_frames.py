"""Schemas of the frames sent to facilitators (the moderation socket, crisis
alerts) and to members by moderation (notices, crisis cards, reach-outs)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from core.server_frames import ServerFrame, Shape
from rooms.server_frames import MessageShape, Resource


class ItemMessage(Shape):
    id: int
    body: str
    sent_at: str
    removed: bool
    held: bool


class Note(Shape):
    reason: str
    note: str
    at: str


class Grouped(Shape):
    id: int
    category: str
    excerpt: str
    room: str | None
    created_at: str


class HistoryEntry(Shape):
    action: str
    actor: str
    at: str


class SanctionShape(Shape):
    kind: Literal["warn", "mute", "ban"]
    minutes: int | None
    room: str | None
    at: str
    lifted: bool


class MemberSummary(Shape):
    level: int
    level_name: Literal["new", "member"]
    override: Literal["auto", "trusted", "restricted"]
    missing: list[Literal["time", "messages", "sanctions"]]
    sanctions: list[SanctionShape]
    next_step: Literal["warn", "mute_1h", "mute_24h", "ban"]
    muted_until: str | None
    banned: bool


class Item(Shape):
    id: int
    kind: Literal[
        "crisis",
        "report",
        "contact_info",
        "blocked_word",
        "new_link",
        "rate_limit",
        "check_in",
        "first_post",
    ]
    category: str
    priority: int
    weight: float | int
    state: Literal["open", "claimed", "resolved", "dismissed"]
    room: str | None
    room_kind: Literal["topic", "direct"] | None
    subject: str | None
    message: ItemMessage | None
    excerpt: str
    reports: int
    reasons: dict[str, int]
    notes: list[Note]
    claimed_by: str | None
    resolution: str | None
    created_at: str
    acknowledged_at: str | None
    detected_by: Literal["lexicon", "model"] | None = None
    detection_reason: str | None = None
    urgency: int
    also: list[Grouped]
    history: list[HistoryEntry]
    member: MemberSummary | None


class Queue(ServerFrame):
    type: Literal["queue"]
    items: list[Item]
    #: On the socket's first frame: this server echoes request ids.
    refs: Literal[True] | None = None
    #: More of the queue follows in ``queue.page`` frames (the frame limit).
    more: bool | None = None


class QueuePage(ServerFrame):
    type: Literal["queue.page"]
    items: list[Item]
    last: bool


class QueueItem(ServerFrame):
    type: Literal["queue.item", "queue.update"]
    item: Item


class RoomChanged(ServerFrame):
    """To every dashboard: a facilitator changed a topic room's lock, slow mode or pin."""

    type: Literal["room.changed"]
    room: str
    locked: bool
    slow_mode_seconds: int
    pinned: int | None
    by: str


class CrisisAlert(ServerFrame):
    type: Literal["crisis.alert"]
    item: int
    category: str
    room: str | None
    room_kind: Literal["topic", "direct"] | None
    handle: str | None
    message: ItemMessage | None


class Crisis(ServerFrame):
    type: Literal["crisis"]
    category: Literal["suicide", "self_harm", "overdose", "violence"]
    #: The resources' country code, or "international".
    country: str
    message: str
    #: "alerted": someone on duty or on call was told; "later": nobody is
    #: available now, a facilitator checks in when one comes on.
    followup: Literal["alerted", "later"]
    followup_text: str
    resources: list[Resource]


class Done(ServerFrame):
    """The answer to a moderation action; which fields depends on the action."""

    type: Literal["done"]
    action: Literal[
        "claim",
        "dismiss",
        "remove_message",
        "release_message",
        "warn",
        "mute",
        "kick",
        "ban",
        "slow_mode",
        "lock",
        "pin",
        "not_crisis",
        "missed_crisis",
        "resolve",
        "sanction",
        "unmute",
        "unban",
        "trust",
    ]
    #: What the action was taken on: an item, a message, a member or a room.
    item: int | None = None
    message: int | None = None
    member: str | None = None
    room: str | None = None
    #: What it set. "mute": when the mute ends.
    until: str | None = None
    #: "sanction": the ladder's step taken.
    step: Literal["warn", "mute_1h", "mute_24h", "ban"] | None = None
    #: "trust": the member's override now.
    override: Literal["auto", "trusted", "restricted"] | None = None
    #: "slow_mode": the seconds between a member's messages; "lock": locked or not.
    seconds: int | None = None
    locked: bool | None = None


class ContextMessage(MessageShape):
    removed: bool
    reported: bool


class Context(ServerFrame):
    type: Literal["context"]
    item: int
    messages: list[ContextMessage]


class AuditEntry(Shape):
    id: int
    at: str
    actor: str
    action: str
    item: int | None
    target: str | None
    room: str | None
    message: int | None
    reason: str
    details: dict[str, Any]


class Audit(ServerFrame):
    type: Literal["audit"]
    entries: list[AuditEntry]
    #: Older entries remain: ask with ``before`` the last entry's id.
    more: bool | None = None


class Notice(ServerFrame):
    type: Literal["notice"]
    kind: Literal["warning", "report_outcome", "removed", "muted", "lifted"]
    message: str
    outcome: Literal["action", "no_action"] | None = None
    #: "removed": the id of the author's message that was removed.
    id: int | None = None
    #: "muted": when it ends, and the room's slug (null: everywhere).
    until: str | None = None
    room: str | None = None


class ReportReceived(ServerFrame):
    type: Literal["report.received"]
    message: int


class ChatOpened(ServerFrame):
    """To the member a facilitator reaches out to (``from``, ``reason``,
    ``message``), and the facilitator's own answer (``with``)."""

    type: Literal["chat.opened"]
    chat: int
    from_: str | None = Field(None, alias="from")
    reason: Literal["check_in"] | None = None
    message: str | None = None
    with_: str | None = Field(None, alias="with")
