"""Issue 23: a new handle's first messages in a room marked sensitive wait for a
facilitator's quick look. Only in sensitive rooms, only at trust level 0, only
until FIRST_POSTS_HELD of theirs have been shown; a facilitator releases or
removes them; a crisis message is never held by it (the card and the alert go at
once); one nobody looks at goes to the room by itself, sooner when nobody is on
duty. Time is controlled by moving the clock Django reads."""

from __future__ import annotations

import pytest

from core.errors import KindredError
from moderation.actions import action_parse, action_perform
from moderation.first_posts import release_due
from moderation.models import AuditEntry, ItemKind, QueueItem
from moderation.trust import standing_of
from realtime.periodic import periodic_duties
from rooms.models import Message
from rooms.selectors import page_after
from rooms.services import message_send, room_welcome
from tests.test_admin import admin_member, admin_site, room_form  # noqa: F401  (fixtures)
from tests.test_crisis_followup import on_duty
from tests.test_crisis_handoff import CRISIS
from tests.test_trust import clock  # noqa: F401  (fixture)

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def first_posts(settings, trust_on):
    settings.FIRST_POSTS_HELD = 2
    settings.FIRST_POST_WAIT_SECONDS = 600
    settings.FIRST_POST_UNWATCHED_SECONDS = 120


def say(member, body: str, slug: str = "mental-health"):
    return message_send(member_id=member.pk, room_slug=slug, body=body, nonce=body[:60])


def others_see(reader, slug: str = "mental-health") -> list[str]:
    """What another member's room shows: the welcome's history."""
    welcome = room_welcome(member_id=reader.pk, room_slug=slug)
    return [m.html for m in welcome.history]


def act(actor, name: str, **fields):
    return action_perform(actor_id=actor.pk, frame=action_parse(name=name, fields=fields))


def item_of(message_id: int) -> QueueItem:
    return QueueItem.objects.select_related("subject").get(message_id=message_id)


def test_the_seed_marks_mental_health_and_late_night_rooms_sensitive_in_both_languages(rooms):
    sensitive = {slug for slug, room in rooms.items() if room.sensitive}
    assert sensitive == {"mental-health", "late-night", "salud-mental", "de-madrugada"}


def test_an_admin_marks_a_room_sensitive_and_new_handles_posts_there_wait(
    make_member,
    admin_site,  # noqa: F811
    rooms,
    first_posts,
):
    room = rooms["alcohol"]
    url = f"/admin/rooms/room/{room.pk}/change/"
    assert 'name="sensitive"' in admin_site.get(url).content.decode()
    newcomer = make_member("FreshStart")
    assert not say(newcomer, "day one for me", slug="alcohol").held
    assert admin_site.post(url, room_form(room, sensitive="on")).status_code == 302
    assert say(newcomer, "day two, still here", slug="alcohol").held


def test_a_new_handles_post_waits_in_a_sensitive_room_only_and_only_its_author_sees_it(
    make_member, rooms, first_posts
):
    newcomer, reader = make_member("NewWren"), make_member("ReadsAlong")
    assert not say(newcomer, "hello all", slug="newcomers").held
    sent = say(newcomer, "first time talking about my anxiety")
    assert sent.held and sent.message.frame()["held"] is True
    assert sent.crisis is None

    assert "first time talking about my anxiety" not in " ".join(others_see(reader))
    welcome = room_welcome(member_id=newcomer.pk, room_slug="mental-health")
    assert [(m.id, m.held) for m in welcome.history] == [(sent.message.id, True)]
    # The welcome tells them before they post; not in other rooms, nor anyone else.
    assert welcome.you["first_posts_wait"] is True
    assert "first_posts_wait" not in room_welcome(member_id=newcomer.pk, room_slug="newcomers").you
    assert "first_posts_wait" not in room_welcome(member_id=reader.pk, room_slug="alcohol").you

    item = item_of(sent.message.id)
    assert item.kind == ItemKind.FIRST_POST and item.subject == newcomer
    assert item.room.slug == "mental-health" and item.state == "open"
    # A Spanish sensitive room holds the same way.
    assert say(newcomer, "hola, es mi primera vez aquí", slug="salud-mental").held


