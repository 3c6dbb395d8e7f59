"""A send's ack does not wait for telling the facilitators (realtime.after_reply).

A new handle's link is flagged and filed with the message; the facilitators'
``queue.item`` carries the member's standing, read after commit. Inside a
socket's reply block that work waits until the reply is written; anywhere else
(an HTTP view, the admin) it happens at once, with the same frame.
"""

from __future__ import annotations

import pytest
from django.test import TestCase

from moderation import queue
from moderation.models import QueueItem
from realtime import after_reply, bus
from rooms import services as room_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(monkeypatch):
    frames: list[dict] = []
    monkeypatch.setattr(bus, "publish_topic", lambda topic, frame: frames.append(frame))
    return frames


def _send_link(member, room):
    return room_services.message_send(
        member_id=member.pk, room_slug=room.slug, body="see https://example.org/x"
    )


def test_facilitators_hear_of_a_flagged_send_only_after_the_reply(
    member, room, settings, published
):
    settings.LINK_MIN_HANDLE_AGE_MINUTES = 60
    with after_reply.deferred():
        with TestCase.captureOnCommitCallbacks(execute=True):
            _send_link(member, room)
        # Committed, the reply not yet written: nothing told yet.
        assert published == []
    item = QueueItem.objects.get()
    assert published == [{"type": "queue.item", "item": queue.item_data(queue._load(item.pk))}]


def test_outside_a_reply_block_facilitators_hear_at_once(member, room, settings, published):
    settings.LINK_MIN_HANDLE_AGE_MINUTES = 60
    with TestCase.captureOnCommitCallbacks(execute=True):
        _send_link(member, room)
    assert [frame["type"] for frame in published] == ["queue.item"]


def test_work_after_a_reply_runs_in_order_even_when_one_piece_fails():
    ran: list[str] = []

    def broken():
        raise RuntimeError("boom")

    with after_reply.deferred():
        after_reply.after_reply(lambda: ran.append("first"))
        after_reply.after_reply(broken)
        after_reply.after_reply(lambda: ran.append("third"))
        assert ran == []
    assert ran == ["first", "third"]


def test_work_after_a_reply_still_runs_when_the_reply_failed():
    ran: list[str] = []
    with pytest.raises(ValueError), after_reply.deferred():
        after_reply.after_reply(lambda: ran.append("told"))
        raise ValueError("the socket went away")
    assert ran == ["told"]
