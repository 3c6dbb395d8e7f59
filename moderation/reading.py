"""What facilitators read: the queue, an item's context and the audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from core.errors import NotFound
from core.frames import timestamp
from moderation import queue
from moderation.checks import check_moderator
from moderation.models import AuditEntry, QueueItem
from rooms.models import Message
from rooms.selectors import message_data


def queue_snapshot(*, actor_id: int) -> list[dict[str, Any]]:
    check_moderator(member_id=actor_id)
    return queue.open_items()


def item_context(*, actor_id: int, item_id: int) -> dict[str, Any]:
    """The item's message with `MODERATION_CONTEXT` messages before and after it."""
    check_moderator(member_id=actor_id)
    item = QueueItem.objects.select_related("message__room").filter(pk=item_id).first()
    if item is None:
        raise NotFound("There is no such queue item.")
    message = item.message
    if message is None:
        return {"type": "context", "item": item.pk, "messages": []}
    around = settings.MODERATION_CONTEXT
    base = Message.objects.filter(room_id=message.room_id).select_related("author")
    before = list(base.filter(id__lt=message.pk).order_by("-id")[:around])[::-1]
    after = list(base.filter(id__gt=message.pk).order_by("id")[:around])
    slug = message.room.slug
    rows = [
        {
            **message_data(m, room_slug=slug, author=m.author.handle).frame(),
            "removed": m.removed_at is not None,
            "reported": m.pk == message.pk,
        }
        for m in [*before, message, *after]
    ]
    return {"type": "context", "item": item.pk, "messages": rows}


def audit_frame(*, actor_id: int, limit: int = 100) -> dict[str, Any]:
    return {"type": "audit", "entries": audit_log(actor_id=actor_id, limit=limit)}


def audit_log(*, actor_id: int, limit: int = 100) -> list[dict[str, Any]]:
    check_moderator(member_id=actor_id)
    entries = AuditEntry.objects.all()[: min(limit, 500)]
    return [
        {
            "id": e.pk,
            "at": timestamp(e.created_at),
            "actor": e.actor_handle,
            "action": e.action,
            "item": e.item_id,
            "target": e.target_handle or None,
            "room": e.room_slug or None,
            "message": e.message_id,
            "reason": e.reason,
            "details": e.details,
        }
        for e in entries
    ]
