"""Stepping away: a helper hands a drop-in chat back to the line, with a note.

The chat closes for both (the member is told through the chat and their inbox),
and the member goes back into the drop-in line at the place they first had, so
nobody is dropped. Whoever takes them next gets the note in their inbox. If the
chat had a crisis hand-off, the helper is offered a private debrief.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from community.inbox import inbox_add
from community.models import InboxKind, Member
from core.errors import BadInput, KindredError, NotFound
from leadership.models import Handover
from leadership.services import check_supporter_or_moderator
from moderation.models import ItemKind, QueueItem
from realtime import bus
from rooms.chats import chat_leave
from rooms.dropin import dropin_join
from rooms.models import Chat, ChatOrigin, ChatStatus, DropInRequest

NOTE_MAX = 500


def chat_had_crisis(chat: Chat) -> bool:
    """Whether the crisis detector flagged anything in the chat (a card was shown)."""
    return QueueItem.objects.filter(kind=ItemKind.CRISIS, room_id=chat.room_id).exists()


def helper_chat(helper: Member, chat_id: int, *, lock: bool = False) -> Chat:
    """A drop-in chat *helper* took; the same answer for missing and someone else's."""
    found = Chat.objects.filter(pk=chat_id, origin=ChatOrigin.DROPIN, recipient=helper)
    chat = (found.select_for_update() if lock else found).first()
    if chat is None:
        raise NotFound(_("There is no such chat."))
    return chat


def prompt_debrief(helper: Member, chat: Chat) -> None:
    inbox_add(
        member_id=helper.pk,
        kind=InboxKind.NOTICE,
        text=_(
            "That chat had a crisis hand-off. That's hard, and you did something that "
            "matters. When you're ready, take a few minutes for a private debrief."
        ),
        url=f"/leadership/debrief/{chat.pk}/",
        key=f"debrief-{chat.pk}",
    )


@transaction.atomic
def chat_step_away(*, member_id: int, chat_id: int, note: str = "") -> dict[str, Any]:
    helper = check_supporter_or_moderator(member_id)
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise BadInput(_("Please keep the note under 500 characters."), code="too_long")
    chat = helper_chat(helper, chat_id, lock=True)
    if chat.status != ChatStatus.OPEN:
        raise KindredError(_("This chat has already ended."), code="closed")
    first, language = DropInRequest.objects.filter(chat=chat).values_list(
        "created_at", "language"
    ).first() or (None, None)
    chat_leave(member_id=helper.pk, chat_id=chat.pk)
    # Back in the language they first asked to talk in.
    request_id = dropin_join(member_id=chat.requester_id, language=language)["request"]
    # The offer went to every helper; the one stepping away is not asked again.
    bus.publish_to_member_on_commit(helper.pk, {"type": "dropin.withdrawn", "request": request_id})
    if first is not None:  # back at the place they first had in line
        DropInRequest.objects.filter(pk=request_id).update(created_at=first)
    Handover.objects.get_or_create(
        request_id=request_id,
        defaults={"from_chat": chat, "from_handle": helper.handle, "note": note},
    )
    text = _(
        "%(handle)s needed to step away and handed your chat back to the drop-in line, "
        "with a note so you don't have to start over. You're at the front of the line."
    ) % {"handle": helper.handle}
    inbox_add(member_id=chat.requester_id, kind=InboxKind.NOTICE, text=text, url="/dropin/")
    crisis = chat_had_crisis(chat)
    if crisis:
        prompt_debrief(helper, chat)
    return {"chat": chat.pk, "request": request_id, "debrief": crisis}


def pass_note_on(*, request: DropInRequest, chat: Chat, helper: Member) -> None:
    """rooms.dropin's match hook: the next helper gets the stepping-away helper's note."""
    handover = Handover.objects.filter(request=request).first()
    if handover is None:
        return
    text = _("%(handle)s handed this chat over.") % {"handle": handover.from_handle}
    if handover.note:
        text = _("%(handle)s handed this chat over with a note: %(note)s") % {
            "handle": handover.from_handle,
            "note": handover.note,
        }
    inbox_add(member_id=helper.pk, kind=InboxKind.NOTICE, text=text, url=f"/chats/{chat.pk}/")
