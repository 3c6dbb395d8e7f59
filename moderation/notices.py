"""What moderation tells one member: a frame to their open sockets and an inbox item.

A warning, a mute, a report's outcome or a facilitator's reach-out must reach
the member even when no socket of theirs is open, so each is also stored in
their inbox (community/inbox.py), where it waits for their next visit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from community.inbox import in_language_of, inbox_add
from community.models import InboxKind
from community.times import member_when
from core.frames import timestamp
from realtime import bus
from rooms.chat_notices import notice_chat_opened


def notify_warning(*, member_id: int, text: str) -> None:
    bus.publish_to_member_on_commit(
        member_id, {"type": "notice", "kind": "warning", "message": text}
    )
    with in_language_of(member_id):
        words = _("From a facilitator: %(text)s") % {"text": text}
    inbox_add(member_id=member_id, kind=InboxKind.NOTICE, text=words)


def notify_mute(
    *, member_id: int, until: datetime, room_title: str | None, room_slug: str | None = None
) -> None:
    """Stored in the inbox, and live to the member's open pages (``room`` is the
    muted room's slug, or null for everywhere), so the composer says until when."""
    with in_language_of(member_id):
        until_words = member_when(until, member_id=member_id)
        text = (
            _(
                "A facilitator has paused your posting in %(room)s until %(until)s. "
                "You can still read, and the crisis lines are always there."
            )
            % {"room": room_title, "until": until_words}
            if room_title
            else _(
                "A facilitator has paused your posting in every room and chat until %(until)s. "
                "You can still read, and the crisis lines are always there."
            )
            % {"until": until_words}
        )
    frame = {
        "type": "notice",
        "kind": "muted",
        "message": text,
        "until": timestamp(until),
        "room": room_slug,
    }
    bus.publish_to_member_on_commit(member_id, frame)
    inbox_add(member_id=member_id, kind=InboxKind.NOTICE, text=text)


def notify_removed(*, member_id: int, message_id: int, room_title: str | None, reason: str) -> None:
    """The author of a removed message is told, privately and kindly, with the
    facilitator's reason when one was given (never who removed it)."""
    with in_language_of(member_id):
        if room_title:
            text = _(
                "A facilitator removed one of your messages in %(room)s, to keep the space safe "
                "for everyone."
            ) % {"room": room_title}
        else:
            text = _(
                "A facilitator removed one of your messages, to keep the space safe for everyone."
            )
        if reason.strip():
            text += " " + _("The reason given: %(reason)s") % {"reason": reason.strip()[:300]}
        text += " " + _("You're still welcome here; the community guidelines say more.")
    frame = {"type": "notice", "kind": "removed", "message": text, "id": message_id}
    bus.publish_to_member_on_commit(member_id, frame)
    inbox_add(member_id=member_id, kind=InboxKind.NOTICE, text=text, key=f"removed:{message_id}")


def notify_lifted(*, member_id: int) -> None:
    """A pause on posting lifted early: the member hears it from Kindred, in their language."""
    with in_language_of(member_id):
        text = _("A facilitator has lifted the pause on your posting. Welcome back.")
    frame = {"type": "notice", "kind": "lifted", "message": text}
    bus.publish_to_member_on_commit(member_id, frame)
    inbox_add(member_id=member_id, kind=InboxKind.NOTICE, text=text)


def notify_report_outcome(*, reporter_id: int, item_id: int, outcome: str, text: str) -> None:
    frame: dict[str, Any] = {
        "type": "notice",
        "kind": "report_outcome",
        "outcome": outcome,
        "message": text,
    }
    bus.publish_to_member_on_commit(reporter_id, frame)
    inbox_add(
        member_id=reporter_id, kind=InboxKind.NOTICE, text=text, key=f"report-outcome:{item_id}"
    )


def notify_reach_out(*, member_id: int, chat_id: int, actor: str, text: str) -> None:
    frame = {
        "type": "chat.opened",
        "chat": chat_id,
        "from": actor,
        "reason": "check_in",
        "message": text,
    }
    bus.publish_to_member_on_commit(member_id, frame)
    notice_chat_opened(chat_id=chat_id, member_id=member_id, text=text)
