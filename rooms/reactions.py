"""Support reactions on room messages: "me too", "sending strength", "celebrating
you", "thank you". A fixed set, shown as counts; who reacted is shown to the
message's author only, or to nobody (the room's ``reaction_names``).

A reaction goes through the same checks as a message would: the member may see
the room, is not muted there, neither of the two blocks the other (the same
answer as a message that doesn't exist), the message is not removed or held,
and ``REACTION_RATE_LIMIT`` holds. The new counts go to the room live (skipping
sockets of members who block the author, like the message itself).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import ratelimit
from core.errors import BadInput, NotFound, RateLimited
from realtime import bus
from realtime.db import prepared_cursor
from rooms.access import check_live_message, check_member, check_room_access
from rooms.models import Block, Message, Reaction, ReactionNames
from rooms.policy import message_policy

#: The reactions, in the order they are shown, with their words.
REACTIONS = {
    "me_too": gettext_lazy("Me too"),
    "strength": gettext_lazy("Sending strength"),
    "celebrate": gettext_lazy("Celebrating you"),
    "thanks": gettext_lazy("Thank you"),
}


def reaction_counts(message_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Counts by message and reaction, for the messages that have any."""
    return page_reactions(message_ids, viewer_id=None)[0]


def page_reactions(
    message_ids: Iterable[int], *, viewer_id: int | None
) -> tuple[dict[int, dict[str, int]], dict[int, tuple[str, ...]]]:
    """For a page of messages, in one query: the counts by message and reaction,
    and the reactions *viewer_id* gave."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    mine: dict[int, list[str]] = defaultdict(list)
    ids, viewer = list(message_ids), viewer_id or 0
    # Every welcome reads this: on PostgreSQL one statement prepared once per
    # connection rather than an ORM query compiled per call (docs/performance.md,
    # "CPU per connect"); tests/test_entry_twins.py holds the two to one answer.
    read = _page_rows_pg if connection.vendor == "postgresql" else _page_rows_orm
    for message_id, reaction, n, own in read(ids, viewer):
        counts[message_id][reaction] = n
        if own:
            mine[message_id].append(reaction)
    return dict(counts), {k: tuple(sorted(v)) for k, v in mine.items()}


def _page_rows_pg(ids: list[int], viewer: int) -> list[tuple]:
    with prepared_cursor() as cursor:
        cursor.execute(_page_statement(), {"ids": ids, "viewer": viewer})
        return cursor.fetchall()


def _page_rows_orm(ids: list[int], viewer: int) -> list[tuple]:
    return list(
        Reaction.objects.filter(message_id__in=ids)
        .values_list("message_id", "reaction")
        .annotate(n=Count("id"), own=Count("id", filter=Q(member_id=viewer)))
        .order_by()
    )


@cache
def _page_statement() -> str:
    table = connection.ops.quote_name(Reaction._meta.db_table)
    return f"""
SELECT r.message_id, r.reaction, COUNT(r.id), COUNT(r.id) FILTER (WHERE r.member_id = %(viewer)s)
FROM {table} r WHERE r.message_id = ANY(%(ids)s::bigint[])
GROUP BY r.message_id, r.reaction
"""


def _reachable(member_id: int, message_id: int) -> Message:
    """The message, if the member may react to it; NotFound otherwise (one answer)."""
    member = check_member(member_id=member_id)
    message = check_live_message(message_id=message_id, held=False)
    room = check_room_access(member=member, slug=message.room.slug)
    blocked = Block.objects.filter(
        Q(blocker=member, blocked_id=message.author_id)
        | Q(blocker_id=message.author_id, blocked=member)
    )
    if blocked.exists():
        raise NotFound(_("There is no such message."))
    message_policy().check_not_muted(member=member, room=room)
    return message


def reaction_set(
    *, member_id: int, message_id: int, reaction: str, on: bool = True
) -> dict[str, Any]:
    """Give (*on*) or take back a reaction; answers with the message's counts."""
    if reaction not in REACTIONS:
        raise BadInput(_("That isn't one of the reactions."), code="bad_reaction")
    message = _reachable(member_id, message_id)
    wait = ratelimit.hit(f"react:{member_id}", settings.REACTION_RATE_LIMIT)
    if wait:
        raise RateLimited(
            _("That's a lot of reactions at once. Try again in a moment."),
            retry_after=ratelimit.retry_after(wait),
        )
    if on:
        Reaction.objects.get_or_create(message=message, member_id=member_id, reaction=reaction)
    else:
        Reaction.objects.filter(message=message, member_id=member_id, reaction=reaction).delete()
    counts = reaction_counts([message.pk]).get(message.pk, {})
    frame = {"type": "reactions", "message": message.pk, "counts": counts}
    bus.publish_room_on_commit(message.room_id, frame, author_id=message.author_id)
    return {
        "type": "reacted",
        "message": message.pk,
        "reaction": reaction,
        "on": on,
        "counts": counts,
    }


def reaction_names(*, member_id: int, message_id: int) -> dict[str, Any]:
    """Who reacted, by handle: for the message's author only, and only where the
    room shows names (else the same answer as a missing message)."""
    member = check_member(member_id=member_id)
    message = (
        Message.objects.select_related("room")
        .filter(pk=message_id, author=member, removed_at__isnull=True)
        .first()
    )
    if message is None or message.room.reaction_names != ReactionNames.AUTHOR:
        raise NotFound(_("There is no such message."))
    hidden = Block.objects.filter(blocker=member).values_list("blocked_id", flat=True)
    rows = (
        Reaction.objects.filter(message=message)
        .exclude(member_id__in=hidden)
        .order_by("reaction", "created_at")
        .values_list("reaction", "member__handle")
    )
    who: dict[str, list[str]] = defaultdict(list)
    for reaction, handle in rows:
        who[reaction].append(handle)
    return {"message": message.pk, "who": dict(who)}
