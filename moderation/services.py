"""Moderation actions, for the live socket and the dashboard alike.

Every action checks that the actor is a facilitator or admin (members get the
same ``not_allowed`` whatever they ask about), writes an append-only audit
entry, closes the queue item it came from, tells reporters the outcome without
naming the moderator, and publishes what changed after commit.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from community.handles import handle_key
from community.models import BannedDevice, Member
from core import ratelimit
from core.errors import BadInput, KindredError, NotAllowed, NotFound, RateLimited
from core.frames import timestamp
from core.protocol import CLOSE_FORBIDDEN, CLOSE_KICKED
from moderation import queue
from moderation.handoff import acknowledge
from moderation.models import AuditEntry, ItemKind, ItemState, Mute, QueueItem, Report
from realtime import bus
from rooms.access import check_member, check_room_access
from rooms.chats import open_chat
from rooms.models import Chat, ChatOrigin, ChatStatus, Message, Room, RoomKind
from rooms.selectors import message_data, room_data

REPORT_REASONS = ("harassment", "spam", "unsafe", "contact_info", "other")


# --- checks ---------------------------------------------------------------------


def check_moderator(*, member_id: int) -> Member:
    member = check_member(member_id=member_id)
    if not member.is_moderator:
        raise NotAllowed("Only facilitators can do that.")
    return member


def check_item(*, item_id: int, open_only: bool = True) -> QueueItem:
    item = QueueItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotFound("There is no such queue item.")
    if open_only and item.state not in queue.OPEN_STATES:
        raise KindredError("That item has already been handled.", code="closed")
    return item


def check_target(*, handle: str) -> Member:
    target = Member.objects.filter(handle_key=handle_key(handle)).first()
    if target is None:
        raise NotFound("There is no member with that handle.")
    if target.is_moderator:
        raise NotAllowed("Facilitators can't act on other facilitators here.")
    return target


def check_moderated_message(*, message_id: int) -> Message:
    """A message a facilitator may act on. In one-on-one chats, only reported ones."""
    message = Message.objects.select_related("room", "author").filter(pk=message_id).first()
    if message is None:
        raise NotFound("There is no such message.")
    if (
        message.room.kind == RoomKind.DIRECT
        and not QueueItem.objects.filter(message=message).exists()
    ):
        raise NotFound("There is no such message.")
    return message


# --- shared steps ----------------------------------------------------------------


def audit(
    actor: Member,
    action: str,
    *,
    item: QueueItem | None = None,
    target: Member | None = None,
    room: Room | None = None,
    message_id: int | None = None,
    reason: str = "",
    **details: Any,
) -> None:
    AuditEntry.objects.create(
        actor=actor,
        actor_handle=actor.handle,
        action=action,
        item=item,
        target_handle=target.handle if target else "",
        room_slug=room.slug if room else "",
        message_id=message_id,
        reason=reason[:500],
        details=details,
    )


def _close_item(
    item: QueueItem | None, actor: Member, *, resolution: str, took_action: bool
) -> None:
    if item is None or item.state not in queue.OPEN_STATES:
        return
    now = timezone.now()
    item.state = ItemState.RESOLVED if took_action else ItemState.DISMISSED
    item.resolution = resolution
    item.closed_at = now
    if item.acknowledged_at is None:
        item.acknowledged_at, item.acknowledged_by = now, actor
    item.save()
    outcome = "action" if took_action else "no_action"
    reporters = list(item.reports.values_list("reporter_id", flat=True))
    item.reports.update(outcome=outcome)
    text = (
        "A facilitator reviewed your report and took action. Thank you for looking out for others."
        if took_action
        else "A facilitator reviewed your report and decided no action was needed this time. "
        "Thank you for speaking up."
    )
    for reporter_id in reporters:
        frame = {"type": "notice", "kind": "report_outcome", "outcome": outcome, "message": text}
        bus.publish_to_member_on_commit(reporter_id, frame)
    queue.announce(item.pk, new=False)


def _item_for(item_id: int | None) -> QueueItem | None:
    return check_item(item_id=item_id) if item_id is not None else None


# --- reports -----------------------------------------------------------------------


def report_create(
    *, member_id: int, message_id: int, reason: str, note: str = "", room_slug: str | None = None
) -> dict[str, Any]:
    """A member reports a message. *room_slug* (from a room socket) must be its room."""
    reporter = check_member(member_id=member_id)
    if reason not in REPORT_REASONS:
        raise BadInput(f"Choose a reason: {', '.join(REPORT_REASONS)}.", code="bad_reason")
    message = Message.objects.select_related("room", "author").filter(pk=message_id).first()
    missing = NotFound("There is no such message to report.")
    if message is None or message.removed_at is not None:
        raise missing
    if room_slug is not None and message.room.slug != room_slug:
        raise missing
    try:
        check_room_access(member=reporter, slug=message.room.slug)
    except KindredError:
        raise missing from None
    if message.author_id == reporter.pk:
        raise KindredError("You can't report your own message.", code="own_message")
    wait = ratelimit.hit(f"report:{reporter.pk}", settings.REPORT_RATE_LIMIT)
    if wait:
        raise RateLimited(
            "You've sent a lot of reports in a short time. Please try again later.",
            retry_after=ratelimit.retry_after(wait),
        )
    with transaction.atomic():
        if Report.objects.filter(item__message=message, reporter=reporter).exists():
            return {"type": "report.received", "message": message.pk}
        weight = queue.reporter_weight(reporter.pk)
        item, _ = queue.file_item(
            kind=ItemKind.REPORT, message=message, category=reason, weight=weight
        )
        Report.objects.create(
            item=item, reporter=reporter, reason=reason, note=note[:500], weight=weight
        )
    return {"type": "report.received", "message": message.pk}


# --- queue actions --------------------------------------------------------------------


@transaction.atomic
def item_claim(*, actor_id: int, item_id: int) -> dict[str, Any]:
    actor = check_moderator(member_id=actor_id)
    item = check_item(item_id=item_id)
    if item.state == ItemState.CLAIMED and item.claimed_by_id not in (None, actor.pk):
        raise KindredError("Another facilitator has this one.", code="claimed")
    item.state, item.claimed_by = ItemState.CLAIMED, actor
    if item.acknowledged_at is None:
        item.acknowledged_at, item.acknowledged_by = timezone.now(), actor
    item.save()
    audit(actor, "claim", item=item, target=item.subject, room=item.room)
    queue.announce(item.pk, new=False)
    return {"type": "done", "action": "claim", "item": item.pk}


@transaction.atomic
def item_dismiss(*, actor_id: int, item_id: int, reason: str = "") -> dict[str, Any]:
    actor = check_moderator(member_id=actor_id)
    item = check_item(item_id=item_id)
    audit(actor, "dismiss", item=item, target=item.subject, room=item.room, reason=reason)
    _close_item(item, actor, resolution="dismissed", took_action=False)
    return {"type": "done", "action": "dismiss", "item": item.pk}


@transaction.atomic
def message_remove(
    *, actor_id: int, message_id: int, reason: str = "", item_id: int | None = None
) -> dict[str, Any]:
    actor = check_moderator(member_id=actor_id)
    message = check_moderated_message(message_id=message_id)
    item = _item_for(item_id) or QueueItem.objects.filter(message=message).first()
    if message.removed_at is None:
        message.removed_at = timezone.now()
        message.save(update_fields=["removed_at"])
    room_id = message.room_id
    bus.publish_room_on_commit(room_id, {"type": "removed", "id": message_id})
    audit(
        actor,
        "remove_message",
        item=item,
        target=message.author,
        room=message.room,
        message_id=message.pk,
        reason=reason,
    )
    _close_item(item, actor, resolution="removed", took_action=True)
    return {"type": "done", "action": "remove_message", "message": message.pk}


@transaction.atomic
def message_release(
    *, actor_id: int, message_id: int, item_id: int | None = None
) -> dict[str, Any]:
    """Deliver a message the room's crisis policy held back. The crisis item stays
    open: releasing is about the room, not about the member's safety."""
    actor = check_moderator(member_id=actor_id)
    message = check_moderated_message(message_id=message_id)
    if not message.held:
        raise KindredError("That message isn't held.", code="not_held")
    message.held = False
    message.save(update_fields=["held"])
    data = message_data(message, room_slug=message.room.slug, author=message.author.handle)
    room_id = message.room_id
    bus.publish_room_on_commit(room_id, data.frame())
    item = _item_for(item_id) if item_id is not None else None
    audit(
        actor,
        "release_message",
        item=item,
        target=message.author,
        room=message.room,
        message_id=message.pk,
    )
    # Every dashboard shows the message as delivered now.
    for held_item in QueueItem.objects.filter(message=message).values_list("pk", flat=True):
        queue.announce(held_item, new=False)
    return {"type": "done", "action": "release_message", "message": message.pk}


