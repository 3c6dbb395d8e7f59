"""What facilitators read: the queue, an item's context and the audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.errors import NotFound
from core.frames import timestamp
from moderation import framing, queue
from moderation.checks import check_moderator
from moderation.models import AuditEntry, QueueItem
from rooms.models import Block, Chat, Message, RoomKind
from rooms.selectors import message_data


def queue_snapshot(*, actor_id: int) -> list[dict[str, Any]]:
    check_moderator(member_id=actor_id)
    return queue.open_items()


def item_context(*, actor_id: int, item_id: int) -> dict[str, Any]:
    """The item's message with `MODERATION_CONTEXT` messages before and after it.

    A one-on-one chat is private: its earlier and later messages are shown only
    when one of its two participants reported the item, and then only what that
    reporter could see (up to their report, nobody they had blocked, nothing
    removed). An automatic flag on a chat message shows that message alone."""
    check_moderator(member_id=actor_id)
    item = QueueItem.objects.select_related("message__room").filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("There is no such queue item."))
    message = item.message
    if message is None:
        return {"type": "context", "item": item.pk, "messages": []}
    around = settings.MODERATION_CONTEXT
    base = Message.objects.filter(room_id=message.room_id).select_related("author")
    if message.room.kind == RoomKind.DIRECT:
        base = _what_a_participant_reporter_saw(item, base)
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
    # Under the frame limit: the item's message, then the nearest ones that fit.
    nearest = sorted(rows, key=lambda row: abs(row["id"] - message.pk))
    kept = {row["id"] for row in framing.fitting(nearest)}
    return {"type": "context", "item": item.pk, "messages": [r for r in rows if r["id"] in kept]}


def _what_a_participant_reporter_saw(item: QueueItem, base: QuerySet) -> QuerySet:
    chat = Chat.objects.filter(room_id=item.message.room_id).first()
    participants = (chat.requester_id, chat.recipient_id) if chat else ()
    report = (
        item.reports.filter(reporter_id__in=participants).order_by("created_at").first()
        if participants
        else None
    )
    if report is None:
        return base.none()
    blocked = Block.objects.filter(blocker_id=report.reporter_id).values("blocked_id")
    return base.filter(sent_at__lte=report.created_at, removed_at__isnull=True).exclude(
        author_id__in=blocked
    )


def audit_frame(*, actor_id: int, limit: int = 100, before: int | None = None) -> dict[str, Any]:
    """The newest entries (older than *before*) that fit one frame; ``more`` when
    there are older ones to ask for (``before`` the last entry's id)."""
    entries = audit_log(actor_id=actor_id, limit=limit + 1, before=before)
    kept = framing.fitting(entries[:limit])
    return {"type": "audit", "entries": kept, "more": len(kept) < len(entries)}


def audit_log(
    *, actor_id: int, limit: int = 100, before: int | None = None
) -> list[dict[str, Any]]:
    check_moderator(member_id=actor_id)
    entries = AuditEntry.objects.all()
    if before is not None:
        entries = entries.filter(pk__lt=before)
    entries = entries[: min(limit, 501)]
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
