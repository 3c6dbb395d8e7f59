"""Who may do what in rooms: the checks every rooms service makes first.

Each gives the same answer for "missing" and "not allowed", so ids and slugs
can't be probed. Kept apart from the services so that chats and the message
path can both use them without importing each other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from community.models import Member
from core.errors import NotAllowed, NotFound
from rooms.models import Chat, ChatStatus, Message, Room, RoomKind

#: Gates on topic rooms: ``gate(member or None, slug)`` says whether the room is
#: open to them; every gate must agree (leadership keeps its supporters' room to helpers).
_room_gates: list[Callable[[Member | None, str], bool]] = []


def register_room_gate(gate: Callable[[Member | None, str], bool]) -> None:
    """Ask *gate* before a topic room is listed or opened; registering twice is harmless."""
    if gate not in _room_gates:
        _room_gates.append(gate)


def room_open_to(member: Member | None, slug: str) -> bool:
    return all(gate(member, slug) for gate in _room_gates)


def check_member(*, member_id: int) -> Member:
    return check_member_found(Member.objects.filter(pk=member_id, is_active=True).first())


def check_member_found(member: Member | None) -> Member:
    if member is None:
        raise NotAllowed(_("Your session has ended. Please join again."))
    if member.is_banned:
        raise NotAllowed(_("This handle has been banned."))
    return member


def check_room_access(*, member: Member, slug: str) -> Room:
    """The room *member* may read, by slug. Same answer for missing and hidden rooms."""
    return check_room_found(member=member, room=Room.objects.filter(slug=slug).first())


def check_room_found(*, member: Member, room: Room | None) -> Room:
    if room is None or (room.kind == RoomKind.TOPIC and not room_open_to(member, room.slug)):
        raise NotFound(_("There is no such room."))
    if room.kind == RoomKind.DIRECT:
        check_chat_participant(member=member, room=room)
    return room


def check_topic_room(*, slug: str) -> Room:
    """The topic room *slug* names, whoever asks (facilitators' tools, meetings)."""
    room = Room.objects.filter(slug=slug, kind=RoomKind.TOPIC).first()
    if room is None:
        raise NotFound(_("There is no such room."))
    return room


def check_live_message(*, message_id: int, detail: str | None = None, **scope: Any) -> Message:
    """The message *message_id* names, with its room and author, if it hasn't been
    removed and fits *scope* (``room=``, ``held=False``); one NotFound otherwise."""
    message = (
        Message.objects.select_related("room", "author")
        .filter(pk=message_id, removed_at__isnull=True, **scope)
        .first()
    )
    if message is None:
        raise NotFound(detail or _("There is no such message."))
    return message


def check_chat_participant(*, member: Member, room: Room) -> Chat:
    """The open chat behind *room* if *member* is in it; the same refusal otherwise."""
    chat = Chat.objects.filter(room=room).first()
    if chat is None or member.pk not in (chat.requester_id, chat.recipient_id):
        raise NotAllowed()
    if chat.status != ChatStatus.OPEN:
        raise NotAllowed(_("This chat has ended."))
    return chat
