"""Mutes: a member may read but not post, in one room or site-wide, until a time."""

from __future__ import annotations

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import KindredError
from core.frames import timestamp
from moderation.models import Mute

_NOT_READ = object()


def _active(room_id: int):
    return (
        Mute.objects.filter(until__gt=timezone.now())
        .filter(Q(room_id=room_id) | Q(room__isnull=True))
        .order_by("-until")
    )


def active_mute_until(*, member_id: int, room_id: int):
    mute = _active(room_id).filter(member_id=member_id).first()
    return mute.until if mute else None


def mute_until_subquery(*, room_id: int) -> Subquery:
    """``active_mute_until`` as a column of a Member query (``OuterRef("pk")``), so
    the message path reads the sender and their mute in one round trip."""
    return Subquery(_active(room_id).filter(member_id=OuterRef("pk")).values("until")[:1])


def check_not_muted(*, member, room, until=_NOT_READ) -> None:
    """Refuse a muted member; *until* when the caller already read it."""
    if until is _NOT_READ:
        until = active_mute_until(member_id=member.pk, room_id=room.pk)
    if until is not None:
        raise KindredError(
            _("A facilitator has paused your posting for a while. You can still read along."),
            until=timestamp(until),
            code="muted",
        )
