"""A room's controls: slow mode, lock and the pinned message, live for every socket
in the room and for every facilitator's dashboard (``room.changed`` on the queue
topic), so facilitators see each other's changes at once."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import NotFound
from moderation.checks import audit, check_moderator
from moderation.queue import QUEUE_TOPIC
from realtime import bus
from rooms.access import check_topic_room
from rooms.models import Message, Room
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


@transaction.atomic
def room_slow_mode(*, actor_id: int, room_slug: str, seconds: int) -> dict[str, Any]:
    actor = check_moderator(member_id=actor_id)
    room = check_topic_room(slug=room_slug)
    # *seconds* was bounded by the SlowMode frame every caller parses (moderation.actions).
    room.slow_mode_seconds = seconds
    room.save(update_fields=["slow_mode_seconds"])
    audit(actor, "slow_mode", room=room, seconds=seconds)
    _room_changed(room, actor)
    return {"type": "done", "action": "slow_mode", "room": room.slug, "seconds": seconds}


@transaction.atomic
def room_lock(*, actor_id: int, room_slug: str, locked: bool) -> dict[str, Any]:
    actor = check_moderator(member_id=actor_id)
    room = check_topic_room(slug=room_slug)
    room.is_locked = locked
    room.save(update_fields=["is_locked"])
    audit(actor, "lock" if locked else "unlock", room=room)
    _room_changed(room, actor)
    return {"type": "done", "action": "lock", "room": room.slug, "locked": locked}


@transaction.atomic
def message_pin(*, actor_id: int, message_id: int | None, room_slug: str) -> dict[str, Any]:
    """Pin a message of a topic room (shown in every welcome), or unpin with None."""
    actor = check_moderator(member_id=actor_id)
    room = check_topic_room(slug=room_slug)
    message = None
    if message_id is not None:
        message = (
            Message.objects.select_related("author")
            .filter(pk=message_id, room=room, removed_at__isnull=True)
            .first()
        )
        if message is None:
            raise NotFound(_("There is no such message in this room."))
    room.pinned_message = message
    room.save(update_fields=["pinned_message"])
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
    return {"type": "done", "action": "pin", "room": room.slug, "message": message_id}
