"""Retention and erasure: old messages go, and a member can delete themselves.

Kindred keeps what the community needs and no more. Messages are deleted after
``MESSAGE_RETENTION_DAYS``; a moderation item keeps only its short excerpt after
its message is gone, and closed items are deleted after
``MODERATION_RETENTION_DAYS``. A member can delete their handle and everything
they wrote, after a confirmation step.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from core.errors import KindredError, NotFound

logger = logging.getLogger("kindred.privacy")

CONFIRM_SALT = "kindred.delete-member"
CONFIRM_MAX_AGE = 10 * 60


def purge(*, older_than_days: int | None = None) -> dict[str, int]:
    """Delete messages (and closed moderation items) past their retention."""
    from moderation.models import QueueItem
    from rooms.models import Message, Room

    days = settings.MESSAGE_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    with transaction.atomic():
        # A pinned message that is purged is simply unpinned (SET_NULL).
        messages, _ = Message.objects.filter(sent_at__lt=cutoff).delete()
        Room.objects.filter(kind="direct", messages__isnull=True, chat__status="closed").filter(
            chat__closed_at__lt=cutoff
        ).delete()
    item_cutoff = timezone.now() - timedelta(days=settings.MODERATION_RETENTION_DAYS)
    items, _ = QueueItem.objects.filter(
        state__in=["resolved", "dismissed"], closed_at__lt=item_cutoff
    ).delete()
    logger.info("purge removed messages=%s items=%s older_than_days=%s", messages, items, days)
    return {"messages": messages, "items": items}


def purge_if_due() -> bool:
    """Run :func:`purge` at most once a day across all processes."""
    from django.core.cache import cache

    if not cache.add("kindred:purge-ran", "1", timeout=24 * 60 * 60):
        return False
    purge()
    return True


def delete_confirmation(*, member_id: int) -> dict[str, Any]:
    """Step one: a short-lived token the member sends back to confirm."""
    token = signing.dumps({"member": member_id}, salt=CONFIRM_SALT)
    return {
        "confirm": token,
        "detail": "This deletes your handle and everything you wrote, for good. "
        "Send this token back within 10 minutes to confirm.",
    }


def member_delete(*, member_id: int, confirm: str) -> dict[str, Any]:
    """Step two: delete the member and every message they wrote; rooms drop them live."""
    from community.models import Member
    from core.protocol import CLOSE_NO_SESSION
    from realtime import bus
    from rooms.models import Message

    try:
        data = signing.loads(confirm, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        raise KindredError(
            "That confirmation has expired. Please start again.", code="bad_confirmation"
        ) from None
    if data.get("member") != member_id:
        raise KindredError("That confirmation is not for this handle.", code="bad_confirmation")
    member = Member.objects.filter(pk=member_id).first()
    if member is None:
        raise NotFound("This handle no longer exists.")
    from moderation.models import QueueItem

    with transaction.atomic():
        gone = list(Message.objects.filter(author=member).values_list("room_id", "id"))
        handle = member.handle
        # Items about them stay for the facilitators' record, without their words.
        QueueItem.objects.filter(subject=member).update(excerpt="")
        member.delete()
        for room_id, message_id in gone:
            bus.publish_room_on_commit(room_id, {"type": "removed", "id": message_id})
        # Their open sockets end with the session (and their handle leaves "who's here").
        bus.publish_close_on_commit(member_id=member_id, code=CLOSE_NO_SESSION)
    logger.info("member deleted themselves handle=%s messages=%d", handle, len(gone))
    return {"deleted": True, "messages": len(gone)}
