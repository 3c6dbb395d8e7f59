"""The presence interface shared by both backends, and the settings it reads.

Presence answers "who is here now": which members have a live socket in which
room, site-wide counts, who is on duty and who is open to a chat. Each socket is
one *connection* (``conn_id``); a member with three tabs in a room is still one
member there. A connection stays live until ``PRESENCE_TTL_SECONDS`` after its
last heartbeat, so a process killed without clean-up leaves no ghosts: its
entries expire (and drop out of every answer at once) and the next sweep, in
any process, announces the leaves.

All methods are synchronous; socket code calls them through
``database_sync_to_async``/``sync_to_async``. ``now`` is a Unix timestamp in
seconds and defaults to the current time (tests pass it explicitly).
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings

DEFAULT_TTL_SECONDS = 60
DEFAULT_HEARTBEAT_SECONDS = 20

#: Roles that count as "a facilitator on now" while on duty.
FACILITATOR_ROLES = frozenset({"facilitator", "admin"})

#: Room keys with a colon are not topic rooms ("chat:12" for a one-on-one chat,
#: "mod:queue" for the facilitators' socket): counted in "online", never listed
#: under "rooms". Room slugs never contain a colon.
CHAT_PREFIX = "chat:"


def ttl_seconds() -> float:
    """An entry expires this long after its last heartbeat."""
    return float(getattr(settings, "PRESENCE_TTL_SECONDS", DEFAULT_TTL_SECONDS))


def heartbeat_seconds() -> float:
    """How often each process should heartbeat its sockets (and sweep)."""
    return float(getattr(settings, "PRESENCE_HEARTBEAT_SECONDS", DEFAULT_HEARTBEAT_SECONDS))


def __getattr__(name: str) -> Any:
    # PRESENCE_TTL_SECONDS / PRESENCE_HEARTBEAT_SECONDS read the settings when
    # used, so that test overrides apply.
    if name == "PRESENCE_TTL_SECONDS":
        return ttl_seconds()
    if name == "PRESENCE_HEARTBEAT_SECONDS":
        return heartbeat_seconds()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def resolve_now(now: float | None) -> float:
    return time.time() if now is None else float(now)


def is_chat_room(room: str) -> bool:
    return ":" in room


def counts_on_duty(role: str, on_duty: bool) -> bool:
    return on_duty and role in FACILITATOR_ROLES


def by_handle(entries: Iterable[dict]) -> list[dict]:
    """Entries sorted by handle, case-insensitively (ties broken by exact handle)."""
    return sorted(entries, key=lambda e: (e["handle"].casefold(), e["handle"]))


@dataclass(frozen=True)
class Change:
    """A presence delta to broadcast to one room.

    ``count`` (visible members in the room after the change) is the truth;
    clients should treat join/leave as "make sure the handle is (not) listed",
    since a member whose entry expired and who reconnects before the sweep gets
    a second join without a leave in between. When ``visible`` is False the
    change is an invisible member's own coming or going: nothing is broadcast
    (invisible members are neither listed nor counted, so that going invisible
    is exactly a leave and coming back exactly a join). ``update`` is a visible
    member turning "open to chat" on or off; ``open_to_chat`` is the member's
    choice after a join or an update.
    """

    room: str
    event: Literal["join", "leave", "update"]
    handle: str
    visible: bool
    count: int
    open_to_chat: bool = False


@dataclass(frozen=True)
class Arrival:
    """What a socket tells the presence store when it connects: who, where, and
    the member's presence choices at that moment."""

    conn_id: str
    member_id: int
    handle: str
    room: str
    role: str
    invisible: bool = False
    open_to_chat: bool = False
    on_duty: bool = False


class ConnectionConflict(ValueError):
    """``connect()`` with a ``conn_id`` already registered for another member or room."""


@dataclass(frozen=True)
class StateUpdate:
    """The flags a ``set_member_state`` call changes; None leaves a flag as it is."""

    invisible: bool | None = None
    open_to_chat: bool | None = None
    on_duty: bool | None = None


class PresenceStore(ABC):
    """The interface both backends implement (memory.py, redis_store.py), and what
    they share: the TTL, ``set_member_state``'s arguments gathered for them, and
    the order of every list of members (by handle)."""

    def __init__(self, *, ttl: float | None = None) -> None:
        self._ttl = None if ttl is None else float(ttl)

    @property
    def ttl(self) -> float:
        """Seconds a connection stays live after its last heartbeat (settings unless given)."""
        return ttl_seconds() if self._ttl is None else self._ttl

    @abstractmethod
    def connect(self, arrival: Arrival, *, now: float | None = None) -> Change | None:
        """Register one socket; a join Change if it is the member's first live one in the room."""

    @abstractmethod
    def disconnect(self, *, conn_id: str, now: float | None = None) -> Change | None:
        """Unregister one socket; a leave Change if it was the member's last live one there."""

    @abstractmethod
    def heartbeat(self, conn_ids: Iterable[str], *, now: float | None = None) -> set[str]:
        """Refresh many connections in one round trip.

        Returns the ids that were not refreshed because they are unknown or
        already expired; they are never brought back (the caller may
        ``connect()`` them again, which announces a join).
        """

    @abstractmethod
    def sweep(self, *, now: float | None = None) -> list[Change]:
        """Drop expired connections; each leave is returned by exactly one caller."""

    def room_online(self, room: str, *, now: float | None = None) -> tuple[list[dict], int]:
        """([{"handle", "role", "open_to_chat"}] of visible members by handle, their count)."""
        listed = self._room_visible(room, resolve_now(now))
        return by_handle(listed), len(listed)

    @abstractmethod
    def _room_visible(self, room: str, now: float) -> list[dict]:
        """The backend's ``room_online``, in any order."""

    @abstractmethod
    def counts(self, *, now: float | None = None) -> dict:
        """{"online", "facilitators_on_duty", "rooms": {room: members}} (chats not listed).

        ``online`` and the rooms count visible members only; on duty counts
        every facilitator on duty."""

    def set_member_state(
        self,
        *,
        member_id: int,
        invisible: bool | None = None,
        open_to_chat: bool | None = None,
        on_duty: bool | None = None,
        now: float | None = None,
    ) -> list[Change]:
        """Update a connected member's flags: a leave or join in each of their rooms
        when visibility flips, an update when a visible member's open-to-chat flips."""
        update = StateUpdate(invisible=invisible, open_to_chat=open_to_chat, on_duty=on_duty)
        return self._update_member(member_id, update, resolve_now(now))

    @abstractmethod
    def _update_member(self, member_id: int, update: StateUpdate, now: float) -> list[Change]:
        """The backend's ``set_member_state``."""

    def members_open_to_chat(self, *, now: float | None = None) -> list[dict]:
        """[{"member_id", "handle", "role"}] of live, visible members open to a chat, by handle."""
        return by_handle(self._open_to_chat(resolve_now(now)))

    @abstractmethod
    def _open_to_chat(self, now: float) -> list[dict]:
        """The backend's ``members_open_to_chat``, in any order."""

    @abstractmethod
    def live_member_ids(self, *, now: float | None = None) -> set[int]: ...

    @abstractmethod
    def on_duty_member_ids(self, *, now: float | None = None) -> set[int]: ...

    @abstractmethod
    def clear(self) -> None:
        """Tests only: drop everything this store owns."""
