"""A message made only of invisible characters would be broadcast as a blank:
it is refused as empty, and nothing is stored."""

from __future__ import annotations

import pytest

from core.errors import KindredError
from rooms import services as room_services
from rooms.models import Message

INVISIBLE_ONLY = [
    "\U000e0041\U000e0042\U000e0043",  # tag characters
    "\u3164",  # Hangul filler
    "\u3164 \u3164\n\u3164",
    "\u00ad\u00ad\u00ad",  # soft hyphens
    "\u115f\u1160",
    "\uffa0",
    "\ufe0f\ufe0e",  # variation selectors alone
    "\u034f",
    "\u2800\u2800",  # braille blank
    "\u3000",  # ideographic space
    "\u2061\u2062\u2063\u2064",  # invisible operators
    "\U0001d173\U0001d174",
    " \u00ad \u200b \U000e0020 \u3164 ",
]


@pytest.mark.django_db
@pytest.mark.parametrize("body", INVISIBLE_ONLY)
def test_a_message_of_invisible_characters_is_refused_as_empty(member, room, body):
    with pytest.raises(KindredError) as refused:
        room_services.message_send(member_id=member.pk, room_slug=room.slug, body=body)
    assert refused.value.code == "empty"
    assert not Message.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["\u3164hi", "ok\u00ad", "\u2764\ufe0f"])
def test_a_visible_character_among_them_is_a_message(member, room, body):
    room_services.message_send(member_id=member.pk, room_slug=room.slug, body=body)
    assert Message.objects.count() == 1
