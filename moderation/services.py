"""Moderation actions, for the live socket and the dashboard alike.

Every action checks that the actor is a facilitator or admin (members get the
same ``not_allowed`` whatever they ask about), writes an append-only audit
entry (on the item's history when taken from an item) and publishes what
changed after commit. An item takes any number of actions and stays open until
a facilitator resolves or dismisses it; then its reporters are told the
outcome, without naming the moderator.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from community.inbox import in_language_of
from community.models import BannedDevice, Member
from core import ratelimit
from core.errors import BadInput, KindredError, NotFound, RateLimited
from core.frames import timestamp
from core.protocol import CLOSE_FORBIDDEN, CLOSE_KICKED
from moderation import notices, queue, sanctions
from moderation.checks import (
    _close_item,
    _item_for,
    audit,
    audit_message,
    check_item,
    check_member_action,
    check_moderated_message,
    check_moderator,
    done,
)
from moderation.handoff import acknowledge
from moderation.models import ItemKind, ItemState, Mute, QueueItem, Report, SanctionKind
from realtime import bus
from rooms.access import check_member, check_room_access
from rooms.chats import open_chat
from rooms.models import Chat, ChatOrigin, ChatStatus, Message, Room, RoomKind
from rooms.selectors import message_data

REPORT_REASONS = ("harassment", "spam", "unsafe", "contact_info", "other")


# --- reports -----------------------------------------------------------------------


def report_create(
    *, member_id: int, message_id: int, reason: str, note: str = "", room_slug: str | None = None
) -> dict[str, Any]:
    """A member reports a message. *room_slug* (from a room socket) must be its room."""
    reporter = check_member(member_id=member_id)
    if reason not in REPORT_REASONS:
        raise BadInput(
            _("Choose a reason: %(reasons)s.") % {"reasons": ", ".join(REPORT_REASONS)},
            code="bad_reason",
        )
    message = Message.objects.select_related("room", "author").filter(pk=message_id).first()
    missing = NotFound(_("There is no such message to report."))
    # A held message (a crisis message waiting for a facilitator) was never shown:
    # the same answer as a missing one, so its id can't be probed.
    if message is None or message.removed_at is not None or message.held:
        raise missing
    if room_slug is not None and message.room.slug != room_slug:
        raise missing
    try:
        check_room_access(member=reporter, slug=message.room.slug)
    except KindredError:
        raise missing from None
    if message.author_id == reporter.pk:
        raise KindredError(_("You can't report your own message."), code="own_message")
    wait = ratelimit.hit(f"report:{reporter.pk}", settings.REPORT_RATE_LIMIT)
    if wait:
        raise RateLimited(
            _("You've sent a lot of reports in a short time. Please try again later."),
            retry_after=ratelimit.retry_after(wait),
        )
    with transaction.atomic():
        if Report.objects.filter(item__message=message, reporter=reporter).exists():
            return {"type": "report.received", "message": message.pk}
        weight = queue.reporter_weight(reporter.pk)
        item, _created = queue.file_item(
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
        raise KindredError(_("Another facilitator has this one."), code="claimed")
    item.state, item.claimed_by = ItemState.CLAIMED, actor
    item.save()
    acknowledge(item=item, actor=actor)
    audit(actor, "claim", item=item, target=item.subject, room=item.room)
    queue.announce(item.pk, new=False)
    return done("claim", item=item.pk)


@transaction.atomic
def item_dismiss(*, actor_id: int, item_id: int, reason: str = "") -> dict[str, Any]:
    actor = check_moderator(member_id=actor_id)
    item = check_item(item_id=item_id)
    if item.kind in (ItemKind.CRISIS, ItemKind.CHECK_IN) and not reason.strip():
        # Someone may still be waiting for a human: closing that says why.
        raise BadInput(
            _("Say why this is closed: a crisis item or check-in is dismissed only with a reason."),
            code="reason_required",
        )
    audit(actor, "dismiss", item=item, target=item.subject, room=item.room, reason=reason)
    _close_item(item, actor, resolution="dismissed", took_action=False)
    return done("dismiss", item=item.pk)


@transaction.atomic
def item_resolve(*, actor_id: int, item_id: int, reason: str) -> dict[str, Any]:
    """Close an item whose job is done (the actions it needed are on its history)."""
    actor = check_moderator(member_id=actor_id)
    item = check_item(item_id=item_id)
    if not reason.strip():
        raise BadInput(_("Say how this was resolved, in a few words."), code="reason_required")
    audit(actor, "resolve", item=item, target=item.subject, room=item.room, reason=reason)
    _close_item(item, actor, resolution="resolved", took_action=True)
    return done("resolve", item=item.pk)


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
        notices.notify_removed(
            member_id=message.author_id,
            message_id=message.pk,
            room_title=message.room.title if message.room.kind == RoomKind.TOPIC else None,
            reason=reason,
        )
    bus.publish_room_on_commit(message.room_id, {"type": "removed", "id": message_id})
    audit_message(actor, "remove_message", message, item=item, reason=reason)
    queue.announce_acted_on(item)
    return done("remove_message", message=message.pk)


@transaction.atomic
def message_release(
    *, actor_id: int, message_id: int, item_id: int | None = None
) -> dict[str, Any]:
    """Deliver a held message: one the room's crisis policy held back (the crisis
    item stays open: releasing is about the room, not about the member's
    safety), or a new member's first post in a sensitive room (its
    ``first_post`` item is done once the message is out)."""
    actor = check_moderator(member_id=actor_id)
    message = check_moderated_message(message_id=message_id)
    item = _item_for(item_id) if item_id is not None else None
    if not held_deliver(message=message, actor=actor, item=item):
        raise KindredError(_("That message isn't held."), code="not_held")
    return done("release_message", message=message.pk)


def held_deliver(
    *,
    message: Message,
    actor: Member | None,
    item: QueueItem | None = None,
    details: dict[str, Any] | None = None,
) -> bool:
    """Every socket in the room gets *message* now, through the room's own
    path (those who block its author excepted); the clients put it in its
    place by id. *actor* None: Kindred released it by itself (a first post
    nobody looked at in time, moderation.first_posts). False, and nothing
    done, when it is no longer held or has been removed meanwhile: the update
    below decides, so two facilitators (or processes) deliver it once."""
    if not Message.objects.filter(pk=message.pk, held=True, removed_at__isnull=True).update(
        held=False
    ):
        return False
    message.held = False
    data = message_data(message, room_slug=message.room.slug, author=message.author.handle)
    bus.publish_room_on_commit(message.room_id, data.frame(), author_id=message.author_id)
    action = "release_message" if actor is not None else "auto_release"
    audit_message(actor, action, message, item=item, **(details or {}))
    # Every dashboard shows the message as delivered now; a first post's look is done.
    for held_item in QueueItem.objects.filter(message=message):
        if held_item.kind == ItemKind.FIRST_POST and held_item.state in queue.OPEN_STATES:
            _close_item(held_item, actor, resolution="released", took_action=True)
        else:
            queue.announce(held_item.pk, new=False)
    return True


def _sanction_taken(
    actor: Member,
    target: Member,
    item: QueueItem | None,
    *,
    kind: str,
    reason: str,
    room: Room | None = None,
    minutes: int | None = None,
) -> None:
    """What every sanction does last: its audit entry (on the item's history when
    taken from one), the record the ladder counts, and every open item about the
    member redrawn with it."""
    details = {} if minutes is None else {"minutes": minutes}
    audit(actor, kind, item=item, target=target, room=room, reason=reason, **details)
    room_slug = room.slug if room else ""
    sanctions.sanction_record(
        member=target, kind=kind, minutes=minutes, room_slug=room_slug, reason=reason
    )
    queue.announce_subject(target.pk)


@transaction.atomic
def member_warn(
    *, actor_id: int, handle: str, text: str = "", item_id: int | None = None
) -> dict[str, Any]:
    actor, target, item = check_member_action(actor_id=actor_id, handle=handle, item_id=item_id)
    text = text.strip()[:500] or (
        "A facilitator is asking you to take care with what you post, so this stays a safe "
        "place for everyone. Please read the community guidelines."
    )
    notices.notify_warning(member_id=target.pk, text=text)
    _sanction_taken(actor, target, item, kind=SanctionKind.WARN, reason=text)
    return done("warn", member=target.handle)


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
    actor, target, item = check_member_action(actor_id=actor_id, handle=handle, item_id=item_id)
    # *minutes* was bounded by the Mute frame every caller parses (moderation.actions).
    room = Room.objects.filter(slug=room_slug).first() if room_slug else None
    if room_slug and room is None:
        raise NotFound(_("There is no such room."))
    until = timezone.now() + timedelta(minutes=minutes)
    # The browser too: a new handle made there is muted until the same time.
    Mute.objects.create(member=target, room=room, until=until, device_hash=target.device_hash)
    notices.notify_mute(
        member_id=target.pk,
        until=until,
        room_title=room.title if room else None,
        room_slug=room.slug if room else None,
    )
    _sanction_taken(
        actor, target, item, kind=SanctionKind.MUTE, reason=reason, room=room, minutes=minutes
    )
    return done("mute", member=target.handle, until=timestamp(until))


@transaction.atomic
def member_kick(
    *, actor_id: int, handle: str, room_slug: str, reason: str = "", item_id: int | None = None
) -> dict[str, Any]:
    actor, target, item = check_member_action(actor_id=actor_id, handle=handle, item_id=item_id)
    room = Room.objects.filter(slug=room_slug).first()
    if room is None:
        raise NotFound(_("There is no such room."))
    bus.publish_close_on_commit(member_id=target.pk, code=CLOSE_KICKED, room_id=room.pk)
    audit(actor, "kick", item=item, target=target, room=room, reason=reason)
    queue.announce_acted_on(item)
    return done("kick", member=target.handle)


@transaction.atomic
def member_ban(
    *, actor_id: int, handle: str, reason: str = "", item_id: int | None = None
) -> dict[str, Any]:
    actor, target, item = check_member_action(actor_id=actor_id, handle=handle, item_id=item_id)
    target.is_banned = True
    target.save(update_fields=["is_banned"])
    if target.device_hash:
        BannedDevice.objects.get_or_create(
            token_hash=target.device_hash, defaults={"member": target}
        )
    bus.publish_close_on_commit(member_id=target.pk, code=CLOSE_FORBIDDEN)
    _sanction_taken(actor, target, item, kind=SanctionKind.BAN, reason=reason)
    return done("ban", member=target.handle)


@transaction.atomic
def reach_out(*, actor_id: int, item_id: int) -> dict[str, Any]:
    """One click from a crisis alert: a one-on-one chat with the member, opened for them
    to join when they're ready; the alert counts as acknowledged."""
    actor = check_moderator(member_id=actor_id)
    item = check_item(item_id=item_id, open_only=False)
    subject = item.subject
    if subject is None or subject.pk == actor.pk:
        raise NotFound(_("There is nobody to reach out to for this item."))
    acknowledge(item=item, actor=actor)
    if item.state == ItemState.OPEN:
        item.state, item.claimed_by = ItemState.CLAIMED, actor
        item.save(update_fields=["state", "claimed_by"])
    pair = Q(requester=actor, recipient=subject) | Q(requester=subject, recipient=actor)
    chat = Chat.objects.filter(pair, status=ChatStatus.OPEN).first() or open_chat(
        requester=actor, recipient=subject, origin=ChatOrigin.REACH_OUT, status=ChatStatus.OPEN
    )
    with in_language_of(subject.pk):
        words = _(
            "%(handle)s, a facilitator, would like to check in with you. "
            "The chat is open whenever you're ready."
        ) % {"handle": actor.handle}
    notices.notify_reach_out(member_id=subject.pk, chat_id=chat.pk, actor=actor.handle, text=words)
    audit(actor, "reach_out", item=item, target=subject, room=item.room)
    queue.announce(item.pk, new=False)
    return {"type": "chat.opened", "chat": chat.pk, "with": subject.handle}
