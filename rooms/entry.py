"""What a socket reads when it opens a room: the room and the member, and for
its welcome also their mute, unread inbox count, the handles they block and
the team's badges.

Every connect runs this, and in a reconnect storm thousands do at once. Built
with the ORM it was six statements for the welcome (and three more to find the
room), each assembled and compiled to SQL per call: most of a connect's CPU in
the server, under the interpreter lock the event loop needs for handshakes
(docs/performance.md, "CPU per connect"). On PostgreSQL it is therefore one
hand-written statement (the room row, the member joined to it, scalar
subqueries for the rest), its text built once per process and prepared once per
connection (realtime.db), as rooms/sender.py does for sends. Other databases
take the ORM path, which asks the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.db import connection
from django.utils import timezone

from community.inbox import inbox_unread
from community.models import InboxItem, Member, Role
from realtime.db import models_from_row, prepared_cursor, select_columns
from rooms.access import check_member, check_member_found, check_room_found
from rooms.models import Block, Room
from rooms.policy import message_policy
from rooms.selectors import blocked_ids

#: The most team members a welcome lists (facilitators, admins, peer supporters).
TEAM_LISTED_MAX = 500
TEAM_ROLES = (Role.SUPPORTER, Role.FACILITATOR, Role.ADMIN)


@dataclass(frozen=True)
class Entry:
    """The checked room and member, and what the welcome tells the member."""

    room: Room
    member: Member
    #: When the member's active mute here or site-wide ends, or None, as read
    #: (the policy's ``mute_until`` decides what the welcome says).
    mute_until: datetime | None = None
    inbox_unread: int = 0
    blocked_ids: frozenset[int] = frozenset()
    #: (handle, role) of the active, unbanned team, by handle.
    team: tuple[tuple[str, str], ...] = ()


def room_entry(
    *, member_id: int, room_slug: str, kind: str | None = None, welcome: bool = False
) -> Entry:
    """The room *room_slug* (of *kind*, when given) and the active member
    *member_id*, checked as ``check_member`` then ``check_room_access`` do: the
    same refusals in the same order, and a room of another kind is as unknown as
    a missing one. With *welcome*, the rest of ``Entry`` too."""
    if connection.vendor == "postgresql":
        entry = _read_pg(member_id=member_id, room_slug=room_slug, welcome=welcome)
    else:
        entry = _read_orm(member_id=member_id, room_slug=room_slug, welcome=welcome)
    if entry is None:
        # No such room: the member is still checked first, as check_member does.
        check_room_found(member=check_member(member_id=member_id), room=None)  # raises
    member = check_member_found(entry.member)
    room = entry.room if kind is None or entry.room.kind == kind else None
    check_room_found(member=member, room=room)
    return entry


def _read_orm(*, member_id: int, room_slug: str, welcome: bool) -> Entry | None:
    room = Room.objects.filter(slug=room_slug).first()
    if room is None:
        return None
    member = Member.objects.filter(pk=member_id, is_active=True).first()
    if member is None or not welcome:
        return Entry(room=room, member=member)  # type: ignore[arg-type]
    team = Member.objects.filter(role__in=TEAM_ROLES, is_active=True, is_banned=False)
    return Entry(
        room=room,
        member=member,
        mute_until=message_policy().mute_until(member=member, room=room),
        inbox_unread=inbox_unread(member_id=member.pk),
        blocked_ids=blocked_ids(member.pk),
        team=tuple(team.values_list("handle", "role")[:TEAM_LISTED_MAX]),
    )


@cache
def _statement(welcome: bool) -> str:
    qn = connection.ops.quote_name
    members, blocks = qn(Member._meta.db_table), qn(Block._meta.db_table)
    inbox = qn(InboxItem._meta.db_table)
    roles = ", ".join(f"'{role}'" for role in TEAM_ROLES)
    extras = ""
    if welcome:
        # The blocked handles as rooms.selectors.blocked_ids reads them: those
        # blocked, and every handle made in the same browser as one of them.
        extras = f""",
    {message_policy().mute_until_sql()},
    (SELECT COUNT(*) FROM {inbox} i WHERE i.member_id = m.id AND i.read_at IS NULL),
    ARRAY(SELECT b.blocked_id FROM {blocks} b WHERE b.blocker_id = m.id
      UNION SELECT d.id FROM {members} d WHERE d.device_hash IN (
        SELECT bm.device_hash FROM {blocks} b JOIN {members} bm ON bm.id = b.blocked_id
         WHERE b.blocker_id = m.id AND bm.device_hash <> '')),
    ARRAY(SELECT ARRAY[t.handle, t.role] FROM {members} t
      WHERE t.role IN ({roles}) AND t.is_active AND NOT t.is_banned
      ORDER BY t.handle LIMIT {TEAM_LISTED_MAX})"""
    sql = f"""
SELECT {select_columns(Room, "r")}, {select_columns(Member, "m")}{extras}
FROM {qn(Room._meta.db_table)} r
LEFT JOIN {members} m ON m.id = %(member_id)s AND m.is_active
WHERE r.slug = %(slug)s
"""
    return sql


def _read_pg(*, member_id: int, room_slug: str, welcome: bool) -> Entry | None:
    sql = _statement(welcome)
    params = {"member_id": member_id, "slug": room_slug}
    if welcome:
        params["now"] = timezone.now()
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    (room, member), rest = models_from_row(row, Room, Member)
    if member is None or not welcome:
        return Entry(room=room, member=member)  # type: ignore[arg-type]
    mute_until, unread, blocked, team = rest
    hidden = frozenset(blocked) - {member.pk}
    return Entry(room, member, mute_until, unread, hidden, tuple(tuple(t) for t in team))
