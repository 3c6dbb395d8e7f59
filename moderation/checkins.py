"""Check on me later: a member asks for a facilitator to check in at a time they
pick. The request waits as a scheduled queue item, hidden until its time; then
it surfaces to whoever is on duty like a crisis item (an alert, the top of the
queue) and, if nobody takes it within ``CRISIS_ESCALATE_AFTER``, the on-call
targets are paged (moderation.handoff.escalate_due).

When it surfaces, the item is "filed" at its time (``created_at`` = the time
asked for), so everything that measures a crisis item's wait measures this one
the same way.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.inbox import inbox_add
from community.models import InboxKind
from community.times import format_when, member_when
from core.errors import BadInput
from moderation import queue
from moderation.handoff import alert_facilitators
from moderation.models import PRIORITY, ItemKind, QueueItem
from moderation.urgency import IMMEDIATE
from rooms.access import check_member

#: The words the member sees once the request is stored.
_ASKED = (
    "You asked for a check-in at {when}. Whoever is on duty then will reach out to "
    "you here; if you need someone sooner, the crisis lines are there now."
)


def checkin_request(*, member_id: int, at: datetime) -> dict[str, Any]:
    """Schedule (or move) the member's check-in to *at* (aware). One waiting
    check-in per member: asking again moves it."""
    member = check_member(member_id=member_id)
    if at.tzinfo is None:
        raise BadInput(_("Give the time with its time zone."), code="bad_time")
    now = timezone.now()
    latest = now + timedelta(hours=settings.CHECKIN_MAX_AHEAD_HOURS)
    if at < now - timedelta(minutes=5) or at > latest:
        raise BadInput(
            _("Pick a time within the next %(hours)s hours.")
            % {"hours": f"{settings.CHECKIN_MAX_AHEAD_HOURS:g}"},
            code="bad_time",
        )
    at = max(at, now)
    with transaction.atomic():
        waiting = QueueItem.objects.select_for_update().filter(
            kind=ItemKind.CHECK_IN, subject=member, due_at__isnull=False
        )
        # For facilitators (the queue's excerpt): UTC, whoever reads it.
        excerpt = f"{member.handle} asked to be checked on at {format_when(at)}."
        if not waiting.update(due_at=at, excerpt=excerpt):
            QueueItem.objects.create(
                kind=ItemKind.CHECK_IN,
                category="check_in",
                priority=PRIORITY[ItemKind.CHECK_IN],
                urgency=IMMEDIATE,
                weight=1.0,
                subject=member,
                excerpt=excerpt,
                due_at=at,
            )
        inbox_add(
            member_id=member.pk,
            kind=InboxKind.CHECKIN,
            text=_ASKED.format(when=member_when(at, member_id=member.pk)),
            key=f"checkin-asked:{member.pk}:{int(at.timestamp())}",
        )
    return {"type": "checkin.scheduled", "at": at.isoformat()}


def checkins_due() -> int:
    """Surface every check-in whose time has come (each once, across processes):
    to the queue, and as an alert to the facilitators on duty. Returns how many."""
    now = timezone.now()
    due = list(
        QueueItem.objects.filter(kind=ItemKind.CHECK_IN, due_at__lte=now).values_list(
            "pk", "due_at"
        )[:50]
    )
    surfaced = 0
    for item_id, due_at in due:
        with transaction.atomic():
            # Clearing due_at claims the item: another process finds it gone.
            if not QueueItem.objects.filter(pk=item_id, due_at=due_at).update(
                due_at=None, created_at=due_at
            ):
                continue
            queue.announce(item_id, new=True)
            transaction.on_commit(lambda item_id=item_id: alert_facilitators(item_id))
        surfaced += 1
    return surfaced
