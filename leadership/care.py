"""Care for the people who help: debriefs after crisis chats, and private thanks.

A debrief is the supporter's own: nobody else reads it. Asking for the mentor
sends the mentor a notice, never the debrief's words. A member's "this helped"
is seen only by the helper it thanks: a count and the words, never a score
anyone else sees.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.inbox import inbox_add
from community.models import InboxKind, Member, Role
from core.errors import BadInput, NotFound
from core.frames import timestamp
from leadership.handover import chat_had_crisis, helper_chat
from leadership.models import Application, ApplicationStatus, Debrief, Thanks
from leadership.services import check_supporter_or_moderator
from moderation.models import ItemKind, QueueItem
from rooms.access import check_member
from rooms.models import Chat, ChatOrigin, ChatStatus

FEELINGS = ("okay", "shaken", "drained", "proud")
HELPER_ROLES = (Role.SUPPORTER, Role.FACILITATOR, Role.ADMIN)
DEBRIEF_DAYS = 14


def debrief_chat(*, member_id: int, chat_id: int) -> dict[str, Any]:
    helper = check_supporter_or_moderator(member_id)
    chat = helper_chat(helper, chat_id)
    done = Debrief.objects.filter(member=helper, chat=chat).exists()
    return {"chat": chat.pk, "crisis": chat_had_crisis(chat), "done": done}


@transaction.atomic
def debrief_save(
    *, member_id: int, chat_id: int, feeling: str = "", notes: str = "", wants_mentor: bool = False
) -> dict[str, Any]:
    helper = check_supporter_or_moderator(member_id)
    chat = helper_chat(helper, chat_id)
    if feeling and feeling not in FEELINGS:
        raise BadInput(_("Choose one of the feelings offered, or none."), code="bad_field")
    Debrief.objects.update_or_create(
        member=helper,
        chat=chat,
        defaults={"feeling": feeling, "notes": notes.strip()[:2000], "wants_mentor": wants_mentor},
    )
    mentor = None
    if wants_mentor:
        approved = Application.objects.filter(
            member=helper, status=ApplicationStatus.APPROVED, mentor__isnull=False
        ).first()
        mentor = approved.mentor if approved else None
        if mentor is not None:
            inbox_add(
                member_id=mentor.pk,
                kind=InboxKind.NOTICE,
                text=_("%(handle)s would like to talk after a hard chat. Reach out when you can.")
                % {"handle": helper.handle},
                url="/chats/",
                key=f"mentor-{helper.pk}-{chat.pk}",
            )
    return {"chat": chat.pk, "saved": True, "mentor": mentor.handle if mentor else None}


def debriefs_due(*, member: Member) -> list[int]:
    """Closed drop-in chats of the last two weeks with a crisis and no debrief yet."""
    since = timezone.now() - timedelta(days=DEBRIEF_DAYS)
    chats = Chat.objects.filter(
        recipient=member, origin=ChatOrigin.DROPIN, status=ChatStatus.CLOSED, created_at__gte=since
    )
    crisis_rooms = QueueItem.objects.filter(
        kind=ItemKind.CRISIS, room_id__in=chats.values("room_id")
    ).values("room_id")
    done = Debrief.objects.filter(member=member).values("chat_id")
    return list(
        chats.filter(room_id__in=crisis_rooms).exclude(pk__in=done).values_list("pk", flat=True)
    )


def _thanked_chat(member: Member, chat_id: int) -> Chat:
    chat = Chat.objects.filter(pk=chat_id, requester=member).select_related("recipient").first()
    if chat is None or chat.status not in (ChatStatus.OPEN, ChatStatus.CLOSED):
        raise NotFound(_("There is no such chat."))
    if chat.recipient.role not in HELPER_ROLES:
        raise NotFound(_("There is no such chat."))
    return chat


def thanks_target(*, member_id: int, chat_id: int) -> dict[str, Any]:
    chat = _thanked_chat(check_member(member_id=member_id), chat_id)
    done = Thanks.objects.filter(chat=chat).exists()
    return {"chat": chat.pk, "helper": chat.recipient.handle, "done": done}


@transaction.atomic
def thanks_leave(*, member_id: int, chat_id: int, words: str = "") -> dict[str, Any]:
    """A member's private "this helped" for the helper of one of their chats (once)."""
    member = check_member(member_id=member_id)
    chat = _thanked_chat(member, chat_id)
    if len(words) > 500:
        raise BadInput(_("Please keep it under 500 characters."), code="too_long")
    _thanks, created = Thanks.objects.get_or_create(
        chat=chat, defaults={"helper": chat.recipient, "words": words.strip()}
    )
    if created:
        inbox_add(
            member_id=chat.recipient_id,
            kind=InboxKind.NOTICE,
            text=_("Someone you chatted with said your chat helped. It's on your supporter page."),
            url="/leadership/",
            key=f"thanks-{chat.pk}",
        )
    return {"chat": chat.pk, "thanked": True}


def thanks_received(*, member: Member, limit: int = 20) -> dict[str, Any]:
    mine = Thanks.objects.filter(helper=member)
    return {
        "count": mine.count(),
        "words": [
            {"words": t.words, "at": timestamp(t.created_at)}
            for t in mine.exclude(words="").order_by("-created_at")[:limit]
        ],
    }
