"""What every moderation action does first and last: check the actor, the item,
the target and the message (the same ``not_allowed``/``not_found`` whatever a
member asks about), then write the audit entry and close the item."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from community.handles import handle_key
from community.models import MODERATOR_ROLES, Member
from core.errors import KindredError, NotAllowed, NotFound
from moderation import queue
from moderation.models import AuditEntry, ItemState, QueueItem
from moderation.notices import notify_report_outcome
from rooms.access import check_member
from rooms.models import Message, Room, RoomKind


def check_moderator(*, member_id: int) -> Member:
    member = check_member(member_id=member_id)
    if not member.is_moderator:
        raise NotAllowed(_("Only facilitators can do that."))
    return member


def moderators() -> QuerySet[Member]:
    """The members who may moderate now: a facilitator's or admin's role, active, not banned."""
    return Member.objects.filter(role__in=MODERATOR_ROLES, is_active=True, is_banned=False)


def check_moderators_named(handles: Iterable[str], *, refusal: KindredError) -> list[Member]:
    """The members *handles* name, all of whom may moderate; *refusal* otherwise
    (a handle that names nobody, or someone who isn't a facilitator or admin)."""
    keys = {handle_key(h) for h in handles if isinstance(h, str)}
    named = list(moderators().filter(handle_key__in=keys))
    if not named or len(named) != len(keys):
        raise refusal
    return named


def moderator_ids(member_ids: set[int]) -> list[int]:
    """Which of *member_ids* may still moderate."""
    return list(moderators().filter(pk__in=member_ids).values_list("pk", flat=True))


def check_item(*, item_id: int, open_only: bool = True) -> QueueItem:
    item = QueueItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("There is no such queue item."))
    if open_only and item.state not in queue.OPEN_STATES:
        raise KindredError(_("That item has already been handled."), code="closed")
    return item


def check_target(*, handle: str) -> Member:
    target = Member.objects.filter(handle_key=handle_key(handle)).first()
    if target is None:
        raise NotFound(_("There is no member with that handle."))
    if target.is_moderator:
        raise NotAllowed(_("Facilitators can't act on other facilitators here."))
    return target


def check_member_action(
    *, actor_id: int, handle: str, item_id: int | None
) -> tuple[Member, Member, QueueItem | None]:
    """What every action on a member checks first, before it changes anything:
    the facilitator acting, the member acted on, and the open item it is taken
    from (None when taken from no item)."""
    actor = check_moderator(member_id=actor_id)
    return actor, check_target(handle=handle), _item_for(item_id)


def check_moderated_message(*, message_id: int) -> Message:
    """A message a facilitator may act on. In one-on-one chats, only reported ones."""
    message = Message.objects.select_related("room", "author").filter(pk=message_id).first()
    if message is None:
        raise NotFound(_("There is no such message."))
    if (
        message.room.kind == RoomKind.DIRECT
        and not QueueItem.objects.filter(message=message).exists()
    ):
        raise NotFound(_("There is no such message."))
    return message


def audit(
    actor: Member | None,
    action: str,
    *,
    item: QueueItem | None = None,
    target: Member | None = None,
    room: Room | None = None,
    message_id: int | None = None,
    reason: str = "",
    **details: Any,
) -> None:
    """*actor* None: Kindred did it by itself (an entry with no handle)."""
    AuditEntry.objects.create(
        actor=actor,
        actor_handle=actor.handle if actor is not None else "",
        action=action,
        item=item,
        target_handle=target.handle if target else "",
        room_slug=room.slug if room else "",
        message_id=message_id,
        reason=reason[:500],
        details=details,
    )


def audit_message(
    actor: Member | None,
    action: str,
    message: Message,
    *,
    item: QueueItem | None = None,
    **details: Any,
) -> None:
    """The entry for an action on *message*: its author, room and id."""
    audit(
        actor,
        action,
        item=item,
        target=message.author,
        room=message.room,
        message_id=message.pk,
        **details,
    )


def done(action: str, **fields: Any) -> dict[str, Any]:
    """What an action answers (the ``done`` frame, moderation.server_frames)."""
    return {"type": "done", "action": action, **fields}


def _close_item(
    item: QueueItem | None, actor: Member | None, *, resolution: str, took_action: bool
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
        notify_report_outcome(reporter_id=reporter_id, item_id=item.pk, outcome=outcome, text=text)
    queue.announce(item.pk, new=False)
    # A member's crisis items are one item on the dashboard: closing it closes them all.
    for sibling in queue.crisis_group(item).exclude(pk=item.pk):
        _close_item(sibling, actor, resolution=resolution, took_action=took_action)


def _item_for(item_id: int | None) -> QueueItem | None:
    return check_item(item_id=item_id) if item_id is not None else None
