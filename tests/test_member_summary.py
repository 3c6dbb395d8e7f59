"""What a facilitator sees of the member a queue item is about, read in one
row: a mute or ban that follows the member's browser shows on a new handle
from that browser, lifted and old sanctions drop off the ladder, and the trust
level says what is still missing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import BannedDevice
from moderation.models import Mute, Sanction, Standing, TrustOverride
from moderation.sanctions import member_summary

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def trust_settings(trust_on, settings):
    settings.SANCTION_LADDER_DAYS = 30


def test_a_new_handle_from_a_muted_or_banned_browser_shows_it(make_member, trust_settings):
    first = make_member("FirstFern", device_hash="b" * 64)
    again = make_member("AgainFern", device_hash="b" * 64)
    stranger = make_member("OtherOwl", device_hash="c" * 64)
    assert member_summary(again)["muted_until"] is None
    assert member_summary(again)["banned"] is False

    until = timezone.now() + timedelta(hours=1)
    Mute.objects.create(member=first, until=until, device_hash="b" * 64)
    Mute.objects.create(member=first, until=until - timedelta(hours=3), device_hash="b" * 64)
    assert member_summary(again)["muted_until"] == member_summary(first)["muted_until"]
    assert member_summary(again)["muted_until"] is not None
    assert member_summary(stranger)["muted_until"] is None

    BannedDevice.objects.create(token_hash="b" * 64, member=first)
    assert member_summary(again)["banned"] is True
    assert member_summary(stranger)["banned"] is False


def test_the_ladder_counts_only_recent_sanctions_still_standing(make_member, trust_settings):
    member = make_member("LadderLark")
    assert member_summary(member)["next_step"] == "warn"
    Sanction.objects.create(member=member, kind="warn")
    assert member_summary(member)["next_step"] == "mute_1h"
    lifted = Sanction.objects.create(member=member, kind="mute", minutes=60)
    assert member_summary(member)["next_step"] == "mute_24h"
    lifted.lifted_at = timezone.now()
    lifted.save()
    old = Sanction.objects.create(member=member, kind="mute", minutes=60)
    Sanction.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    summary = member_summary(member)
    assert summary["next_step"] == "mute_1h"
    assert [s["kind"] for s in summary["sanctions"]] == ["mute", "warn", "mute"]
    assert summary["missing"] == ["time", "messages", "sanctions"]


def test_the_level_and_override_read_with_the_summary(make_member, trust_settings):
    member = make_member("SteadyStork")
    Standing.objects.create(member=member, override=TrustOverride.TRUSTED)
    summary = member_summary(member)
    assert (summary["level"], summary["level_name"], summary["override"]) == (
        1,
        "member",
        "trusted",
    )
    Standing.objects.filter(member=member).update(override=TrustOverride.RESTRICTED)
    assert member_summary(member)["level"] == 0
    assert member_summary(None) is None
