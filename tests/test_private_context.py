"""A private chat's context reaches facilitators only through a participant's
report, and then only what that reporter could see."""

from __future__ import annotations

import pytest

from moderation import reading, services
from moderation.models import QueueItem
from rooms import chats
from rooms import services as room_services
from rooms.models import Block, Chat

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def pair(make_member, settings):
    settings.MESSAGE_RATE_LIMIT = "100/1s"
    settings.LINK_MIN_HANDLE_AGE_MINUTES = 0
    a, b = make_member("QuietOtter"), make_member("LoudFinch")
    chat_id = chats.chat_request(member_id=a.pk, to=b.handle)["chat"]
    chats.chat_accept(member_id=b.pk, chat_id=chat_id)
    return a, b, Chat.objects.get(pk=chat_id).room.slug


def say(member, slug, body):
    return room_services.message_send(member_id=member.pk, room_slug=slug, body=body).message


def context_ids(facilitator, item) -> list[int]:
    frame = reading.item_context(actor_id=facilitator.pk, item_id=item.pk)
    return [m["id"] for m in frame["messages"]]


@pytest.mark.parametrize(
    "flagged_body",
    ["text me on 07700 900123 ok", "my email is otter@example.org", "shitstorm of a day"],
)
def test_an_automatic_flag_in_a_chat_shows_that_message_alone(
    pair, facilitator, flagged_body, settings
):
    a, b, slug = pair
    from moderation.models import BlockedWord

    BlockedWord.objects.get_or_create(word="shitstorm")
    from moderation import wordlist

    wordlist.invalidate()
    earlier = [say(a, slug, f"something private {i}") for i in range(3)]
    flagged = say(b, slug, flagged_body)
    later = say(a, slug, "and afterwards")
    item = QueueItem.objects.filter(message_id=flagged.id).first()
    assert item is not None, "the message should have been flagged"
    ids = context_ids(facilitator, item)
    assert ids == [flagged.id]
    assert not {m.id for m in [*earlier, later]} & set(ids)


def test_a_participants_report_shows_only_what_they_saw_up_to_the_report(pair, facilitator):
    a, b, slug = pair
    before = [say(a, slug, "hi"), say(b, slug, "hello"), say(b, slug, "you are awful")]
    services.report_create(member_id=a.pk, message_id=before[-1].id, reason="harassment")
    after_report = say(b, slug, "written after the report")
    item = QueueItem.objects.get(message_id=before[-1].id)
    assert context_ids(facilitator, item) == [m.id for m in before]
    assert after_report.id not in context_ids(facilitator, item)


def test_a_reporter_who_blocked_someone_did_not_see_them(pair, make_member, facilitator):
    a, b, slug = pair
    first = say(b, slug, "first words")
    mine = say(a, slug, "my words")
    Block.objects.create(blocker=a, blocked=b)
    nasty = say(b, slug, "hidden from a")
    Block.objects.filter(blocker=a).delete()
    shown = say(b, slug, "you are awful")
    services.report_create(member_id=a.pk, message_id=shown.id, reason="harassment")
    Block.objects.create(blocker=a, blocked=b)
    item = QueueItem.objects.get(message_id=shown.id)
    ids = context_ids(facilitator, item)
    assert mine.id in ids and shown.id in ids
    assert first.id not in ids and nasty.id not in ids
