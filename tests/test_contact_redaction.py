"""Contact details are redacted however they are disguised, only the redacted
text is stored, and ordinary messages (helpline numbers included) pass as sent."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from moderation.contacts import REDACTED, _could_hold, _digits_of, _redact, find_and_redact, fold
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


# The shortcut that skips a pattern which cannot match (moderation.contacts.
# _could_hold) must never change what is stored: compare it with running all
# three patterns, on the corpus and on text built from the pieces contact
# details are made of.
_PIECES = [
    *"0123456789@.-_()[]#+/:=",
    " ",
    " ",
    "  ",
    "\t",
    "\n",
    *[
        "zero",
        "oh",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "twone",
        "eightwo",
    ],
    *[
        "at",
        "dot",
        "AT",
        "Dot",
        "(at)",
        "[dot]",
        "me",
        "my",
        "is",
        "on",
        "add",
        "hmu",
        "snap",
        "snapchat",
        "whats",
        "app",
        "whatsapp",
    ],
    *[
        "ig",
        "IG",
        "insta",
        "sc",
        "fb",
        "tele",
        "telegram",
        "signal",
        "session",
        "threads",
        "otter_22",
        "gmail",
        "com",
    ],
    *[
        "someone",
        "done",
        "often",
        "phone",
        "that",
        "what",
        "late",
        "988",
        "555",
        "12/05/2024",
        "ıg",
        "ſnap",
    ],
    "whats app",
    "my snap is",
    "add me on",
]


def _all_three(message: str) -> tuple[str, list[str]]:
    kinds: list[str] = []
    folded = fold(message)
    redacted = _redact(folded, kinds, email=True, phone=True, social=True)
    return (redacted, kinds) if kinds else (message, kinds)


@pytest.mark.parametrize("message", [m for m, _ in BYPASSES] + LEGITIMATE)
def test_the_shortcut_agrees_with_every_pattern_on_the_corpus(message):
    assert find_and_redact(message) == _all_three(message)


@hypothesis_settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_the_shortcut_agrees_with_every_pattern_on_built_text(message):
    assert find_and_redact(message) == _all_three(message)


def test_the_shortcut_skips_what_cannot_match():
    assert _could_hold("Day 42 today, going to a meeting at noon.") == (True, False, False)
    assert _could_hold("Six months! I never thought I'd type that.") == (False, False, False)
    assert _could_hold("my ig is otter_22") == (False, False, True)
    assert _could_hold("five five five one two three four") == (False, True, False)
    assert find_and_redact("my whats app is otter_22") == (REDACTED, ["social"])
    assert find_and_redact("hmu on whats\tapp: otter") == (REDACTED, ["social"])
