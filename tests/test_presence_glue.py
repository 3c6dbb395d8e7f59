"""A sweep's leaves are never dropped: the store forgets an expired member as it
reports them, so a leave that fails to go out would leave a ghost in every open
room list for good."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from realtime import bus
from realtime.presence import Change
from rooms import presence_glue
from rooms.models import Room

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(monkeypatch):
    events: list[dict] = []
    monkeypatch.setattr(bus, "publish", events.append)
    monkeypatch.setattr(presence_glue, "_unsent", [])
    return events


def leave(handle: str, room: str) -> Change:
    return Change(event="leave", room=room, handle=handle, visible=True, count=0)


def test_a_leave_whose_room_lookup_fails_goes_out_with_the_next_publish(published, monkeypatch):
    room = Room.objects.create(slug="quiet-hours", title="Quiet hours")
    real_lookup = presence_glue.resolve_room_id

    def database_out_of_reach(key: str) -> int | None:
        raise OperationalError("connection lost")

    monkeypatch.setattr(presence_glue, "resolve_room_id", database_out_of_reach)
    with pytest.raises(OperationalError):
        presence_glue.publish_changes([leave("Ghost", room.slug)], {})
    assert published == []

    monkeypatch.setattr(presence_glue, "resolve_room_id", real_lookup)
    presence_glue.publish_changes([leave("Later", room.slug)], {})
    assert [(e["h"], e["r"], e["e"]) for e in published] == [
        ("Ghost", room.pk, "leave"),
        ("Later", room.pk, "leave"),
    ]
