"""What rooms hold of a member, erased with them; and old messages purged."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from realtime import bus
from rooms.models import Message, Room, RoomKind


def erase_member_messages(*, member: Any, **_: Any) -> dict[str, int]:
    """Their messages go with them (the foreign key cascades); every room that
    showed one is told to drop it, after commit."""
    gone = list(Message.objects.filter(author=member).values_list("room_id", "id"))
    for room_id, message_id in gone:
        bus.publish_room_on_commit(room_id, {"type": "removed", "id": message_id})
    return {"messages": len(gone)}


def purge_old_messages(*, messages_before: datetime, **_: Any) -> dict[str, int]:
    # A pinned message that is purged is simply unpinned (SET_NULL).
    messages, _count = Message.objects.filter(sent_at__lt=messages_before).delete()
    Room.objects.filter(kind=RoomKind.DIRECT, messages__isnull=True, chat__status="closed").filter(
        chat__closed_at__lt=messages_before
    ).delete()
    return {"messages": messages}