def test_level_one_members_and_facilitators_are_never_held(
    make_member,
    facilitator,
    rooms,
    first_posts,
    clock,  # noqa: F811
):
    settled = make_member("SettledOak")
    for n in range(3):
        say(settled, f"settling in {n}", slug="newcomers")
    clock(hours=25)
    assert standing_of(settled)["level"] == 1
    assert not say(settled, "rough night, glad this room exists").held
    assert not say(facilitator, "Welcome, everyone.").held

    promoted = make_member("PromotedFern")
    act(facilitator, "trust", handle="PromotedFern", override="trusted")
    assert not say(promoted, "promoted and posting").held


def test_only_until_n_of_their_messages_have_been_shown_and_removed_ones_dont_count(
    make_member, facilitator, rooms, first_posts
):
    newcomer = make_member("CarefulMoth")
    first = say(newcomer, "one")
    removed = say(newcomer, "two")
    assert first.held and removed.held
    act(facilitator, "release_message", message=first.message.id)
    act(facilitator, "remove_message", message=removed.message.id, reason="not for this room")
    # One shown (the removed one doesn't count): the next still waits, in another
    # sensitive room too.
    second = say(newcomer, "three", slug="late-night")
    assert second.held
    act(facilitator, "release_message", message=second.message.id)
    assert not say(newcomer, "four").held


def test_a_release_delivers_it_in_its_place_and_closes_the_item_a_removal_keeps_it_out(
    make_member, facilitator, rooms, first_posts
):
    newcomer, reader = make_member("QuietHeron"), make_member("ReaderLark")
    held = say(newcomer, "I have been struggling to sleep")
    later = say(reader, "anyone else up?")
    item = item_of(held.message.id)
    done = act(facilitator, "release_message", message=held.message.id, item=item.pk)
    assert done == {"type": "done", "action": "release_message", "message": held.message.id}

    _, shown, _ = page_after(room_id=rooms["mental-health"].pk, after=0, viewer_id=reader.pk)
    assert [m.id for m in shown] == [held.message.id, later.message.id]
    item.refresh_from_db()
    assert (item.state, item.resolution) == ("resolved", "released")
    assert AuditEntry.objects.filter(
        action="release_message", actor_handle=facilitator.handle, message_id=held.message.id
    ).exists()
    with pytest.raises(KindredError) as again:
        act(facilitator, "release_message", message=held.message.id)
    assert again.value.code == "not_held"

    unwanted = say(newcomer, "selling something, dm me")
    act(facilitator, "remove_message", message=unwanted.message.id, reason="selling")
    assert "selling" not in " ".join(others_see(reader))
    assert Message.objects.get(pk=unwanted.message.id).removed_at is not None
    # Released later by the clock? Never: a removed message stays out.
    assert release_due() == 0


def test_a_crisis_message_is_never_held_as_a_first_post(make_member, rooms, first_posts):
    newcomer, reader = make_member("HurtingFinch"), make_member("NightReader")
    sent = say(newcomer, CRISIS)
    # The card comes with the ack and the facilitators' alert is filed at once;
    # the room (not holding crisis messages) shows it, as for anyone else.
    assert not sent.held
    assert sent.crisis is not None and sent.crisis["type"] == "crisis"
    item = item_of(sent.message.id)
    assert item.kind == ItemKind.CRISIS
    assert not QueueItem.objects.filter(kind=ItemKind.FIRST_POST).exists()
    assert any("kill myself" in html for html in others_see(reader))


def test_a_first_post_nobody_looks_at_goes_by_itself_sooner_when_nobody_is_on_duty(
    make_member,
    facilitator,
    rooms,
    first_posts,
    clock,  # noqa: F811
):
    newcomer, reader = make_member("LateOwl"), make_member("AwakeReader")
    unwatched = say(newcomer, "cannot sleep again")
    clock(seconds=119)
    assert release_due() == 0
    clock(seconds=2)
    assert release_due() == 1
    assert "cannot sleep again" in " ".join(others_see(reader))
    entry = AuditEntry.objects.get(action="auto_release", message_id=unwatched.message.id)
    assert entry.actor_handle == "" and entry.details == {"waited_seconds": 120}
    assert item_of(unwatched.message.id).resolution == "released"

    # With a facilitator on duty, it waits for their look longer.
    on_duty(facilitator.pk)
    watched = say(newcomer, "still here")
    clock(seconds=121)
    assert release_due() == 0
    assert "still here" not in " ".join(others_see(reader))
    clock(seconds=480)
    # Every process's heartbeat runs it (moderation's AppConfig registers the duty).
    periodic_duties({})
    assert not Message.objects.get(pk=watched.message.id).held
