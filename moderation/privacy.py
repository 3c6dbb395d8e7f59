"""What moderation holds of a member, anonymised with them; and closed items purged."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from moderation.models import QueueItem


def forget_member_words(*, member: Any, **_: Any) -> dict[str, int]:
    """Items about them stay for the facilitators' record, without their words."""
    QueueItem.objects.filter(subject=member).update(excerpt="")
    return {}


def purge_closed_items(*, items_before: datetime, **_: Any) -> dict[str, int]:
    items, _count = QueueItem.objects.filter(
        state__in=["resolved", "dismissed"], closed_at__lt=items_before
    ).delete()
    return {"items": items}
