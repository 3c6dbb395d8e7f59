"""What one-on-one chats leave in a member's inbox (community/inbox.py).

A request, an answer or a new message reaches an open socket as a frame; these
also store a notice, so a member who was away sees it on their next visit. The
texts name the other member (they see the handle anyway when they open the
chat) and never carry the message itself.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from community.inbox import in_language_of, inbox_add
from community.models import InboxKind, Member
from rooms import presence_glue
from rooms.models import Chat, ChatStatus, Room, RoomKind


def chat_url(chat_id: int) -> str:
    return f"/chats/{chat_id}/"


def notice_chat_request(*, chat_id: int, recipient_id: int, requester: str) -> None:
    with in_language_of(recipient_id):
        words = _("%(handle)s would like a one-on-one chat with you.") % {"handle": requester}
    inbox_add(
        member_id=recipient_id,
        kind=InboxKind.CHAT,
        text=words,
        url="/chats/",
        key=f"chat-request:{chat_id}",
    )


def notice_chat_opened(*, chat_id: int, member_id: int, text: str) -> None:
    """A chat opened for *member_id* (their request accepted, a facilitator's reach-out)."""
    inbox_add(
        member_id=member_id,
        kind=InboxKind.CHAT,
        text=text,
        url=chat_url(chat_id),
        key=f"chat-opened:{chat_id}",
    )


def notice_message_away(*, room: Room, author: Member, held: bool) -> None:
    """A message in a one-on-one chat whose other member has no socket in it.

    The sender writes through their own chat socket, so anyone else counted
    in the chat's presence is the other member. One unread notice per chat
    stands for all the messages until it is read. A message held for a
    facilitator isn't delivered yet, so it isn't announced either.
    """
    if room.kind != RoomKind.DIRECT or held:
        return
    author_id = author.pk
    chat = (
        Chat.objects.filter(room_id=room.pk)
        .values("pk", "requester_id", "recipient_id", "status")
        .first()
    )
    if chat is None or chat["status"] != ChatStatus.OPEN:
        return
    other = chat["recipient_id"] if author_id == chat["requester_id"] else chat["requester_id"]
    key = presence_glue.presence_key(room.slug, room.kind, room.pk)
    if presence_glue.online(key)["online_count"] >= 2:
        return
    with in_language_of(other):
        words = _("New message from %(handle)s in your chat.") % {"handle": author.handle}
    inbox_add(
        member_id=other,
        kind=InboxKind.CHAT,
        text=words,
        url=chat_url(chat["pk"]),
        key=f"chat-messages:{chat['pk']}",
        coalesce=True,
    )
