"""Mutes: a member may read but not post, in one room or site-wide, until a time.

A mute follows the browser as well as the handle: it carries the hash of the
muted member's device cookie, and any handle made in that browser (the same
``Member.device_hash``) is muted with it until it ends."""

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


def _theirs(*, member_id, device_hash) -> Q:
    """The member's own mutes, and their browser's (a blank hash matches none)."""
    return Q(member_id=member_id) | (Q(device_hash=device_hash) & ~Q(device_hash=""))


def active_mute_until(*, member, room_id: int):
    mute = _active(room_id).filter(_theirs(member_id=member.pk, device_hash=member.device_hash))
    found = mute.first()
    return found.until if found else None


def mute_until_subquery(*, room_id: int) -> Subquery:
    """``active_mute_until`` as a column of a Member query (``OuterRef("pk")``), so
    the message path reads the sender and their mute in one round trip."""
    theirs = _theirs(member_id=OuterRef("pk"), device_hash=OuterRef("device_hash"))
    return Subquery(_active(room_id).filter(theirs).values("until")[:1])


def check_not_muted(*, member, room, until=_NOT_READ) -> None:
    """Refuse a muted member; *until* when the caller already read it. The
    refusal carries the end time, so the room can say "muted in Alcohol until
    03:40" beside the composer rather than "try again"."""
    if until is _NOT_READ:
        until = active_mute_until(member=member, room_id=room.pk)
    if until is not None:
        raise KindredError(
            _("A facilitator has paused your posting here for a while. You can still read along."),
            until=timestamp(until),
            code="muted",
        )
