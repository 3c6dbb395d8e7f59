"""Contact details are redacted however they are disguised, only the redacted
text is stored, and ordinary messages (helpline numbers included) pass as sent."""

from __future__ import annotations

import pytest

from moderation.contacts import _digits_of, find_and_redact
from moderation.models import ItemKind, QueueItem
from rooms import services as room_services
from rooms.models import Message
from tests.contact_corpus import BYPASSES, LEGITIMATE


def leaked(stored: str, secret: str) -> bool:
    """Whether *secret* survives in *stored*, as text or (for digits) spelled out."""
    return secret.lower() in stored.lower() or (
        secret.isdigit() and secret in _digits_of(stored)[0]
    )


def test_the_corpus_is_big_enough():
    assert len(BYPASSES) >= 150 and len(LEGITIMATE) >= 150


@pytest.mark.parametrize(("message", "secret"), BYPASSES)
def test_every_disguised_contact_detail_is_redacted(message, secret):
    stored, kinds = find_and_redact(message)
    assert kinds, f"not found in {message!r}"
    assert not leaked(stored, secret), stored


@pytest.mark.parametrize("message", LEGITIMATE)
def test_ordinary_messages_and_helplines_pass_untouched(message):
    assert find_and_redact(message) == (message, [])


@pytest.mark.django_db
def test_only_the_redacted_text_is_stored_anywhere(make_member, room, settings):
    settings.MESSAGE_RATE_LIMIT = "1000/1s"
    settings.LINK_MIN_HANDLE_AGE_MINUTES = 0
    member = make_member("QuietOtter")
    for message, secret in BYPASSES:
        sent = room_services.message_send(member_id=member.pk, room_slug=room.slug, body=message)
        row = Message.objects.get(pk=sent.message.id)
        item = QueueItem.objects.get(message_id=row.pk)
        assert item.kind == ItemKind.CONTACT_INFO
        for kept in (row.body, row.html, item.excerpt, sent.message.frame()["body"]):
            assert not leaked(kept, secret), (message, kept)


@pytest.mark.django_db
def test_ordinary_messages_are_stored_as_sent_and_not_flagged(make_member, room, settings):
    settings.MESSAGE_RATE_LIMIT = "1000/1s"
    member = make_member("QuietOtter")
    for message in LEGITIMATE:
        sent = room_services.message_send(member_id=member.pk, room_slug=room.slug, body=message)
        assert Message.objects.get(pk=sent.message.id).body == message
    assert not QueueItem.objects.filter(kind=ItemKind.CONTACT_INFO).exists()
