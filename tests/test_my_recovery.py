"""My recovery: day counts in the member's own time zone (across daylight-saving
changes), slips met gently, milestones offered on the right day, the daily
check-in, export and erasure. Time is passed as ``now``, never waited for."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from recovery import daily, journeys
from recovery.days import days_between, local_today, milestones_reached, streak
from recovery.models import CheckIn, Journey
from rooms.models import Message

pytestmark = [pytest.mark.django_db]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- pure day arithmetic -------------------------------------------------------------


def test_today_is_the_members_calendar_date_not_utcs():
    moment = at("2026-03-10T03:30:00")  # 23:30 the day before in New York
    assert local_today(time_zone="America/New_York", now=moment) == date(2026, 3, 9)
    assert local_today(time_zone="Asia/Tokyo", now=moment) == date(2026, 3, 10)
    assert local_today(time_zone="", now=moment) == date(2026, 3, 10)
    assert local_today(time_zone="Not/AZone", now=moment) == date(2026, 3, 10)


@pytest.mark.parametrize(
    ("zone", "before", "after"),
    [
        # 00:01 local on the day the clocks change, then 00:01 local the next
        # day: 23 hours later (clocks forward) or 25 (clocks back).
        ("America/New_York", "2026-03-08T05:01:00", "2026-03-09T04:01:00"),
        ("America/New_York", "2026-11-01T04:01:00", "2026-11-02T05:01:00"),
        ("Europe/London", "2026-03-29T00:01:00", "2026-03-29T23:01:00"),
        ("Australia/Sydney", "2026-04-04T13:01:00", "2026-04-05T14:01:00"),
    ],
)
def test_a_daylight_saving_day_still_counts_as_exactly_one_day(zone, before, after):
    start = local_today(time_zone=zone, now=at(before))
    next_day = local_today(time_zone=zone, now=at(after))
    assert days_between(start, next_day) == 1
    # Two minutes earlier it was still the start day, however many hours had passed.
    assert local_today(time_zone=zone, now=at(after) - timedelta(minutes=2)) == start


def test_the_count_moves_at_the_members_midnight_not_at_24_hours_elapsed():
    start = date(2026, 3, 8)  # DST starts in New York that night
    just_before = at("2026-03-09T03:59:00")  # 23:59 EDT on the 8th
    just_after = at("2026-03-09T04:01:00")  # 00:01 on the 9th, 23 hours after midnight
    zone = "America/New_York"
    assert days_between(start, local_today(time_zone=zone, now=just_before)) == 0
    assert days_between(start, local_today(time_zone=zone, now=just_after)) == 1


def test_milestones_days_then_every_year_and_a_leap_day_start():
    start = date(2024, 2, 29)
    keys = [key for key, _n, _on in milestones_reached(start, date(2026, 3, 1))]
    assert keys == ["d1", "d7", "d30", "d60", "d90", "d180", "y1", "y2"]
    assert milestones_reached(start, date(2025, 2, 27))[-1][0] == "d180"
    assert milestones_reached(start, date(2025, 2, 28))[-1][0] == "y1"


def test_streak_counts_consecutive_days_to_today_or_yesterday():
    today = date(2026, 5, 10)
    days = [date(2026, 5, d) for d in (6, 8, 9)]
    assert streak(days, today) == 2  # 8th and 9th: not yet checked in today
    assert streak([*days, today], today) == 3
    assert streak([date(2026, 5, 7)], today) == 0


# --- services ------------------------------------------------------------------------


def test_a_slip_restarts_gently_and_keeps_the_total(member):
    member.time_zone = "America/Los_Angeles"
    member.save()
    added = journeys.journey_add(
        member_id=member.pk, label="alcohol", started_on="2026-01-01", now=at("2026-01-11T20:00")
    )
    assert (added["days"], added["total_days"], added["came_back"]) == (10, 10, 0)
    assert added["note"] is None

    # 07:00 UTC on the 21st is still the 20th in Los Angeles.
    slipped = journeys.journey_slip(
        member_id=member.pk, journey_id=added["id"], now=at("2026-01-21T07:00")
    )
    assert slipped["started_on"] == "2026-01-20"
    assert (slipped["days"], slipped["total_days"], slipped["came_back"]) == (0, 19, 1)
    assert slipped["note"] == "Day 1 again. You came back, and that counts."

    # A second tap the same day counts nothing twice.
    again = journeys.journey_slip(
        member_id=member.pk, journey_id=added["id"], now=at("2026-01-21T07:30")
    )
    assert (again["total_days"], again["came_back"]) == (19, 1)

    later = journeys.journey_list(member_id=member.pk, now=at("2026-01-25T20:00"))["journeys"][0]
    assert (later["days"], later["total_days"], later["came_back"], later["note"]) == (
        5,
        24,
        1,
        None,
    )


def test_a_start_date_in_the_future_or_not_a_date_is_refused(member):
    from core.errors import BadInput

    with pytest.raises(BadInput):
        journeys.journey_add(
            member_id=member.pk,
            label="gambling",
            started_on="2026-02-02",
            now=at("2026-02-01T12:00"),
        )
    with pytest.raises(BadInput):
        journeys.journey_add(member_id=member.pk, label="gambling", started_on="last week")


def test_the_milestone_is_offered_on_its_day_once_and_shared_without_the_date(member, rooms):
    j = journeys.journey_add(
        member_id=member.pk, label="alcohol", started_on="2026-01-01", now=at("2026-01-02T12:00")
    )
    assert j["milestone"]["key"] == "d1"
    journeys.milestone_dismiss(
        member_id=member.pk, journey_id=j["id"], key="d1", now=at("2026-01-02T12:00")
    )
    day6 = journeys.journey_list(member_id=member.pk, now=at("2026-01-07T12:00"))["journeys"][0]
    assert day6["milestone"] is None
    day7 = journeys.journey_list(member_id=member.pk, now=at("2026-01-08T12:00"))["journeys"][0]
    assert day7["milestone"] == {"key": "d7", "text": "Day 7 free from alcohol"}

    shared = journeys.milestone_share(
        member_id=member.pk, journey_id=j["id"], key="d7", now=at("2026-01-08T12:00")
    )
    message = Message.objects.get(pk=shared["message"])
    assert (message.room.slug, message.kind, message.body) == (
        "milestones",
        "milestone",
        "Day 7 free from alcohol",
    )
    assert "2026" not in message.body
    after = journeys.journey_list(member_id=member.pk, now=at("2026-01-08T13:00"))["journeys"][0]
    assert after["milestone"] is None


def test_checkin_hard_day_offers_help_and_the_prompt_turns_off_after_three_dismissals(member):
    result = daily.checkin_save(
        member_id=member.pk, level=2, note="rough", now=at("2026-04-01T10:00")
    )
    assert result["hard"] is True
    assert [link["url"] for link in result["help"]] == [
        "/dropin/",
        "/rooms/late-night/",
        "/resources/",
    ]
    assert result["crisis"] is None
    good = daily.checkin_save(member_id=member.pk, level=5, now=at("2026-04-02T10:00"))
    assert (good["hard"], good["help"]) == (False, [])
    assert CheckIn.objects.filter(member=member).count() == 2

    for day in (3, 4, 5):
        status = daily.checkin_status(member_id=member.pk, now=at(f"2026-04-0{day}T09:00"))
        assert status["due"] is True
        daily.checkin_dismiss(member_id=member.pk, now=at(f"2026-04-0{day}T09:00"))
        assert (
            daily.checkin_status(member_id=member.pk, now=at(f"2026-04-0{day}T10:00"))["due"]
            is False
        )
    assert daily.checkin_status(member_id=member.pk, now=at("2026-04-07T09:00"))["prompt"] is False


def test_a_checkin_note_in_crisis_goes_through_the_crisis_hand_off(member, rooms):
    from moderation.models import ItemKind, QueueItem

    result = daily.checkin_save(
        member_id=member.pk, level=1, support="I want to kill myself tonight"
    )
    assert result["crisis"] is not None and result["crisis"]["type"] == "crisis"
    item = QueueItem.objects.get(subject=member, kind=ItemKind.CRISIS)
    assert item.room is None


def test_export_is_json_of_everything_and_erasure_removes_it(member, member_client):
    journeys.journey_add(member_id=member.pk, label="opioids", started_on="2025-12-01")
    daily.checkin_save(member_id=member.pk, level=3, note="steady")
    response = member_client.get("/api/recovery/export/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["recovering_from"][0]["label"] == "opioids"
    assert data["checkins"][0]["note"] == "steady"

    from recovery.privacy import erase_recovery

    assert erase_recovery(member=member)["recovery_entries"] == 1
    assert not Journey.objects.filter(member=member).exists()
    assert not CheckIn.objects.filter(member=member).exists()


def test_nobody_else_can_touch_your_entries(member, make_member):
    from core.errors import NotFound

    mine = journeys.journey_add(member_id=member.pk, label="alcohol", started_on="2026-01-01")
    other = make_member("CuriousFinch")
    with pytest.raises(NotFound):
        journeys.journey_slip(member_id=other.pk, journey_id=mine["id"])
    assert journeys.journey_list(member_id=other.pk)["journeys"] == []


def test_the_page_and_the_api_over_http(member, member_client):
    member_client.get("/recovery/")
    token = member_client.cookies["csrftoken"].value
    made = member_client.post(
        "/api/recovery/",
        data=json.dumps({"label": "gambling", "started_on": "2025-01-01"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert made.status_code == 201, made.content
    page = member_client.get("/recovery/")
    assert page.status_code == 200
    assert b"gambling" in page.content