@transaction.atomic
def member_warn(
    *, actor_id: int, handle: str, text: str = "", item_id: int | None = None
) -> dict[str, Any]:
    actor = check_moderator(member_id=actor_id)
    target = check_target(handle=handle)
    text = text.strip()[:500] or (
        "A facilitator is asking you to take care with what you post, so this stays a safe "
        "place for everyone. Please read the community guidelines."
    )
    item = _item_for(item_id)
    frame = {"type": "notice", "kind": "warning", "message": text}
    bus.publish_to_member_on_commit(target.pk, frame)
    audit(actor, "warn", item=item, target=target, reason=text)
    _close_item(item, actor, resolution="warned", took_action=True)
    return {"type": "done", "action": "warn", "member": target.handle}


@transaction.atomic
def member_mute(
    *,
    actor_id: int,
    handle: str,
    minutes: int,
    room_slug: str | None = None,
    reason: str = "",
    item_id: int | None = None,
) -> dict[str, Any]:
    actor = check_moderator(member_id=actor_id)
    target = check_target(handle=handle)
    # *minutes* was bounded by the Mute frame every caller parses (moderation.actions).
    room = Room.objects.filter(slug=room_slug).first() if room_slug else None
    if room_slug and room is None:
        raise NotFound("There is no such room.")
    until = timezone.now() + timedelta(minutes=minutes)
    Mute.objects.create(member=target, room=room, until=until)
    item = _item_for(item_id)
    audit(actor, "mute", item=item, target=target, room=room, reason=reason, minutes=minutes)
    _close_item(item, actor, resolution="muted", took_action=True)
    return {
        "type": "done",
        "action": "mute",
        "member": target.handle,
        "until": timestamp(until),
    }


