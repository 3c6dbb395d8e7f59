"""Schemas of the ``meeting`` frame every socket in a meeting's room receives
(docs/protocol.md, "Meetings"), and of the API's meeting objects."""

from __future__ import annotations

from typing import Literal

from core.server_frames import ServerFrame, Shape

Happened = Literal[
    "started",
    "opening",
    "pinned",
    "slow_on",
    "slow_off",
    "round_started",
    "round_ended",
    "floor",
    "floor_done",
    "host_late",
    "cancelled",
    "ended",
]


class LogEntry(Shape):
    at: str
    what: Happened
    handle: str | None


class SessionShape(Shape):
    session: int
    meeting: int
    title: str
    format: Literal["open_share", "check_in", "topic", "newcomers", "family"]
    format_label: str
    room: str
    state: Literal["waiting", "late", "live", "ended", "cancelled"]
    starts_at: str
    ends_at: str
    host: str | None
    hosts: list[str]
    round: bool
    during_round: Literal["wait", "side"]
    floor: str | None
    hands: list[str]
    reading: int | None
    note: str | None
    log: list[LogEntry]


class Meeting(ServerFrame):
    """A meeting in this room changed: it opened, went live, a hand, the floor, the end."""

    type: Literal["meeting"]
    meeting: SessionShape
