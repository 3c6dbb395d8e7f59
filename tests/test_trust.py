"""Issue 23: trust levels that lift by themselves. A new handle can't ask for a
one-on-one chat or post a link, and sends more slowly; once it has been here
TRUST_MIN_HOURS with TRUST_MIN_MESSAGES messages still up and no sanction, it
can. Time is controlled by moving the clock Django reads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import KindredError
from moderation.actions import action_parse, action_perform
from moderation.trust import standing_of
from rooms import chats
from rooms.services import message_send

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def clock(monkeypatch):
    """The time Django's timezone.now() answers, moved by the test."""
    state = {"now": timezone.now()}
    monkeypatch.setattr(timezone, "now", lambda: state["now"])

    def advance(**delta) -> None:
        state["now"] += timedelta(**delta)

    return advance


def say(member, body: str, nonce: str):
    return message_send(member_id=member.pk, room_slug="newcomers", body=body, nonce=nonce)


def refusal(call) -> KindredError:
    with pytest.raises(KindredError) as caught:
        call()
    return caught.value


def test_a_new_handle_can_chat_and_link_once_the_settings_are_met(
    make_member, rooms, trust_on, clock
):
    newcomer = make_member("NewHeron")
    make_member("OldOak")
    refused = refusal(lambda: chats.chat_request(member_id=newcomer.pk, to="OldOak"))
    assert refused.code == "not_yet_trusted" and "one-on-one" in refused.detail
    refused = refusal(lambda: say(newcomer, "look at example.com/help", "l1"))
    assert refused.code == "no_links_yet"
    assert standing_of(newcomer)["missing"] == ["time", "messages"]
    for n in range(3):
        say(newcomer, f"hello {n}", f"h{n}")
    clock(hours=23)
    assert standing_of(newcomer)["missing"] == ["time"]
    assert refusal(lambda: say(newcomer, "https://example.org", "l2")).code == "no_links_yet"
    clock(hours=1, seconds=1)
    assert standing_of(newcomer)["level"] == 1
    assert say(newcomer, "this helped me: https://example.org", "l3").message.id
    assert chats.chat_request(member_id=newcomer.pk, to="OldOak")


def test_removed_messages_and_sanctions_hold_the_level_down_and_facilitators_override(
    make_member, facilitator, rooms, trust_on, clock
):
    member = make_member("SlowFern")
    sent = [say(member, f"hi {n}", f"s{n}").message.id for n in range(3)]
    clock(hours=25)
    act = lambda name, **fields: action_perform(  # noqa: E731
        actor_id=facilitator.pk, frame=action_parse(name=name, fields=fields)
    )
    act("remove_message", message=sent[0])
    assert standing_of(member)["missing"] == ["messages"]
    say(member, "sorry, that came out wrong", "s9")
    assert standing_of(member)["level"] == 1
    act("warn", handle="SlowFern")
    assert standing_of(member)["missing"] == ["sanctions"]
    assert refusal(lambda: chats.chat_request(member_id=member.pk, to=facilitator.handle))
    # A facilitator promotes them now, or restricts them whatever they do.
    act("trust", handle="SlowFern", override="trusted")
    assert standing_of(member)["level"] == 1
    act("trust", handle="SlowFern", override="restricted")
    assert refusal(lambda: say(member, "example.com", "s10")).code == "no_links_yet"
    clock(days=15)
    assert standing_of(member)["level"] == 0
    act("trust", handle="SlowFern", override="auto")
    assert standing_of(member)["level"] == 1


def test_a_new_handle_sends_at_the_lower_rate(make_member, rooms, trust_on, settings):
    settings.NEW_MEMBER_MESSAGE_RATE_LIMIT = "2/10s"
    newcomer = make_member("QuickWren")
    say(newcomer, "one", "r1")
    say(newcomer, "two", "r2")
    refused = refusal(lambda: say(newcomer, "three", "r3"))
    assert refused.code == "rate_limited" and "New handles" in refused.detail


def test_a_new_handle_promoted_by_a_facilitator_can_link_at_once(
    make_member, facilitator, rooms, trust_on
):
    newcomer = make_member("EagerEgret")
    assert refusal(lambda: say(newcomer, "see example.com", "p1")).code == "no_links_yet"
    action_perform(
        actor_id=facilitator.pk,
        frame=action_parse(name="trust", fields={"handle": "EagerEgret", "override": "trusted"}),
    )
    assert say(newcomer, "see example.com", "p2").message.id