@transaction.atomic
def member_kick(
    *, actor_id: int, handle: str, room_slug: str, reason: str = "", item_id: int | None = None
) -> dict[str, Any]:
    actor = check_moderator(member_id=actor_id)
    target = check_target(handle=handle)
    room = Room.objects.filter(slug=room_slug).first()
    if room is None:
        raise NotFound("There is no such room.")
    room_id = room.pk
    bus.publish_close_on_commit(member_id=target.pk, code=CLOSE_KICKED, room_id=room_id)
    item = _item_for(item_id)
    audit(actor, "kick", item=item, target=target, room=room, reason=reason)
    _close_item(item, actor, resolution="kicked", took_action=True)
    return {"type": "done", "action": "kick", "member": target.handle}


@transaction.atomic
def member_ban(
    *, actor_id: int, handle: str, reason: str = "", item_id: int | None = None
) -> dict[str, Any]:
    actor = check_moderator(member_id=actor_id)
    target = check_target(handle=handle)
    target.is_banned = True
    target.save(update_fields=["is_banned"])
    if target.device_hash:
        BannedDevice.objects.get_or_create(
            token_hash=target.device_hash, defaults={"member": target}
        )
    bus.publish_close_on_commit(member_id=target.pk, code=CLOSE_FORBIDDEN)
    item = _item_for(item_id)
    audit(actor, "ban", item=item, target=target, reason=reason)
    _close_item(item, actor, resolution="banned", took_action=True)
    return {"type": "done", "action": "ban", "member": target.handle}


def _room_changed(room: Room) -> None:
    frame = {"type": "room", "room": room_data(room).public()}
    room_id = room.pk
    bus.publish_room_on_commit(room_id, frame)


@transaction.atomic
def room_slow_mode(*, actor_id: int, room_slug: str, seconds: int) -> dict[str, Any]:
    actor = check_moderator(member_id=actor_id)
    room = Room.objects.filter(slug=room_slug, kind=RoomKind.TOPIC).first()
    if room is None:
        raise NotFound("There is no such room.")
    # *seconds* was bounded by the SlowMode frame every caller parses (moderation.actions).
    room.slow_mode_seconds = seconds
    room.save(update_fields=["slow_mode_seconds"])
    audit(actor, "slow_mode", room=room, seconds=seconds)
    _room_changed(room)
    return {"type": "done", "action": "slow_mode", "room": room.slug, "seconds": seconds}


