"""Accountability partners: both consent, either ends it silently, three at most;
a partner sees the streak and today's level (never the note) and is nudged on a
hard day or after three missed days, with a word of support one tap away."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from community.models import InboxItem
from core.errors import BadInput, NotFound
from recovery import daily, partners
from recovery.models import Partnership
from rooms import services

pytestmark = [pytest.mark.django_db]


def inbox_texts(member) -> list[str]:
    return list(
        InboxItem.objects.filter(member=member).order_by("id").values_list("text", flat=True)
    )


@pytest.fixture
def pair(member, make_member):
    other = make_member("SteadyLark")
    asked = partners.partner_ask(member_id=member.pk, handle="SteadyLark")
    partners.partner_accept(member_id=other.pk, partnership_id=asked["id"])
    return other, asked["id"]


def test_both_consent_and_the_partner_sees_streak_and_level_never_the_note(member, make_member):
    other = make_member("SteadyLark")
    asked = partners.partner_ask(member_id=member.pk, handle="steadylark")
    assert asked["status"] == "asked"
    assert "asks you to be accountability partners" in inbox_texts(other)[-1]
    # Asked, not yet agreed: nothing is shared.
    assert partners.partner_list(member_id=member.pk)["partners"] == []
    with pytest.raises(NotFound):  # only the one asked can say yes
        partners.partner_accept(member_id=member.pk, partnership_id=asked["id"])
    partners.partner_accept(member_id=other.pk, partnership_id=asked["id"])
    assert "you are accountability partners now" in inbox_texts(member)[-1]

    daily.checkin_save(member_id=other.pk, level=4, note="private words")
    seen = partners.partner_list(member_id=member.pk)["partners"]
    assert seen == [
        {
            "id": asked["id"],
            "handle": "SteadyLark",
            "streak": 1,
            "today": {"level": 4, "word": "A good day"},
        }
    ]
    assert "private words" not in str(seen)


def test_either_can_end_it_silently(member, pair):
    other, pair_id = pair
    before = inbox_texts(member)
    partners.partner_end(member_id=other.pk, partnership_id=pair_id)
    assert inbox_texts(member) == before
    assert partners.partner_list(member_id=member.pk)["partners"] == []


def test_at_most_three_and_blocks_look_like_a_missing_handle(member, make_member, settings):
    for n in range(settings.PARTNERS_MAX):
        make_member(f"Friend{n}x")
        partners.partner_ask(member_id=member.pk, handle=f"Friend{n}x")
    make_member("OneMore")
    with pytest.raises(BadInput):
        partners.partner_ask(member_id=member.pk, handle="OneMore")
    make_member("Blocky")
    services.member_block(member_id=member.pk, handle="Blocky")
    blocky = make_member("Blocked2")
    services.member_block(member_id=blocky.pk, handle=member.handle)
    with pytest.raises(NotFound):
        partners.partner_ask(member_id=blocky.pk, handle=member.handle)


def test_a_hard_day_nudges_the_partner_once_with_support_one_tap_away(member, pair):
    other, pair_id = pair
    daily.checkin_save(member_id=other.pk, level=1)
    daily.checkin_save(member_id=other.pk, level=2)
    nudges = InboxItem.objects.filter(member=member, text__contains="hard day")
    assert [n.text for n in nudges] == [
        "SteadyLark is having a hard day. A word from you could help."
    ]
    assert nudges[0].url == f"/recovery/?support={pair_id}"
    partners.partner_support(member_id=member.pk, partnership_id=pair_id)
    assert "sends a word of support" in inbox_texts(other)[-1]


def test_three_missed_days_nudge_once(member, pair):
    other, _pair_id = pair
    start = datetime(2026, 6, 1, 12, tzinfo=UTC)
    daily.checkin_save(member_id=other.pk, level=4, now=start)
    daily.checkin_save(member_id=member.pk, level=4, now=start + timedelta(days=3))
    assert partners.nudge_missed(now=start + timedelta(days=2)) == 0
    assert partners.nudge_missed(now=start + timedelta(days=3)) == 1
    assert partners.nudge_missed(now=start + timedelta(days=4)) == 0  # once per silence
    assert "hasn't checked in for a few days" in inbox_texts(member)[-1]
    assert Partnership.objects.count() == 1
