"""Meeting occurrences across time zones and daylight-saving changes, and the .ics
parsed back with the icalendar library (meetings/schedule.py, meetings/calendar_ics.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from meetings import schedule
from meetings.schedule import Rule
from meetings.services import rule_of as schedule_rule


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def starts(rule: Rule, after: datetime, before: datetime) -> list[datetime]:
    return list(schedule.occurrences(rule, after=after, before=before))


def test_a_weekly_meeting_keeps_its_local_time_across_the_spring_change_in_london():
    # 19:00 London on Saturdays: 19:00 UTC in winter, 18:00 UTC once clocks go forward
    # (Sunday 29 March 2026).
    rule = Rule(date(2026, 3, 21), time(19), "Europe/London", 60, "weekly", "5")
    assert starts(rule, utc(2026, 3, 20), utc(2026, 4, 5)) == [
        utc(2026, 3, 21, 19),
        utc(2026, 3, 28, 19),
        utc(2026, 4, 4, 18),
    ]


def test_a_daily_meeting_moves_in_utc_when_new_york_falls_back():
    # Clocks go back on Sunday 1 November 2026: 20:00 EDT is 00:00 UTC, 20:00 EST 01:00 UTC.
    rule = Rule(date(2026, 10, 1), time(20), "America/New_York", 45, "daily")
    found = starts(rule, utc(2026, 10, 31, 12), utc(2026, 11, 2, 12))
    assert found == [utc(2026, 11, 1, 0), utc(2026, 11, 2, 1)]


def test_a_local_time_skipped_by_the_spring_change_is_read_with_the_earlier_offset():
    # 02:30 doesn't exist in New York on 8 March 2026: it becomes 03:30 EDT (07:30 UTC),
    # as RFC 5545 says and phones do.
    rule = Rule(date(2026, 3, 7), time(2, 30), "America/New_York", 30, "daily")
    found = starts(rule, utc(2026, 3, 7), utc(2026, 3, 10))
    assert found == [utc(2026, 3, 7, 7, 30), utc(2026, 3, 8, 7, 30), utc(2026, 3, 9, 6, 30)]
    assert found[1].astimezone(ZoneInfo("America/New_York")).hour == 3


def test_a_local_time_that_happens_twice_is_its_first_occurrence():
    rule = Rule(date(2026, 11, 1), time(1, 30), "America/New_York", 30, "once")
    assert starts(rule, utc(2026, 10, 31), utc(2026, 11, 3)) == [utc(2026, 11, 1, 5, 30)]


def test_a_meeting_that_crosses_midnight_is_running_the_next_morning():
    # 23:30 Tokyo for 90 minutes: still running at 00:30 the next day, local time.
    rule = Rule(date(2026, 12, 1), time(23, 30), "Asia/Tokyo", 90, "daily")
    next_morning = datetime(2026, 12, 8, 0, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    running = schedule.next_occurrence(rule, now=next_morning)
    assert running == datetime(2026, 12, 7, 23, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    # One hour later it has ended: the next is that evening.
    later = schedule.next_occurrence(rule, now=next_morning + timedelta(hours=1))
    assert later == datetime(2026, 12, 8, 23, 30, tzinfo=ZoneInfo("Asia/Tokyo"))


def test_a_weekly_meeting_meets_on_its_days_only_and_not_before_its_first_date():
    rule = Rule(date(2026, 12, 9), time(12), "UTC", 60, "weekly", "02")  # Mon, Wed
    found = starts(rule, utc(2026, 12, 1), utc(2026, 12, 20))
    assert [d.strftime("%a %d") for d in found] == ["Wed 09", "Mon 14", "Wed 16"]


def test_an_unknown_time_zone_is_refused():
    from core.errors import BadInput

    with pytest.raises(BadInput):
        schedule.check_time_zone("Mars/Olympus_Mons")


# --- the .ics ---------------------------------------------------------------------------


@pytest.fixture
def weekly(rooms, make_member):
    from community.models import Role
    from meetings.models import Meeting
    from meetings.services import meeting_create

    host = make_member("EveningHost", role=Role.FACILITATOR)
    made = meeting_create(
        actor_id=host.pk,
        room_slug="alcohol",
        title="Evening check-in",
        hosts=["EveningHost"],
        starts_on="2026-03-21",
        start_time="19:00",
        time_zone="Europe/London",
        duration_minutes=60,
        recurrence="weekly",
        weekdays=[5, 2],
        format="check_in",
    )
    return Meeting.objects.get(pk=made["id"])


@pytest.mark.django_db
def test_the_ics_parses_back_with_the_library_and_gives_the_right_times(weekly, client):
    response = client.get(f"/meetings/{weekly.pk}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    (event,) = cal.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Evening check-in (Alcohol)"
    start = event.decoded("DTSTART")
    assert start == datetime(2026, 3, 21, 19, tzinfo=ZoneInfo("Europe/London"))
    assert start.astimezone(UTC) == utc(2026, 3, 21, 19)
    assert event.decoded("DURATION") == timedelta(hours=1)
    rrule = event["RRULE"]
    assert rrule["FREQ"] == ["WEEKLY"] and sorted(rrule["BYDAY"]) == ["SA", "WE"]
    # The calendar carries the VTIMEZONE a phone needs for the summer-time change.
    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/London"
    # Expanded as a calendar app does (RRULE over the local DTSTART), the occurrences
    # are the ones Kindred computes: 18:00 UTC once the clocks have gone forward.
    expanded = rrulestr(rrule.to_ical().decode(), dtstart=start)
    imported = [
        d.astimezone(UTC) for d in expanded.between(start, start + timedelta(days=15), inc=True)
    ]
    assert imported == starts(schedule_rule(weekly), utc(2026, 3, 21), utc(2026, 4, 5))
    assert imported[-1] == utc(2026, 4, 4, 18)
    assert "/rooms/alcohol/" in str(event["URL"])


@pytest.mark.django_db
def test_the_whole_calendar_has_every_active_meeting(weekly, client):
    from meetings.models import Meeting

    other = Meeting.objects.create(
        room=weekly.room,
        title="Late share",
        starts_on=date(2026, 12, 1),
        start_time=time(23, 30),
        time_zone="Asia/Tokyo",
        duration_minutes=90,
        recurrence="daily",
    )
    Meeting.objects.create(
        room=weekly.room,
        title="Gone",
        starts_on=date(2026, 12, 1),
        start_time=time(9),
        is_active=False,
    )
    cal = Calendar.from_ical(client.get("/meetings/calendar.ics").content)
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Evening check-in (Alcohol)", "Late share (Alcohol)"}
    late = events["Late share (Alcohol)"]
    assert late.decoded("DTSTART").astimezone(UTC) == utc(2026, 12, 1, 14, 30)
    assert late["RRULE"]["FREQ"] == ["DAILY"]
    assert other.pk
    assert client.get("/meetings/999999.ics").status_code == 404
