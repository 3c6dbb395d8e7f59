"""A member deletes one of their own messages, in a room or a chat.

The row stays as a stub ("message deleted": no text, removed) so the room's ids
and its ``prev_id`` chain stay gap-free for resume and the hubs' catch-up; its
words are gone at once. Every socket in the room gets ``removed`` with
``deleted: true`` and drops it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import KindredError, NotFound
from realtime import bus
from rooms.access import check_member, check_room_found
from rooms.models import Message

logger = logging.getLogger("kindred.rooms")

#: What a deleted message's row holds instead of its words.
DELETED_STUB = ""


@transaction.atomic
def message_delete(*, member_id: int, message_id: int) -> dict[str, Any]:
    """Delete *message_id* if *member_id* wrote it and can still read its room.

    The same answer for a message that doesn't exist, someone else's and one
    already gone.
    """
    member = check_member(member_id=member_id)
    missing = NotFound(_("There is no such message of yours."))
    message = (
        Message.objects.select_for_update()
        .select_related("room")
        .filter(pk=message_id, author=member, removed_at__isnull=True)
        .first()
    )
    if message is None:
        raise missing
    try:
        check_room_found(member=member, room=message.room)
    except KindredError:
        raise missing from None
    message.body = message.html = DELETED_STUB
    message.removed_at = timezone.now()
    message.save(update_fields=["body", "html", "removed_at"])
    room_id = message.room_id
    bus.publish_room_on_commit(room_id, {"type": "removed", "id": message_id, "deleted": True})
    logger.info("member deleted own message handle=%s message=%s", member.handle, message_id)
    return {"deleted": message_id}
