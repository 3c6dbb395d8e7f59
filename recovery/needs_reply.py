""" "Needs a reply": a newcomer's first message in a room, or a message the crisis
model scores as distress without flagging it as a crisis, that nobody has
answered within ``NEEDS_REPLY_MINUTES`` sets off a gentle alert to the peer
supporters and facilitators on duty ("SoftLark's first message in Newcomers has
no reply yet").

It runs on every process's heartbeat (realtime.periodic); each message is
looked at once, whichever process claims it first (a unique row per message).
Messages the crisis detector flagged are left to the crisis hand-off.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Role
from crisis import detect
from crisis.full import distress_score
from realtime import bus
from recovery.models import NeedsReply
from rooms.dropin import available_helpers
from rooms.models import Message, MessageKind, RoomKind

logger = logging.getLogger("kindred.recovery")

#: How far back the watch looks past the wait (a process that was down catches up).
LOOK_BACK = timedelta(minutes=30)
HELPERS = frozenset({Role.SUPPORTER, Role.FACILITATOR, Role.ADMIN})


def _reason(message: Message) -> str | None:
    author = message.author
    if author.role in HELPERS:
        return None
    newcomer = author.created_at >= message.sent_at - timedelta(
        days=settings.NEEDS_REPLY_NEWCOMER_DAYS
    )
    if (
        newcomer
        and not Message.objects.filter(
            room_id=message.room_id, author_id=author.pk, pk__lt=message.pk
        ).exists()
    ):
        return "newcomer"
    if detect(message.body[:5000]).flagged:
        return None  # the crisis hand-off has it
    if distress_score(message.body[:5000]) >= settings.NEEDS_REPLY_DISTRESS_SCORE:
        return "distress"
    return None


def _answered(message: Message) -> bool:
    return (
        Message.objects.filter(room_id=message.room_id, pk__gt=message.pk, removed_at__isnull=True)
        .exclude(author_id=message.author_id)
        .exists()
    )


def _claim(message_id: int, reason: str, alerted: bool) -> bool:
    try:
        with transaction.atomic():
            NeedsReply.objects.create(message_id=message_id, reason=reason, alerted=alerted)
    except IntegrityError:
        return False
    return True


def alert_text(*, handle: str, room: str, reason: str) -> str:
    if reason == "newcomer":
        return _("%(handle)s's first message in %(room)s has no reply yet.") % {
            "handle": handle,
            "room": room,
        }
    return _(
        "%(handle)s sounds like they're having a hard time in %(room)s, and nobody has replied yet."
    ) % {
        "handle": handle,
        "room": room,
    }


def alert_unanswered(*, now: datetime | None = None) -> int:
    """Alert on-duty helpers about each unanswered message now due. Returns how many."""
    now = now or timezone.now()
    due = now - timedelta(minutes=settings.NEEDS_REPLY_MINUTES)
    waiting = (
        Message.objects.filter(
            room__kind=RoomKind.TOPIC,
            kind=MessageKind.TEXT,
            sent_at__lte=due,
            sent_at__gt=due - LOOK_BACK,
            removed_at__isnull=True,
            held=False,
        )
        .exclude(pk__in=NeedsReply.objects.values("message_id"))
        .select_related("room", "author")
        .order_by("id")[:100]
    )
    alerted = 0
    for message in waiting:
        reason = _reason(message)
        needed = reason is not None and not _answered(message)
        if not _claim(message.pk, reason or "", needed) or not needed:
            continue
        _alert(message, reason)
        alerted += 1
    return alerted


def _alert(message: Message, reason: str) -> None:
    try:
        helpers = available_helpers()
    except Exception:
        logger.warning("presence unreadable; needs-a-reply alert for %s not sent", message.pk)
        return
    frame = {
        "type": "needs_reply",
        "message": message.pk,
        "room": message.room.slug,
        "handle": message.author.handle,
        "reason": reason,
        "text": alert_text(handle=message.author.handle, room=message.room.title, reason=reason),
    }
    bus.publish_to_members_on_commit(helpers, frame)


def purge_checked(*, messages_before: datetime, **_: object) -> dict[str, int]:
    """community.signals.retention_due: a message is looked at once, within the
    hour after it is due; its row only needs to outlive that (and never the message)."""
    cutoff = max(messages_before, timezone.now() - timedelta(days=1))
    removed, _by_model = NeedsReply.objects.filter(created_at__lt=cutoff).delete()
    return {"needs_reply_checks": removed}