@transaction.atomic
def room_lock(*, actor_id: int, room_slug: str, locked: bool) -> dict[str, Any]:
    actor = check_moderator(member_id=actor_id)
    room = Room.objects.filter(slug=room_slug, kind=RoomKind.TOPIC).first()
    if room is None:
        raise NotFound("There is no such room.")
    room.is_locked = locked
    room.save(update_fields=["is_locked"])
    audit(actor, "lock" if locked else "unlock", room=room)
    _room_changed(room)
    return {"type": "done", "action": "lock", "room": room.slug, "locked": locked}


@transaction.atomic
def message_pin(*, actor_id: int, message_id: int | None, room_slug: str) -> dict[str, Any]:
    """Pin a message of a topic room (shown in every welcome), or unpin with None."""
    actor = check_moderator(member_id=actor_id)
    room = Room.objects.filter(slug=room_slug, kind=RoomKind.TOPIC).first()
    if room is None:
        raise NotFound("There is no such room.")
    message = None
    if message_id is not None:
        message = (
            Message.objects.select_related("author")
            .filter(pk=message_id, room=room, removed_at__isnull=True)
            .first()
        )
        if message is None:
            raise NotFound("There is no such message in this room.")
    room.pinned_message = message
    room.save(update_fields=["pinned_message"])
    audit(actor, "pin" if message else "unpin", room=room, message_id=message_id)
    frame = {
        "type": "pinned",
        "message": message_data(message, room_slug=room.slug, author=message.author.handle).frame()
        if message
        else None,
    }
    room_id = room.pk
    bus.publish_room_on_commit(room_id, frame)
    return {"type": "done", "action": "pin", "room": room.slug, "message": message_id}


# --- reading -----------------------------------------------------------------------------


def queue_snapshot(*, actor_id: int) -> list[dict[str, Any]]:
    check_moderator(member_id=actor_id)
    return queue.open_items()


def item_context(*, actor_id: int, item_id: int) -> dict[str, Any]:
    """The item's message with `MODERATION_CONTEXT` messages before and after it."""
    check_moderator(member_id=actor_id)
    item = QueueItem.objects.select_related("message__room").filter(pk=item_id).first()
    if item is None:
        raise NotFound("There is no such queue item.")
    message = item.message
    if message is None:
        return {"type": "context", "item": item.pk, "messages": []}
    around = settings.MODERATION_CONTEXT
    base = Message.objects.filter(room_id=message.room_id).select_related("author")
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
    return {"type": "context", "item": item.pk, "messages": rows}


def audit_frame(*, actor_id: int, limit: int = 100) -> dict[str, Any]:
    return {"type": "audit", "entries": audit_log(actor_id=actor_id, limit=limit)}


def audit_log(*, actor_id: int, limit: int = 100) -> list[dict[str, Any]]:
    check_moderator(member_id=actor_id)
    entries = AuditEntry.objects.all()[: min(limit, 500)]
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


@transaction.atomic
def reach_out(*, actor_id: int, item_id: int) -> dict[str, Any]:
    """One click from a crisis alert: a one-on-one chat with the member, opened for them
    to join when they're ready; the alert counts as acknowledged."""
    actor = check_moderator(member_id=actor_id)
    item = check_item(item_id=item_id, open_only=False)
    subject = item.subject
    if subject is None or subject.pk == actor.pk:
        raise NotFound("There is nobody to reach out to for this item.")
    acknowledge(item=item, actor=actor)
    if item.state == ItemState.OPEN:
        item.state, item.claimed_by = ItemState.CLAIMED, actor
        item.save(update_fields=["state", "claimed_by"])
    pair = Q(requester=actor, recipient=subject) | Q(requester=subject, recipient=actor)
    chat = Chat.objects.filter(pair, status=ChatStatus.OPEN).first() or open_chat(
        requester=actor, recipient=subject, origin=ChatOrigin.REACH_OUT, status=ChatStatus.OPEN
    )
    frame = {
        "type": "chat.opened",
        "chat": chat.pk,
        "from": actor.handle,
        "reason": "check_in",
        "message": f"{actor.handle}, a facilitator, would like to check in with you. "
        "The chat is open whenever you're ready.",
    }
    bus.publish_to_member_on_commit(subject.pk, frame)
    audit(actor, "reach_out", item=item, target=subject, room=item.room)
    queue.announce(item.pk, new=False)
    return {"type": "chat.opened", "chat": chat.pk, "with": subject.handle}
