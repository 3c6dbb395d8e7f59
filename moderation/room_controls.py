"""A room's controls: slow mode, lock and the pinned message, live for every socket
in the room and for every facilitator's dashboard (``room.changed`` on the queue
topic), so facilitators see each other's changes at once."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from community.models import Member
from moderation.checks import audit, check_moderator, done
from moderation.queue import QUEUE_TOPIC
from realtime import bus
from rooms.access import check_live_message, check_topic_room
from rooms.models import Room
from rooms.selectors import message_data, room_data


def _room_changed(room: Room, actor: Any) -> None:
    frame = {"type": "room", "room": room_data(room).public()}
    room_id = room.pk
    bus.publish_room_on_commit(room_id, frame)
    _dashboards_told(room, actor)


def _dashboards_told(room: Room, actor: Any) -> None:
    bus.publish_topic_on_commit(
        QUEUE_TOPIC,
        {
            "type": "room.changed",
            "room": room.slug,
            "locked": room.is_locked,
            "slow_mode_seconds": room.slow_mode_seconds,
            "pinned": room.pinned_message_id,
            "by": actor.handle,
        },
    )


def _check_room_control(*, actor_id: int, room_slug: str) -> tuple[Member, Room]:
    """The facilitator acting, then the topic room: a member learns nothing of rooms."""
    return check_moderator(member_id=actor_id), check_topic_room(slug=room_slug)


def _room_set(room: Room, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(room, name, value)
    room.save(update_fields=list(fields))


@transaction.atomic
def room_slow_mode(*, actor_id: int, room_slug: str, seconds: int) -> dict[str, Any]:
    # *seconds* was bounded by the SlowMode frame every caller parses (moderation.actions).
    actor, room = _check_room_control(actor_id=actor_id, room_slug=room_slug)
    _room_set(room, slow_mode_seconds=seconds)
    audit(actor, "slow_mode", room=room, seconds=seconds)
    _room_changed(room, actor)
    return done("slow_mode", room=room.slug, seconds=seconds)


@transaction.atomic
def room_lock(*, actor_id: int, room_slug: str, locked: bool) -> dict[str, Any]:
    actor, room = _check_room_control(actor_id=actor_id, room_slug=room_slug)
    _room_set(room, is_locked=locked)
    audit(actor, "lock" if locked else "unlock", room=room)
    _room_changed(room, actor)
    return done("lock", room=room.slug, locked=locked)


@transaction.atomic
def message_pin(*, actor_id: int, message_id: int | None, room_slug: str) -> dict[str, Any]:
    """Pin a message of a topic room (shown in every welcome), or unpin with None."""
    actor, room = _check_room_control(actor_id=actor_id, room_slug=room_slug)
    message = None
    if message_id is not None:
        message = check_live_message(
            message_id=message_id, room=room, detail=_("There is no such message in this room.")
        )
    _room_set(room, pinned_message=message)
    audit(actor, "pin" if message else "unpin", room=room, message_id=message_id)
    frame = {
        "type": "pinned",
        "message": message_data(message, room_slug=room.slug, author=message.author.handle).frame()
        if message
        else None,
    }
    room_id = room.pk
    # Members who block the author don't see it pinned either (nor in their welcome).
    bus.publish_room_on_commit(room_id, frame, author_id=message.author_id if message else None)
    _dashboards_told(room, actor)
    return done("pin", room=room.slug, message=message_id)
