"""Client frames of the facilitators' socket ``/ws/moderation/`` (docs/moderation.md).

Each action's frame class is its one description: the socket, the HTTP action
endpoint and the admin all parse with it (``moderation.actions``), so a value
is refused the same way wherever it comes from.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from django.conf import settings
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from core.frames import ClientFrame, Id
from rooms.frames import MEMBER_FRAMES

Handle = Annotated[str, Field(min_length=1, max_length=64)]
Slug = Annotated[str, Field(min_length=1, max_length=64)]
Reason = Annotated[str, Field(max_length=500)]


def _at_most(setting: str, unit: str) -> AfterValidator:
    """A bound read from *setting* when a frame is checked (not at import), so the
    setting, overridden or not, is the only place the limit lives."""

    def check(value: int) -> int:
        limit = getattr(settings, setting)
        if value > limit:
            raise PydanticCustomError(
                "too_large", "at most {limit} {unit}", {"limit": limit, "unit": unit}
            )
        return value

    return AfterValidator(check)


MuteMinutes = Annotated[int, Field(ge=1), _at_most("MUTE_MAX_MINUTES", "minutes")]
SlowModeSeconds = Annotated[int, Field(ge=0), _at_most("SLOW_MODE_MAX_SECONDS", "seconds")]


class Claim(ClientFrame):
    frame_type: ClassVar[str] = "claim"
    type: Literal["claim"]
    item: Id


class Dismiss(ClientFrame):
    frame_type: ClassVar[str] = "dismiss"
    type: Literal["dismiss"]
    item: Id
    reason: Reason = ""


class Resolve(ClientFrame):
    """Close an item whose job is done, saying how (the reason is required)."""

    frame_type: ClassVar[str] = "resolve"
    type: Literal["resolve"]
    item: Id
    #: Required: left out or blank, the service answers ``reason_required`` in words.
    reason: Reason = ""


class RemoveMessage(ClientFrame):
    frame_type: ClassVar[str] = "remove_message"
    type: Literal["remove_message"]
    message: Id
    item: Id | None = None
    reason: Reason = ""


class ReleaseMessage(ClientFrame):
    """Deliver a message held by the room's crisis policy."""

    frame_type: ClassVar[str] = "release_message"
    type: Literal["release_message"]
    message: Id
    item: Id | None = None


class Warn(ClientFrame):
    frame_type: ClassVar[str] = "warn"
    type: Literal["warn"]
    handle: Handle
    text: Reason = ""
    item: Id | None = None


class Mute(ClientFrame):
    frame_type: ClassVar[str] = "mute"
    type: Literal["mute"]
    handle: Handle
    minutes: MuteMinutes
    room: Slug | None = None
    item: Id | None = None
    reason: Reason = ""


class Kick(ClientFrame):
    frame_type: ClassVar[str] = "kick"
    type: Literal["kick"]
    handle: Handle
    room: Slug
    item: Id | None = None
    reason: Reason = ""


class Ban(ClientFrame):
    frame_type: ClassVar[str] = "ban"
    type: Literal["ban"]
    handle: Handle
    item: Id | None = None
    reason: Reason = ""


class Sanction(ClientFrame):
    """The step-up ladder's next step for *handle* (warn, 1 h mute, 24 h mute,
    ban), or the *step* a facilitator chooses instead."""

    frame_type: ClassVar[str] = "sanction"
    type: Literal["sanction"]
    handle: Handle
    step: Literal["warn", "mute_1h", "mute_24h", "ban"] | None = None
    room: Slug | None = None
    item: Id | None = None
    reason: Reason = ""


class Unmute(ClientFrame):
    """End every running mute of *handle* (and of their browser) now."""

    frame_type: ClassVar[str] = "unmute"
    type: Literal["unmute"]
    handle: Handle
    item: Id | None = None
    reason: Reason = ""


class Unban(ClientFrame):
    """Lift *handle*'s ban, and their browser's."""

    frame_type: ClassVar[str] = "unban"
    type: Literal["unban"]
    handle: Handle
    item: Id | None = None
    reason: Reason = ""


class Trust(ClientFrame):
    """Promote a member to level 1 now, restrict them to level 0, or go back to auto."""

    frame_type: ClassVar[str] = "trust"
    type: Literal["trust"]
    handle: Handle
    override: Literal["auto", "trusted", "restricted"]
    item: Id | None = None
    reason: Reason = ""


class SlowMode(ClientFrame):
    frame_type: ClassVar[str] = "slow_mode"
    type: Literal["slow_mode"]
    room: Slug
    seconds: SlowModeSeconds


class Lock(ClientFrame):
    frame_type: ClassVar[str] = "lock"
    type: Literal["lock"]
    room: Slug
    on: bool


class Pin(ClientFrame):
    frame_type: ClassVar[str] = "pin"
    type: Literal["pin"]
    room: Slug
    message: Id | None


class Context(ClientFrame):
    frame_type: ClassVar[str] = "context"
    type: Literal["context"]
    item: Id


class ReachOut(ClientFrame):
    """Open a one-on-one chat with the member a crisis item is about."""

    frame_type: ClassVar[str] = "reach_out"
    type: Literal["reach_out"]
    item: Id


class NotCrisis(ClientFrame):
    """The detector flagged this crisis item's message wrongly: teach it (moderation.feedback)."""

    frame_type: ClassVar[str] = "not_crisis"
    type: Literal["not_crisis"]
    item: Id


class MissedCrisis(ClientFrame):
    """This message was a crisis the detector missed: teach it (moderation.feedback)."""

    frame_type: ClassVar[str] = "missed_crisis"
    type: Literal["missed_crisis"]
    message: Id
    category: Literal["suicide", "self_harm", "overdose", "violence"]


class Audit(ClientFrame):
    frame_type: ClassVar[str] = "audit"
    type: Literal["audit"]
    limit: Annotated[int, Field(ge=1, le=500)] = 100
    #: Entries older than this entry id (the next page after an ``audit`` with ``more``).
    before: Id | None = None


MODERATION_FRAMES: tuple[type[ClientFrame], ...] = (
    Claim,
    Dismiss,
    Resolve,
    RemoveMessage,
    ReleaseMessage,
    Warn,
    Mute,
    Kick,
    Ban,
    Sanction,
    Unmute,
    Unban,
    Trust,
    SlowMode,
    Lock,
    Pin,
    Context,
    ReachOut,
    NotCrisis,
    MissedCrisis,
    Audit,
    *MEMBER_FRAMES,
)
