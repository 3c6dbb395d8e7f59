"""Mutes: a member may read but not post, in one room or site-wide, until a time."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from moderation.models import Mute


def active_mute_until(*, member_id: int, room_id: int):
    mute = (
        Mute.objects.filter(member_id=member_id, until__gt=timezone.now())
        .filter(Q(room_id=room_id) | Q(room__isnull=True))
        .order_by("-until")
        .first()
    )
    return mute.until if mute else None


def check_not_muted(*, member, room) -> None:
    from rooms.services import Refused

    until = active_mute_until(member_id=member.pk, room_id=room.pk)
    if until is not None:
        raise Refused(
            "muted",
            "A facilitator has paused your posting for a while. You can still read along.",
            until=until.isoformat().replace("+00:00", "Z"),
        )
