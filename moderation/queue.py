"""The facilitators' queue: filing items (one per message), their plain-data form,
and telling every connected facilitator when something arrives or changes."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F

from core.frames import timestamp
from moderation.flags import redact_contact_details
from moderation.models import PRIORITY, AuditEntry, ItemKind, ItemState, QueueItem, Report
from moderation.sanctions import member_summary
from realtime import bus
from realtime.after_reply import after_reply

#: The hub topic every facilitator's moderation socket listens on.
QUEUE_TOPIC = "queue"
OPEN_STATES = (ItemState.OPEN, ItemState.CLAIMED)


def excerpt_of(text: str) -> str:
    """What a queue item shows of a message: its start, contact details removed."""
    return redact_contact_details(text[:500])[0]


def history_of(item_id: int) -> list[dict[str, Any]]:
    """Every action taken on the item, oldest first (its audit entries), up to
    ``QUEUE_ITEM_HISTORY_SHOWN`` of the newest."""
    entries = AuditEntry.objects.filter(item_id=item_id).order_by("-created_at", "-id")[
        : settings.QUEUE_ITEM_HISTORY_SHOWN
    ]
    return [
        {"action": e.action, "actor": e.actor_handle, "at": timestamp(e.created_at)}
        for e in reversed(entries)
    ]


def item_data(
    item: QueueItem, *, fresh: bool = False, members: dict[int, Any] | None = None
) -> dict[str, Any]:
    """*fresh*: the item was just filed, so nobody has reported it or acted on it
    yet, and who it is about is added after commit (``announce``). *members*:
    the member summaries already read, by member id (one read per person)."""
    message = item.message
    reasons = (
        {}
        if fresh or not item.pk
        else dict(item.reports.values_list("reason").annotate(n=Count("id")).order_by())
    )
    # What reporters wrote, newest first; never who wrote it.
    notes = (
        []
        if not reasons
        else [
            {"reason": reason, "note": note, "at": timestamp(at)}
            for reason, note, at in item.reports.exclude(note="")
            .order_by("-created_at", "-id")
            .values_list("reason", "note", "created_at")[: settings.QUEUE_ITEM_NOTES_SHOWN]
        ]
    )
    return {
        "id": item.pk,
        "kind": item.kind,
        "category": item.category,
        "priority": item.priority,
        "weight": round(item.weight, 2),
        "state": item.state,
        "room": item.room.slug if item.room else None,
        "room_kind": item.room.kind if item.room else None,
        "subject": item.subject.handle if item.subject else None,
        "message": None
        if message is None
        else {
            "id": message.pk,
            "body": message.html,
            "sent_at": timestamp(message.sent_at),
            "removed": message.removed_at is not None,
            "held": message.held,
        },
        "excerpt": item.excerpt,
        "reports": sum(reasons.values()),
        "reasons": reasons,
        "notes": notes,
        "claimed_by": item.claimed_by.handle if item.claimed_by else None,
        "resolution": item.resolution or None,
        "created_at": timestamp(item.created_at),
        "acknowledged_at": timestamp(item.acknowledged_at) if item.acknowledged_at else None,
        # Crisis items: which detector stage fired and why (None otherwise).
        "detected_by": item.detected_by or None,
        "detection_reason": item.detection_reason or None,
        "urgency": item.urgency,
        # The member's other unresolved crisis items (open_items groups them).
        "also": [],
        "history": [] if fresh or not item.pk else history_of(item.pk),
        "member": None if fresh else _member_of(item, members),
    }


def _member_of(item: QueueItem, members: dict[int, Any] | None) -> dict[str, Any] | None:
    if item.subject_id is None:
        return None
    if members is None:
        return member_summary(item.subject)
    if item.subject_id not in members:
        members[item.subject_id] = member_summary(item.subject)
    return members[item.subject_id]


def _load(item_id: int) -> QueueItem:
    return QueueItem.objects.select_related("message", "room", "subject", "claimed_by").get(
        pk=item_id
    )


def announce(item_id: int, *, new: bool, item: QueueItem | None = None) -> None:
    """After commit: every facilitator's socket gets ``queue.item`` or ``queue.update``.

    *item*, a new item stored with its message just now, is described from
    memory (nothing about it can have changed before the commit); otherwise the
    item is read again after the commit."""
    fresh = item_data(item, fresh=True) if item is not None else None

    def send() -> None:
        if fresh is not None:
            data = {**fresh, "member": member_summary(item.subject)}
        else:
            data = item_data(_load(item_id))
        bus.publish_topic(
            QUEUE_TOPIC, {"type": "queue.item" if new else "queue.update", "item": data}
        )

    # The reply to whoever caused it (a send's ack) doesn't wait for this.
    transaction.on_commit(functools.partial(after_reply, send))


def announce_acted_on(item: QueueItem | None) -> None:
    """After commit: the item an action was taken from (its history has grown);
    nothing when the action was taken from no item."""
    if item is not None:
        announce(item.pk, new=False)


def announce_subject(member_id: int) -> None:
    """After commit: every open item about the member again, so each dashboard
    shows their new sanction, mute or level at once."""
    for item_id in QueueItem.objects.filter(
        subject_id=member_id, state__in=OPEN_STATES
    ).values_list("pk", flat=True)[:50]:
        announce(item_id, new=False)


#: An item opened again: a fresh item for whoever looks next.
_REOPENED: dict[str, Any] = {
    "state": ItemState.OPEN,
    "closed_at": None,
    "resolution": "",
    "claimed_by": None,
    "acknowledged_at": None,
    "acknowledged_by": None,
    "escalated_at": None,
}

#: The queue's order: crisis first, the most urgent crisis first (an overdose
#: or someone being hurt now, then a plan or a time, then a feeling), then the
#: most reported, then the oldest.
QUEUE_ORDER = ("priority", "-urgency", "-weight", "created_at")


def open_items(limit: int = 200) -> list[dict[str, Any]]:
    """The open queue, most urgent first, with one entry per person in crisis:
    a member's unresolved crisis items are listed inside their most urgent
    one (``also``), so facilitators see a person, not rows."""
    items = (
        QueueItem.objects.filter(state__in=OPEN_STATES, due_at__isnull=True)
        .select_related("message", "room", "subject", "claimed_by")
        .order_by(*QUEUE_ORDER)[:limit]
    )
    listed: list[dict[str, Any]] = []
    lead_of: dict[int, dict[str, Any]] = {}
    members: dict[int, Any] = {}
    for item in items:
        data = item_data(item, members=members)
        if item.kind == ItemKind.CRISIS and item.subject_id is not None:
            lead = lead_of.get(item.subject_id)
            if lead is not None:
                lead["also"].append(_grouped(data))
                continue
            lead_of[item.subject_id] = data
        listed.append(data)
    return listed


def _grouped(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": data["id"],
        "category": data["category"],
        "excerpt": data["excerpt"],
        "room": data["room"],
        "created_at": data["created_at"],
    }


def crisis_group(item: QueueItem) -> Any:
    """The member's unresolved crisis items, *item* included (for acting on the
    person: acknowledging or closing one of them does all of them)."""
    if item.kind != ItemKind.CRISIS or item.subject_id is None:
        return QueueItem.objects.filter(pk=item.pk)
    return QueueItem.objects.filter(
        kind=ItemKind.CRISIS, subject_id=item.subject_id, state__in=OPEN_STATES
    ) | QueueItem.objects.filter(pk=item.pk)


def file_item(
    *,
    kind: str,
    message: Any = None,
    room: Any = None,
    subject: Any = None,
    category: str = "",
    excerpt: str = "",
    weight: float = 1.0,
    detected_by: str = "",
    detection_reason: str = "",
    urgency: int = 0,
) -> tuple[QueueItem, bool]:
    """File (or fold into the existing) item for *message*; returns (item, created).

    A message has one item whatever flags and reports it collects: another one
    raises its weight and, if more urgent, its priority. A closed item about the
    message opens again. *detected_by*, *detection_reason*: for crisis items.
    """
    # What the item says about this flag or report; a more urgent one takes it over.
    about = {
        "kind": kind,
        "category": category,
        "priority": PRIORITY[ItemKind(kind)],
        "urgency": urgency,
        "detected_by": detected_by,
        "detection_reason": detection_reason,
    }
    if message is None:
        item = QueueItem.objects.create(
            room=room, subject=subject, excerpt=excerpt, weight=weight, **about
        )
        created = True
    else:
        item, created = QueueItem.objects.select_for_update().get_or_create(
            message=message,
            defaults={
                "room": room or message.room,
                "subject": subject or message.author,
                "excerpt": excerpt or excerpt_of(message.body),
                "weight": weight,
                **about,
            },
        )
        if not created:
            _fold_into(item, weight=weight, about=about)
    announce(item.pk, new=created)
    return item, created


def _fold_into(item: QueueItem, *, weight: float, about: dict[str, Any]) -> None:
    """Another flag or report about *item*'s message: more weight, perhaps more urgency."""
    updates: dict[str, Any] = {"weight": F("weight") + weight}
    if about["priority"] < item.priority:
        updates.update(about)
    if item.state not in OPEN_STATES:
        updates.update(_REOPENED)
    QueueItem.objects.filter(pk=item.pk).update(**updates)
    item.refresh_from_db()


def reporter_weight(reporter_id: int) -> float:
    """A member whose reports keep being dismissed counts for less."""
    dismissed = Report.objects.filter(reporter_id=reporter_id, outcome="no_action").count()
    return max(0.1, 1.0 / (1 + dismissed / 2))
