"""One-on-one peer chats, by mutual consent.

A member asks another handle; the other accepts or declines. Nothing opens
without consent. A declined or ignored request cannot be repeated for
``CHAT_REQUEST_COOLDOWN_HOURS``; a member has at most ``CHAT_MAX_OPEN_REQUESTS``
unanswered requests. Either side can leave, or block the other, which closes the
chat at once and refuses every future request. Messages go through the same
path as rooms (rooms.services.message_send): crisis hand-off, limits, sanitising
and reporting all apply.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.handles import handle_key
from community.inbox import in_language_of
from community.models import Member
from core.errors import KindredError, NotAllowed, NotFound
from core.frames import timestamp
from core.protocol import CLOSE_FORBIDDEN
from realtime import bus
from rooms.access import check_chat_participant, check_member
from rooms.chat_notices import notice_chat_opened, notice_chat_request
from rooms.models import Block, Chat, ChatOrigin, ChatStatus, Room, RoomKind
from rooms.policy import message_policy
from rooms.selectors import blocked_ids

UNAVAILABLE = gettext_lazy("That member isn't available for a one-on-one chat right now.")


def _notify(member_id: int, frame: dict[str, Any]) -> None:
    bus.publish_to_member_on_commit(member_id, frame)


def blocked_between(a: int, b: int) -> bool:
    """Either blocks the other, or another handle from the other's browser."""
    return b in blocked_ids(a) or a in blocked_ids(b)


def _ignored_before() -> datetime:
    """Requests made before this moment and still unanswered count as ignored."""
    return timezone.now() - timedelta(minutes=settings.CHAT_REQUEST_EXPIRE_MINUTES)


def expire_ignored() -> None:
    """Requests nobody answered within ``CHAT_REQUEST_EXPIRE_MINUTES`` count as ignored."""
    cutoff = _ignored_before()
    Chat.objects.filter(status=ChatStatus.REQUESTED, created_at__lt=cutoff).update(
        status=ChatStatus.EXPIRED, responded_at=timezone.now()
    )


def chat_room_slug(*, member_id: int, chat_id: int) -> str:
    """The room of chat *chat_id* for a participant; NotAllowed for anything else."""
    member = check_member(member_id=member_id)
    chat = Chat.objects.select_related("room").filter(pk=chat_id).first()
    if chat is None:
        raise NotAllowed()
    check_chat_participant(member=member, room=chat.room)
    return chat.room.slug


def open_chat(*, requester: Member, recipient: Member, origin: str, status: str) -> Chat:
    room = Room.objects.create(
        slug=f"chat-{secrets.token_hex(8)}",
        title="One-on-one chat",
        kind=RoomKind.DIRECT,
    )
    return Chat.objects.create(
        room=room,
        requester=requester,
        recipient=recipient,
        origin=origin,
        status=status,
        responded_at=timezone.now() if status == ChatStatus.OPEN else None,
    )


@transaction.atomic
def chat_request(*, member_id: int, to: str) -> dict[str, Any]:
    member = check_member(member_id=member_id)
    message_policy().check_can_request_chat(member=member)
    target = Member.objects.filter(handle_key=handle_key(to), is_active=True).first()
    if target is None or target.pk == member.pk or target.is_banned:
        raise KindredError(UNAVAILABLE, code="not_available")
    if blocked_between(member.pk, target.pk):
        raise KindredError(UNAVAILABLE, code="not_available")
    expire_ignored()
    pair = Q(requester=member, recipient=target) | Q(requester=target, recipient=member)
    already = Chat.objects.filter(pair, status=ChatStatus.OPEN).first()
    if already is not None:
        raise KindredError(
            _("You already have a chat open with this member."),
            chat=already.pk,
            code="already_open",
        )
    crossed = Chat.objects.filter(
        requester=target,
        recipient=member,
        status=ChatStatus.REQUESTED,
        created_at__gte=_ignored_before(),
    ).first()
    if crossed is not None:
        # They asked us too: both said yes, so the chat opens.
        return chat_accept(member_id=member.pk, chat_id=crossed.pk)
    since = timezone.now() - timedelta(hours=settings.CHAT_REQUEST_COOLDOWN_HOURS)
    # A request closed before anyone answered it (withdrawn by the asker, or
    # dismissed by the recipient) counts too: otherwise withdrawing and asking
    # again would notify the same member over and over.
    recent = Chat.objects.filter(requester=member, recipient=target, created_at__gte=since).filter(
        Q(status__in=[ChatStatus.REQUESTED, ChatStatus.DECLINED, ChatStatus.EXPIRED])
        | Q(status=ChatStatus.CLOSED, responded_at__isnull=True)
    )
    if recent.exists():
        raise KindredError(
            _("You asked this member recently. Give them some space: you can ask again tomorrow."),
            code="cooldown",
        )
    pending = Chat.objects.filter(requester=member, status=ChatStatus.REQUESTED).count()
    if pending >= settings.CHAT_MAX_OPEN_REQUESTS:
        raise KindredError(
            _("You have several requests waiting for an answer. Wait for a reply first."),
            code="too_many_requests",
        )
    chat = open_chat(
        requester=member, recipient=target, origin=ChatOrigin.REQUEST, status=ChatStatus.REQUESTED
    )
    _notify(target.pk, {"type": "chat.request", "from": member.handle, "chat": chat.pk})
    notice_chat_request(chat_id=chat.pk, recipient_id=target.pk, requester=member.handle)
    return {"type": "chat.requested", "chat": chat.pk, "to": target.handle}


