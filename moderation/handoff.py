"""The crisis hand-off: a private card for the sender, a live alert for on-duty
facilitators, and escalation to an on-call human when nobody acknowledges.

Nothing here ever blocks or punishes the member: the detector never mutes,
bans or deletes; the message is still delivered (unless the room's policy is
to hold it for a facilitator); escalation runs in the background and its
failures are retried and logged, never surfaced to the member.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from community.inbox import inbox_add
from community.models import InboxItem, InboxKind
from core import ratelimit
from crisis import Verdict, card_for, detect
from moderation import paging, queue
from moderation.detection import detection_of
from moderation.models import ItemKind, QueueItem
from moderation.queue import item_data
from moderation.urgency import FEELING, IMMEDIATE, urgency_of
from realtime import bus
from realtime.presence import get_store
from rooms.models import Message

logger = logging.getLogger("kindred.crisis")


def human_available() -> bool:
    """Will a person from the community actually hear of a crisis message now:
    a facilitator on duty, or on-call targets to page? (Presence unreadable
    counts as nobody on duty.)"""
    try:
        if get_store().on_duty_member_ids():
            return True
    except Exception:
        logger.warning("presence unreadable; the card counts nobody on duty")
    return paging.anyone_to_page()


def crisis_card(
    *, member, category: str, country_hint: str | None, urgency: int = FEELING
) -> dict[str, Any] | None:
    """The card, at most once per member per category per ``CRISIS_CARD_EVERY``.

    The limit lives in the shared rate limiter (Redis); when that can't be
    read, the card is shown: a second card is a small cost, a missing one is
    not, and nothing in the crisis path may wait for a service to come back."""
    repeated = ratelimit.hit(
        _card_key(member.pk, category), settings.CRISIS_CARD_EVERY, allow_if_unreachable=True
    )
    if repeated:
        return None
    country = member.country or country_hint
    return card_for(
        category,
        country.upper() if country else None,
        urgent=urgency >= IMMEDIATE,
        followup="alerted" if human_available() else "later",
    )


def card_not_shown(*, member_id: int, category: str) -> None:
    """A card was made for a send that then failed (it never reached the
    member): give the member their card again on the retry."""
    try:
        ratelimit.forget(_card_key(member_id, category))
    except Exception:
        logger.warning("card limit unreadable for member=%s; nothing to give back", member_id)


def _card_key(member_id: int, category: str) -> str:
    return f"crisiscard:{member_id}:{category}"


def crisis_for_refused(
    *, member, room, text: str, country_hint: str | None
) -> dict[str, Any] | None:
    """For a message that was refused before storing: run the detector anyway; if it is crisis
    language, file a priority-0 item with its excerpt, alert facilitators, and
    return the card (subject to the same once-per-30-minutes limit)."""
    verdict = detect(text[:5000])
    if not verdict.flagged:
        return None
    return hand_off(
        verdict=verdict, member=member, room=room, text=text[:5000], country_hint=country_hint
    )


def message_flagged_late(*, message_id: int, verdict: Verdict, country_hint: str | None) -> None:
    """Stage 2 flagged a message after its ack (moderation.stage2): the same
    hand-off as a stage-1 hit, the card pushed to the sender's sockets. A
    message erased in between (its author gone) is left alone; a removed one
    is not: its author may still be in crisis."""
    message = Message.objects.select_related("room", "author").filter(pk=message_id).first()
    if message is None:
        return
    card = hand_off(
        verdict=verdict,
        member=message.author,
        room=message.room,
        text=message.body,
        country_hint=country_hint,
        message=message,
    )
    if card is not None:
        bus.publish_to_member_on_commit(message.author_id, card)


def hand_off(
    *, verdict: Verdict, member, room, text: str, country_hint: str | None, message=None
) -> dict[str, Any] | None:
    """A flagged message not stored with its item (refused, or flagged after
    the ack): file the crisis item (the message's own, when stored), alert the
    facilitators, and return the member's card (subject to its limit)."""
    detected_by, detection_reason = detection_of(verdict)
    urgency = urgency_of(category=verdict.category, text=text)
    with transaction.atomic():
        item, _ = queue.file_item(
            kind=ItemKind.CRISIS,
            message=message,
            room=room,
            subject=member,
            category=verdict.category,
            excerpt=queue.excerpt_of(text),
            detected_by=detected_by,
            detection_reason=detection_reason,
            urgency=urgency,
        )
        item_id = item.pk
        transaction.on_commit(lambda: alert_facilitators(item_id))
    return crisis_card(
        member=member, category=verdict.category, country_hint=country_hint, urgency=urgency
    )


def alert_facilitators(item_id: int) -> None:
    """After commit: every on-duty facilitator gets a ``crisis.alert``; with nobody
    on duty, escalate at once. Never raises into the sender's path: a failure is
    logged, and the periodic escalation picks the item up."""
    try:
        _alert(item_id)
    except Exception:
        logger.exception("crisis alert failed item=%s; escalation will retry", item_id)


def _alert(item_id: int) -> None:
    item = QueueItem.objects.select_related("message", "room", "subject").get(pk=item_id)
    data = item_data(item)
    frame = {
        "type": "crisis.alert",
        "item": item.pk,
        "category": item.category,
        "room": data["room"],
        "room_kind": data["room_kind"],
        "handle": data["subject"],
        "message": data["message"],
    }
    try:
        on_duty = get_store().on_duty_member_ids()
    except Exception:
        logger.exception("presence unavailable while alerting item=%s", item_id)
        on_duty = set()
    bus.publish_to_members_on_commit(on_duty, frame)
    if not on_duty:
        escalate(item_id, reason="no facilitator on duty")


#: What waits in the member's inbox when nobody was on duty: the promise the
#: card made, kept where they will see it on their next visit.
NOBODY_ON_DUTY = (
    "No facilitator was on duty when you wrote to us. One will check in with you when "
    "they come on, and their message will wait for you here. The crisis lines are there "
    "now, any time."
)
#: Seconds after the card before the inbox notice: the card always comes first.
TELL_AFTER_SECONDS = 30


def tell_waiting_members() -> int:
    """On the heartbeat, with nobody on duty: each member whose crisis item (or
    due check-in) nobody has taken gets the notice above in their inbox, once
    until they read it. Returns how many members were told now."""
    try:
        if get_store().on_duty_member_ids():
            return 0
    except Exception:
        logger.warning("presence unreadable; telling waiting members nobody is on duty")
    settled = timezone.now() - timedelta(seconds=TELL_AFTER_SECONDS)
    waiting = set(
        _unacknowledged(closed_at__isnull=True, created_at__lte=settled, subject__isnull=False)
        .values_list("subject_id", flat=True)
        .distinct()[:200]
    )
    told = 0
    for member_id in waiting:
        before = InboxItem.objects.filter(member_id=member_id).count()
        inbox_add(
            member_id=member_id,
            kind=InboxKind.CHECKIN,
            text=NOBODY_ON_DUTY,
            url="/resources/",
            key="nobody-on-duty",
            coalesce=True,  # one such notice until it is read
        )
        told += InboxItem.objects.filter(member_id=member_id).count() > before
    return told


def acknowledge(*, item: QueueItem, actor) -> None:
    """A facilitator has the item: no more escalation for it, nor for the
    member's other unresolved crisis items (one person, one item)."""
    now = timezone.now()
    if item.acknowledged_at is None:
        item.acknowledged_at, item.acknowledged_by = now, actor
        item.save(update_fields=["acknowledged_at", "acknowledged_by"])
    queue.crisis_group(item).filter(acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by=actor
    )


def escalate_due() -> int:
    """Escalate crisis items nobody acknowledged in time, and page again for
    escalations whose page never got through (run by every process's
    heartbeat; each item is escalated, and each retry sent, by one process).
    Returns how many pages were started."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.CRISIS_ESCALATE_AFTER)
    due = list(
        _unacknowledged(escalated_at__isnull=True, created_at__lte=cutoff).values_list(
            "pk", flat=True
        )[:50]
    )
    started = sum(escalate(item_id, reason="not acknowledged in time") for item_id in due)
    if not paging.anyone_to_page():
        return started  # paging.notify has said so in the log
    stale = now - timedelta(seconds=settings.CRISIS_PAGE_RETRY_SECONDS)
    unpaged = list(
        _unacknowledged(
            closed_at__isnull=True, paged_at__isnull=True, escalated_at__lte=stale
        ).values_list("pk", "escalated_at")[:50]
    )
    for item_id, escalated_at in unpaged:
        # Moving escalated_at on claims this retry: another process's update
        # finds the old value gone and pages nobody.
        claimed = QueueItem.objects.filter(
            pk=item_id, escalated_at=escalated_at, paged_at__isnull=True
        ).update(escalated_at=now)
        if claimed:
            _page(item_id, reason="the page before did not get through")
            started += 1
    return started


def _unacknowledged(**conditions: Any) -> Any:
    """Crisis items, and check-ins whose time has come, nobody has taken yet."""
    return QueueItem.objects.filter(
        kind__in=(ItemKind.CRISIS, ItemKind.CHECK_IN),
        due_at__isnull=True,
        acknowledged_at__isnull=True,
        **conditions,
    )


def escalate(item_id: int, *, reason: str) -> bool:
    """Mark the item escalated (once, across processes) and page the on-call people."""
    claimed = QueueItem.objects.filter(pk=item_id, escalated_at__isnull=True).update(
        escalated_at=timezone.now()
    )
    if not claimed:
        return False
    _page(item_id, reason=reason)
    return True


def _page(item_id: int, *, reason: str) -> None:
    """Page the on-call people for *item_id* in the background; ``paged_at`` is
    set once the page gets through, and until then escalate_due tries again."""
    item = QueueItem.objects.select_related("room", "subject").get(pk=item_id)
    payload = {
        "event": "kindred.crisis.escalation",
        "item": item.pk,
        "category": item.category,
        "room": item.room.slug if item.room else None,
        "handle": item.subject.handle if item.subject else None,
        "reason": reason,
        "created_at": item.created_at.isoformat(),
        "dashboard": "/facilitators/",
    }
    logger.warning(
        "crisis escalated item=%s handle=%s reason=%s", item.pk, payload["handle"], reason
    )
    threading.Thread(
        target=_page_in_background, args=(payload,), daemon=True, name="crisis-escalation"
    ).start()


def _page_in_background(payload: dict[str, Any]) -> None:
    try:
        if paging.notify(payload):
            QueueItem.objects.filter(pk=payload["item"]).update(paged_at=timezone.now())
    except Exception:
        logger.exception("crisis page failed item=%s; will retry", payload["item"])
    finally:
        connection.close()  # this thread's own connection (back to the pool)
