"""Times in a member's notices are in the time zone they saved (issue 22): the end
of a pause on posting, a check-in's time; the page tells the scripts the zone
(inbox and composer times, tests/js/times.test.js)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from community.models import InboxItem
from community.times import format_when, member_when
from moderation.models import Mute
from moderation.services import member_mute

pytestmark = [pytest.mark.django_db]

MOMENT = datetime(2026, 12, 7, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "words"),
    [
        ("Asia/Tokyo", "8 Dec 2026, 08:30 (Asia/Tokyo)"),
        ("America/Los_Angeles", "7 Dec 2026, 15:30 (America/Los_Angeles)"),
        ("Europe/Lisbon", "7 Dec 2026, 23:30 (Europe/Lisbon)"),
        ("", "7 Dec 2026, 23:30 UTC"),
        ("Not/A_Zone", "7 Dec 2026, 23:30 UTC"),
    ],
)
def test_a_time_is_written_in_the_zone_given(zone, words):
    assert format_when(MOMENT, time_zone=zone) == words


def test_every_notice_with_a_time_uses_the_members_zone(make_member, facilitator, rooms):
    tokyo = make_member("CalmHeron", time_zone="Asia/Tokyo")
    plain = make_member("QuietWren")
    assert member_when(MOMENT, member_id=tokyo.pk).endswith("(Asia/Tokyo)")
    assert member_when(MOMENT, member_id=plain.pk).endswith("UTC")
    member_mute(actor_id=facilitator.pk, handle="CalmHeron", minutes=90)
    text = InboxItem.objects.get(member=tokyo).text
    until = Mute.objects.get(member=tokyo).until.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"until {until.day} {until:%b %Y, %H:%M} (Asia/Tokyo)" in text
    assert "UTC" not in text


def test_a_checkin_notice_uses_the_members_zone(make_member, rooms):
    member = make_member("SlowRiver", time_zone="America/Los_Angeles")
    client = Client(enforce_csrf_checks=True)
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    client.get("/api/session/")
    at = timezone.now().replace(microsecond=0) + timedelta(hours=3)
    response = client.post(
        "/api/checkins/",
        data=json.dumps({"at": at.isoformat()}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert response.status_code in (200, 201), response.content
    text = InboxItem.objects.get(member=member).text
    local = at.astimezone(ZoneInfo("America/Los_Angeles"))
    assert f"{local:%H:%M} (America/Los_Angeles)" in text


def test_pages_tell_the_scripts_the_members_zone(make_member, rooms):
    member = make_member("NightHeron", time_zone="Europe/Lisbon")
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    for path in ("/chats/", "/me/", "/rooms/late-night/"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert b'data-time-zone="Europe/Lisbon"' in page.content, path
    other = make_member("NoZoneOwl")
    client.force_login(other, backend="django.contrib.auth.backends.ModelBackend")
    assert b"data-time-zone" not in client.get("/me/").content