def _answerable(member: Member, chat_id: int) -> Chat:
    chat = Chat.objects.select_for_update().filter(pk=chat_id).first()
    if chat is None or chat.recipient_id != member.pk:
        raise NotFound(_("There is no such chat request."))
    # An unanswered request past its time is ignored even if nothing has marked
    # it expired yet: it can no longer open a chat.
    if chat.status != ChatStatus.REQUESTED or chat.created_at < _ignored_before():
        raise NotFound(_("That request has already been answered or has expired."))
    return chat


@transaction.atomic
def chat_accept(*, member_id: int, chat_id: int) -> dict[str, Any]:
    member = check_member(member_id=member_id)
    chat = _answerable(member, chat_id)
    if blocked_between(chat.requester_id, member.pk):
        raise NotFound(_("There is no such chat request."))
    chat.status, chat.responded_at = ChatStatus.OPEN, timezone.now()
    chat.save(update_fields=["status", "responded_at"])
    _notify(chat.requester_id, {"type": "chat.accepted", "chat": chat.pk, "by": member.handle})
    with in_language_of(chat.requester_id):
        words = _("%(handle)s said yes: your chat is open.") % {"handle": member.handle}
    notice_chat_opened(chat_id=chat.pk, member_id=chat.requester_id, text=words)
    return {"type": "chat.accepted", "chat": chat.pk, "by": member.handle}


@transaction.atomic
def chat_decline(*, member_id: int, chat_id: int) -> dict[str, Any]:
    member = check_member(member_id=member_id)
    chat = _answerable(member, chat_id)
    chat.status, chat.responded_at = ChatStatus.DECLINED, timezone.now()
    chat.save(update_fields=["status", "responded_at"])
    _notify(chat.requester_id, {"type": "chat.declined", "chat": chat.pk})
    return {"type": "chat.declined", "chat": chat.pk}


def _participant_chat(member: Member, chat_id: int) -> Chat:
    chat = Chat.objects.select_for_update().filter(pk=chat_id).first()
    if chat is None or member.pk not in (chat.requester_id, chat.recipient_id):
        raise NotFound(_("There is no such chat."))
    return chat


def _close(chat: Chat, *, by: Member, blocked: bool) -> None:
    chat.status, chat.closed_at = ChatStatus.CLOSED, timezone.now()
    chat.save(update_fields=["status", "closed_at"])
    other = chat.other(by.pk)
    room_id = chat.room_id
    frame = {"type": "chat.closed", "chat": chat.pk, "by": None if blocked else by.handle}
    _notify(other, frame)
    for member_id in (chat.requester_id, chat.recipient_id):
        bus.publish_close_on_commit(member_id=member_id, code=CLOSE_FORBIDDEN, room_id=room_id)


@transaction.atomic
def chat_leave(*, member_id: int, chat_id: int) -> dict[str, Any]:
    member = check_member(member_id=member_id)
    chat = _participant_chat(member, chat_id)
    if chat.status in (ChatStatus.OPEN, ChatStatus.REQUESTED):
        _close(chat, by=member, blocked=False)
    return {"type": "chat.closed", "chat": chat.pk, "by": member.handle}


@transaction.atomic
def chat_block(*, member_id: int, chat_id: int) -> dict[str, Any]:
    """Block the other participant: the chat closes, and they can't ask again."""
    member = check_member(member_id=member_id)
    chat = _participant_chat(member, chat_id)
    other = chat.other(member.pk)
    Block.objects.get_or_create(blocker=member, blocked_id=other)
    if chat.status in (ChatStatus.OPEN, ChatStatus.REQUESTED):
        _close(chat, by=member, blocked=True)
    bus.publish_blocks_on_commit(member.pk, blocked_ids(member.pk))
    return {"type": "chat.closed", "chat": chat.pk, "by": member.handle}


def my_chats(*, member_id: int) -> list[dict[str, Any]]:
    member = check_member(member_id=member_id)
    expire_ignored()
    chats = (
        Chat.objects.filter(Q(requester=member) | Q(recipient=member))
        .filter(status__in=[ChatStatus.REQUESTED, ChatStatus.OPEN])
        .select_related("requester", "recipient")
        .order_by("-created_at")
    )
    return [
        {
            "chat": c.pk,
            "status": c.status,
            "origin": c.origin,
            "with": (c.recipient if c.requester_id == member.pk else c.requester).handle,
            "incoming": c.recipient_id == member.pk,
            "created_at": timestamp(c.created_at),
        }
        for c in chats
    ]
