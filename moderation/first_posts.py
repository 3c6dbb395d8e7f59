"""A new handle's first messages in a sensitive room wait for a quick look (issue 23).

In a room an admin marks sensitive (``Room.sensitive``: mental health and the
late-night drop-ins when seeded), a member at trust level 0 (moderation.trust)
posts as usual, but the message is stored *held*, the one hold the message path
already has for the room's crisis policy: the author sees it, marked as waiting
for a quick look; nobody else does until it is released. A ``first_post`` queue
item, stored by the same statement as the message, asks a facilitator to
release it (it then reaches the room in order, as any released message does)
or remove it.

This lasts only until ``FIRST_POSTS_HELD`` of the member's messages in
sensitive rooms have been shown (released or never held), and only while they
are at level 0: a removed message doesn't count, so a handle whose first posts
were removed keeps waiting. Nobody is silenced by an empty dashboard: a held
first post nobody has looked at goes to the room by itself after
``FIRST_POST_WAIT_SECONDS`` while a facilitator is on duty, after
``FIRST_POST_UNWATCHED_SECONDS`` when nobody is (``release_due``, every
heartbeat). A message the crisis detector flags is never held by this rule:
its card and the facilitators' alert go at once, and the room's own crisis
policy alone decides whether it is shown.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from moderation import services, trust
from moderation.models import ItemKind, QueueItem
from moderation.queue import OPEN_STATES
from realtime.presence import get_store
from rooms.models import Message, RoomKind

logger = logging.getLogger("kindred.moderation")


def hold_due(*, member: Any, room: Any) -> bool:
    """Does *member*'s next message in *room* wait for a facilitator's look?
    Read only in sensitive rooms, so no other send pays for it."""
    if not room.sensitive or room.kind != RoomKind.TOPIC or member.is_moderator:
        return False
    if trust.is_trusted(member):
        return False
    limit = settings.FIRST_POSTS_HELD
    shown = (
        Message.objects.filter(
            author_id=member.pk, room__sensitive=True, removed_at__isnull=True, held=False
        )
        .values("pk")[:limit]
        .count()
    )
    return shown < limit


def _someone_on_duty() -> bool:
    try:
        return bool(get_store().on_duty_member_ids())
    except Exception:
        # Unreadable presence counts as nobody: the shorter wait silences no one.
        logger.warning("presence unreadable; held first posts wait as if nobody is on duty")
        return False


def release_due() -> int:
    """Deliver the held first posts nobody looked at in time (every process's
    heartbeat; each message is delivered once, by whichever process claims it).
    Returns how many."""
    watched = _someone_on_duty()
    wait = settings.FIRST_POST_WAIT_SECONDS if watched else settings.FIRST_POST_UNWATCHED_SECONDS
    cutoff = timezone.now() - timedelta(seconds=wait)
    due = list(
        QueueItem.objects.filter(
            kind=ItemKind.FIRST_POST,
            state__in=OPEN_STATES,
            message__held=True,
            message__removed_at__isnull=True,
            message__sent_at__lte=cutoff,
        )
        .order_by("message_id")
        .values_list("message_id", flat=True)[:50]
    )
    released = 0
    for message_id in due:
        with transaction.atomic():
            message = Message.objects.select_related("room", "author").get(pk=message_id)
            released += services.held_deliver(
                message=message, actor=None, details={"waited_seconds": round(wait)}
            )
    return released
