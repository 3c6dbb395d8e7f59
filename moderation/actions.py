"""Every facilitator action once: the frame class that describes it and the
service it calls.

The moderation socket, ``POST /api/moderation/actions/<name>/`` and the Django
admin all parse with the frame class and dispatch through :data:`ACTIONS`, so an
action accepts, refuses and does the same thing whichever way it arrives.
Reads (``context``, ``audit``) are not actions: they have their own GET endpoints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.errors import BadFrame
from core.frames import ClientFrame, FrameParser
from moderation import feedback, ladder, lifts, room_controls, services
from moderation import frames as f

#: Frame field -> the service's keyword, where they differ (the same for every action).
SERVICE_KEYWORDS = {"item": "item_id", "message": "message_id", "room": "room_slug", "on": "locked"}


@dataclass(frozen=True)
class Action:
    frame: type[ClientFrame]
    #: Called with ``actor_id`` and the frame's fields as keywords; answers with a frame.
    service: Callable[..., dict[str, Any]]

    def call(self, actor_id: int, frame: ClientFrame) -> dict[str, Any]:
        # type and ref are the protocol's, not the action's.
        fields = frame.model_dump(exclude={"type", "ref"})
        return self.service(
            actor_id=actor_id, **{SERVICE_KEYWORDS.get(k, k): v for k, v in fields.items()}
        )


_ACTIONS = (
    Action(f.Claim, services.item_claim),
    Action(f.Dismiss, services.item_dismiss),
    Action(f.Resolve, services.item_resolve),
    Action(f.RemoveMessage, services.message_remove),
    Action(f.ReleaseMessage, services.message_release),
    Action(f.Warn, services.member_warn),
    Action(f.Mute, services.member_mute),
    Action(f.Kick, services.member_kick),
    Action(f.Ban, services.member_ban),
    Action(f.Sanction, ladder.member_sanction),
    Action(f.Unmute, lifts.member_unmute),
    Action(f.Unban, lifts.member_unban),
    Action(f.Trust, ladder.member_trust_set),
    Action(f.SlowMode, room_controls.room_slow_mode),
    Action(f.Lock, room_controls.room_lock),
    Action(f.Pin, room_controls.message_pin),
    Action(f.ReachOut, services.reach_out),
    Action(f.NotCrisis, feedback.crisis_not_crisis),
    Action(f.MissedCrisis, feedback.crisis_missed),
)

#: Action name (the frame's ``type``) -> its description.
ACTIONS: dict[str, Action] = {action.frame.frame_type: action for action in _ACTIONS}

_PARSER = FrameParser(*(action.frame for action in _ACTIONS))


def action_parse(*, name: str, fields: dict[str, Any]) -> ClientFrame:
    """The frame of action *name* from its fields (an HTTP body, an admin form):
    the socket's validation, word for word. ``type`` may be left out."""
    if fields.get("type", name) != name:
        raise BadFrame(f"'type' must be {name!r} here, or left out.")
    return _PARSER.parse_object({**fields, "type": name})


def action_perform(*, actor_id: int, frame: ClientFrame) -> dict[str, Any]:
    """Run the action *frame* describes, as *actor_id*; the service's answer."""
    return ACTIONS[frame.type].call(actor_id, frame)
