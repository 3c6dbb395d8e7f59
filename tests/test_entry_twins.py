"""The connect path's two implementations agree: the hand-written PostgreSQL
statements (rooms/entry.py ``_read_pg``, rooms/selectors.py ``_before_pg``,
rooms/reactions.py ``_page_rows_pg``) and the ORM path other databases take.

Both run here on the same PostgreSQL database over one room with everything a
welcome must get right -- blocks (with a handle made in the same browser as a
blocked one), a room mute and a site-wide one, unread and read inbox items, a
team with a banned and a deactivated member, held and removed messages and
reactions -- and must give the same answers.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.utils import timezone

from community.models import InboxItem, Role
from moderation.models import Mute
from rooms import entry, reactions, selectors, store
from rooms.models import Block, Message, Reaction

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _post(room, author, *, held=False, removed=False) -> Message:
    message = store._insert_orm(
        room=room, author=author, body="hi", html="<p>hi</p>", nonce="", held=held, item=None
    )
    if removed:
        Message.objects.filter(pk=message.pk).update(removed_at=timezone.now())
    return message


@pytest.fixture
def world(make_member, room, rooms):
    viewer = make_member("TwinViewer", device_hash="dev-viewer")
    blocked = make_member("TwinBlocked", device_hash="dev-shared")
    same_browser = make_member("TwinSameBrowser", device_hash="dev-shared")
    stranger = make_member("TwinStranger", device_hash="dev-other")
    make_member("TwinFacil", role=Role.FACILITATOR)
    make_member("TwinSupporter", role=Role.SUPPORTER)
    make_member("TwinBanned", role=Role.FACILITATOR, is_banned=True)
    make_member("TwinGone", role=Role.ADMIN, is_active=False)
    Block.objects.create(blocker=viewer, blocked=blocked)
    now = timezone.now()
    Mute.objects.create(member=viewer, room=room, until=now + timedelta(minutes=30))
    Mute.objects.create(member=viewer, room=None, until=now + timedelta(minutes=10))
    Mute.objects.create(member=stranger, room=rooms["alcohol"], until=now + timedelta(hours=1))
    InboxItem.objects.create(member=viewer, kind="chat", text="one")
    InboxItem.objects.create(member=viewer, kind="chat", text="two", read_at=now)
    messages = [
        _post(room, stranger),
        _post(room, blocked),
        _post(room, same_browser),
        _post(room, viewer, held=True),
        _post(room, stranger, held=True),
        _post(room, stranger, removed=True),
        _post(room, viewer),
        _post(room, stranger),
    ]
    for message, who, name in (
        (messages[0], viewer, "heart"),
        (messages[0], stranger, "heart"),
        (messages[0], stranger, "hug"),
        (messages[6], stranger, "hug"),
        (messages[7], viewer, "hug"),
    ):
        Reaction.objects.create(message=message, member=who, reaction=name)
    return {"viewer": viewer, "stranger": stranger, "blocked": blocked, "messages": messages}


def _entry_values(found):
    if found is None:
        return None
    member = found.member
    return {
        "room": model_to_dict(found.room),
        "member": None
        if member is None
        else model_to_dict(member, exclude=["groups", "user_permissions"]),
        "rest": (found.mute_until, found.inbox_unread, found.blocked_ids, found.team),
    }


@pytest.mark.parametrize("welcome", [True, False])
@pytest.mark.parametrize("who", ["viewer", "stranger", "nobody"])
def test_a_room_entry_reads_the_same_both_ways(world, room, who, welcome):
    assert connection.vendor == "postgresql"
    member_id = world[who].pk if who != "nobody" else 987654321
    for slug in (room.slug, "no-such-room"):
        kwargs = {"member_id": member_id, "room_slug": slug, "welcome": welcome}
        pg, orm = entry._read_pg(**kwargs), entry._read_orm(**kwargs)
        assert _entry_values(pg) == _entry_values(orm)
    if who == "viewer" and welcome:
        # The fixture is doing its job: each part of the welcome is non-trivial.
        found = entry._read_pg(member_id=member_id, room_slug=room.slug, welcome=True)
        assert found.mute_until is not None and found.inbox_unread == 1
        assert len(found.blocked_ids) == 2
        assert [handle for handle, _ in found.team] == ["TwinFacil", "TwinSupporter"]


@pytest.mark.parametrize("viewer", ["viewer", "stranger", None])
@pytest.mark.parametrize("hide_blocked", [True, False])
@pytest.mark.parametrize("before", [None, 3, 7])
@pytest.mark.parametrize("limit", [1, 3, 50])
def test_a_page_of_history_reads_the_same_both_ways(
    world, room, viewer, hide_blocked, before, limit
):
    viewer_id = world[viewer].pk if viewer else None
    hidden = [world["blocked"].pk] if hide_blocked else []
    before_id = None if before is None else world["messages"][before].pk
    args = (room, before_id, limit, hidden, viewer_id)
    assert selectors._before_pg(*args) == selectors._before_orm(*args)


@pytest.mark.parametrize("viewer", ["viewer", "stranger", None])
def test_a_page_of_reactions_reads_the_same_both_ways(world, viewer):
    ids = [m.pk for m in world["messages"]]
    viewer_id = world[viewer].pk if viewer else 0
    pg = sorted(reactions._page_rows_pg(ids, viewer_id))
    orm = sorted(reactions._page_rows_orm(ids, viewer_id))
    assert pg == orm
    assert len(pg) == 4
