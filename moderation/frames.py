"""Client frames of the facilitators' socket ``/ws/moderation/`` (docs/moderation.md).

Each action's frame class is its one description: the socket, the HTTP action
endpoint and the admin all parse with it (``moderation.actions``), so a value
is refused the same way wherever it comes from.
"""

from __future__ import annotations

from typing import Annotated, Literal

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


# Shared bases: the fields several actions take, first and in the same order, so
# that each frame's fields (and which bad field a refusal names first) stay as
# docs/protocol.md lists them.


class ItemFrame(ClientFrame):
    """An action on one queue item."""

    item: Id


class MessageFrame(ClientFrame):
    """An action on one message."""

    message: Id


class MemberAction(ClientFrame):
    """An action on one member, named by handle."""

    handle: Handle


class PlainMemberAction(MemberAction):
    """A member action that takes only the queue item it answers (if any) and a reason."""

    item: Id | None = None
    reason: Reason = ""


class RoomControl(ClientFrame):
    """A change to one topic room's controls."""

    room: Slug


class Claim(ItemFrame):
    type: Literal["claim"]


class Dismiss(ItemFrame):
    type: Literal["dismiss"]
    reason: Reason = ""


class Resolve(ItemFrame):
    """Close an item whose job is done, saying how (the reason is required)."""

    type: Literal["resolve"]
    #: Required: left out or blank, the service answers ``reason_required`` in words.
    reason: Reason = ""


class RemoveMessage(MessageFrame):
    type: Literal["remove_message"]
    item: Id | None = None
    reason: Reason = ""


class ReleaseMessage(MessageFrame):
    """Deliver a message held by the room's crisis policy."""

    type: Literal["release_message"]
    item: Id | None = None


class Warn(MemberAction):
    type: Literal["warn"]
    text: Reason = ""
    item: Id | None = None


class Mute(MemberAction):
    type: Literal["mute"]
    minutes: MuteMinutes
    room: Slug | None = None
    item: Id | None = None
    reason: Reason = ""


class Kick(MemberAction):
    type: Literal["kick"]
    room: Slug
    item: Id | None = None
    reason: Reason = ""


class Ban(PlainMemberAction):
    type: Literal["ban"]


class Sanction(MemberAction):
    """The step-up ladder's next step for *handle* (warn, 1 h mute, 24 h mute,
    ban), or the *step* a facilitator chooses instead."""

    type: Literal["sanction"]
    step: Literal["warn", "mute_1h", "mute_24h", "ban"] | None = None
    room: Slug | None = None
    item: Id | None = None
    reason: Reason = ""


class Unmute(PlainMemberAction):
    """End every running mute of *handle* (and of their browser) now."""

    type: Literal["unmute"]


class Unban(PlainMemberAction):
    """Lift *handle*'s ban, and their browser's."""

    type: Literal["unban"]


class Trust(MemberAction):
    """Promote a member to level 1 now, restrict them to level 0, or go back to auto."""

    type: Literal["trust"]
    override: Literal["auto", "trusted", "restricted"]
    item: Id | None = None
    reason: Reason = ""


class SlowMode(RoomControl):
    type: Literal["slow_mode"]
    seconds: SlowModeSeconds


class Lock(RoomControl):
    type: Literal["lock"]
    on: bool


class Pin(RoomControl):
    type: Literal["pin"]
    message: Id | None


class Context(ItemFrame):
    type: Literal["context"]


class ReachOut(ItemFrame):
    """Open a one-on-one chat with the member a crisis item is about."""

    type: Literal["reach_out"]


class NotCrisis(ItemFrame):
    """The detector flagged this crisis item's message wrongly: teach it (moderation.feedback)."""

    type: Literal["not_crisis"]


class MissedCrisis(MessageFrame):
    """This message was a crisis the detector missed: teach it (moderation.feedback)."""

    type: Literal["missed_crisis"]
    category: Literal["suicide", "self_harm", "overdose", "violence"]


class Audit(ClientFrame):
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
