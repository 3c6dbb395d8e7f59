"""Meetings as iCalendar (RFC 5545), with the ``icalendar`` library: one or all.

Each meeting is one VEVENT at its local start time in its own time zone (with
the VTIMEZONE a calendar needs), repeated by an RRULE, so a phone's calendar
keeps it at the same local time across daylight-saving changes, as Kindred does
(meetings.schedule).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar, Event, vRecur

from meetings.models import Format, Meeting, Recurrence

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _event(meeting: Meeting, *, site: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{site}")
    event.add("dtstamp", stamp)
    event.add("summary", f"{meeting.title} ({meeting.room.title})")
    description = meeting.description or str(Format(meeting.format).label)
    event.add("description", f"{description}\n\nhttps://{site}/rooms/{meeting.room.slug}/")
    event.add("url", f"https://{site}/rooms/{meeting.room.slug}/")
    start = datetime.combine(meeting.starts_on, meeting.start_time, tzinfo=meeting_zone(meeting))
    event.add("dtstart", start)
    event.add("duration", timedelta(minutes=meeting.duration_minutes))
    if meeting.recurrence == Recurrence.DAILY:
        event.add("rrule", vRecur(freq="DAILY"))
    elif meeting.recurrence == Recurrence.WEEKLY:
        event.add("rrule", vRecur(freq="WEEKLY", byday=[DAYS[int(d)] for d in meeting.weekdays]))
    return event


def meeting_zone(meeting: Meeting) -> ZoneInfo:
    return ZoneInfo(meeting.time_zone)


def calendar_ics(meetings: Iterable[Meeting], *, site: str, name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Kindred//Meetings//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    stamp = timezone.now()
    for meeting in meetings:
        cal.add_component(_event(meeting, site=site, stamp=stamp))
    cal.add_missing_timezones()
    return cal.to_ical()
