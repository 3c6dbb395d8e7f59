"""Who may do what in rooms: the checks every rooms service makes first.

Each gives the same answer for "missing" and "not allowed", so ids and slugs
can't be probed. Kept apart from the services so that chats and the message
path can both use them without importing each other.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from community.models import Member
from core.errors import NotAllowed, NotFound
from rooms.models import Chat, ChatStatus, Room, RoomKind


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
    if room is None:
        raise NotFound(_("There is no such room."))
    if room.kind == RoomKind.DIRECT:
        check_chat_participant(member=member, room=room)
    return room


def check_chat_participant(*, member: Member, room: Room) -> Chat:
    """The open chat behind *room* if *member* is in it; the same refusal otherwise."""
    chat = Chat.objects.filter(room=room).first()
    if chat is None or member.pk not in (chat.requester_id, chat.recipient_id):
        raise NotAllowed()
    if chat.status != ChatStatus.OPEN:
        raise NotAllowed(_("This chat has ended."))
    return chat
