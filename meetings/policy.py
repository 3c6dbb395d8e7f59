"""The message path's policy with meetings: moderation's, plus the check-in round's floor.

``ROOMS_MESSAGE_POLICY`` names :class:`MeetingPolicy`. While a host runs a
check-in round, only the member with the floor may post (facilitators always
may: ``rooms.services.check_can_post`` lets them through before asking). Anyone
else's message waits: the send is refused with ``floor_held`` and a
``retry_after`` of ``MEETINGS_FLOOR_RETRY_SECONDS``; the browser keeps it in
its outbox, in order, and sends it again by itself until the floor is open.
The refusal goes through the same path as any other (``refused``): a message
that reads as crisis still brings its card and alerts a facilitator at once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import KindredError
from meetings.mode import floor_holder
from moderation.policy import ModerationPolicy
from rooms.policy import UNREAD


class MeetingPolicy(ModerationPolicy):
    def check_not_muted(self, *, member: Any, room: Any, until: Any = UNREAD) -> None:
        super().check_not_muted(member=member, room=room, until=until)
        running, floor = floor_holder(room_id=room.pk)
        if running and floor != member.pk:
            raise KindredError(
                _(
                    "It's someone else's turn in the check-in round. Your message "
                    "will wait and go when the floor is open; raise your hand to share."
                ),
                retry_after=settings.MEETINGS_FLOOR_RETRY_SECONDS,
                code="floor_held",
            )
