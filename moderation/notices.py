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
from realtime import bus
from rooms.chat_notices import notice_chat_opened


def notify_warning(*, member_id: int, text: str) -> None:
    bus.publish_to_member_on_commit(
        member_id, {"type": "notice", "kind": "warning", "message": text}
    )
    with in_language_of(member_id):
        words = _("From a facilitator: %(text)s") % {"text": text}
    inbox_add(member_id=member_id, kind=InboxKind.NOTICE, text=words)


def notify_mute(*, member_id: int, until: datetime, room_title: str | None) -> None:
    with in_language_of(member_id):
        until_words = member_when(until, member_id=member_id)
        words = (
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
    inbox_add(member_id=member_id, kind=InboxKind.NOTICE, text=words)


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
