"""The message path's policy with meetings: moderation's, plus the check-in round's floor.

``ROOMS_MESSAGE_POLICY`` names :class:`MeetingPolicy`. While a host runs a
check-in round, only the member with the floor may post (facilitators always
may: ``rooms.services.check_can_post`` lets them through before asking). Anyone
else's message waits: the send is refused with ``floor_held`` and a
``retry_after`` of ``MEETINGS_FLOOR_RETRY_SECONDS``; the browser keeps it in
its outbox, in order, and sends it again by itself until the floor is open.
The refusal goes through the same path as any other (``refused``): a message
that reads as crisis still brings its card and alerts a facilitator at once.

The floor costs a send no extra round trip: the policy's "may not post here
until" column, which the send reads with the sender in one statement
(rooms.sender), is the sender's active mute if any, else :data:`FLOOR_HELD`
while a round runs and someone else has the floor, else null. ``FLOOR_HELD``
is a moment long past, so nothing that reads the column as a mute end takes it
for one; :meth:`MeetingPolicy.check_not_muted` tells it apart.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import DateTimeField, Expression, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from core.errors import KindredError
from meetings.mode import floor_holder, rounds_holding_messages
from meetings.models import DuringRound, Meeting, Session, SessionState
from moderation.policy import ModerationPolicy
from rooms.policy import UNREAD

#: "Not until the floor is open": the column's value for a sender held by a round.
FLOOR_HELD = datetime(1970, 1, 1, tzinfo=UTC)


def _floor_held() -> KindredError:
    return KindredError(
        _(
            "It's someone else's turn in the check-in round. Your message "
            "will wait and go when the floor is open; raise your hand to share."
        ),
        retry_after=settings.MEETINGS_FLOOR_RETRY_SECONDS,
        code="floor_held",
    )


class MeetingPolicy(ModerationPolicy):
    def mute_until_sql(self) -> str:
        table = connection.ops.quote_name(Session._meta.db_table)
        meetings = connection.ops.quote_name(Meeting._meta.db_table)
        held = f"""(SELECT TIMESTAMPTZ '{FLOOR_HELD.isoformat()}' FROM {table} ms
      JOIN {meetings} mm ON mm.id = ms.meeting_id AND mm.during_round = '{DuringRound.WAIT}'
      WHERE ms.room_id = r.id AND ms.state = '{SessionState.LIVE}' AND ms.round_active
        AND (ms.floor_id IS NULL OR ms.floor_id <> m.id)
      LIMIT 1)"""
        return f"COALESCE({super().mute_until_sql()}, {held})"

    def mute_until_column(self, *, room_id: int) -> Expression:
        held = (
            rounds_holding_messages(room_id=room_id)
            .exclude(floor_id=OuterRef("pk"))
            .annotate(held=Value(FLOOR_HELD, output_field=DateTimeField()))
            .values("held")[:1]
        )
        return Coalesce(
            super().mute_until_column(room_id=room_id),
            Subquery(held, output_field=DateTimeField()),
            output_field=DateTimeField(),
        )

    def check_not_muted(self, *, member: Any, room: Any, until: Any = UNREAD) -> None:
        if until is UNREAD:
            super().check_not_muted(member=member, room=room)
            running, floor = floor_holder(room_id=room.pk)
            if running and floor != member.pk:
                raise _floor_held()
            return
        if until == FLOOR_HELD:
            raise _floor_held()
        super().check_not_muted(member=member, room=room, until=until)
