"""When a meeting meets: its occurrences, computed from a local time in its own time zone.

Pure functions, no database. A meeting is held at the same *local* time on
each of its days, so across a daylight-saving change its time in UTC moves by
the change. A local time that doesn't exist that day (02:30 when clocks go
forward) is read with the offset before the change, as RFC 5545 and the
calendar apps that import our ``.ics`` do (it becomes 03:30); a local time
that happens twice (clocks go back) is its first occurrence.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from core.errors import BadInput

#: Longest a meeting may run: one that starts late in the evening may cross midnight.
MAX_DURATION_MINUTES = 24 * 60


@dataclass(frozen=True)
class Rule:
    starts_on: date
    start_time: time
    time_zone: str
    duration_minutes: int
    recurrence: str  # "once" | "daily" | "weekly"
    weekdays: str = ""  # weekly: "0".."6", Monday first

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)


def check_time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput("Pick a time zone from the list.", code="bad_field") from None
    return name


def time_zone_names() -> list[str]:
    return sorted(available_timezones())


def _meets_on(rule: Rule, day: date) -> bool:
    if day < rule.starts_on:
        return False
    if rule.recurrence == "once":
        return day == rule.starts_on
    if rule.recurrence == "daily":
        return True
    return str(day.weekday()) in rule.weekdays


def start_on(rule: Rule, day: date) -> datetime:
    """The UTC start of the occurrence on local *day* (see the module's note on DST)."""
    local = datetime.combine(day, rule.start_time, tzinfo=rule.zone)  # fold=0
    return local.astimezone(UTC)


def occurrences(rule: Rule, *, after: datetime, before: datetime) -> Iterator[datetime]:
    """UTC starts of the occurrences still running at *after* or starting before *before*."""
    zone = rule.zone
    # A meeting that started the day before may still be running (it crosses midnight).
    first = max(rule.starts_on, (after - rule.duration).astimezone(zone).date() - timedelta(days=1))
    last = before.astimezone(zone).date() + timedelta(days=1)
    day = first
    while day <= last:
        if _meets_on(rule, day):
            start = start_on(rule, day)
            if start + rule.duration > after and start < before:
                yield start
        day += timedelta(days=1)


def next_occurrence(rule: Rule, *, now: datetime, horizon_days: int = 8) -> datetime | None:
    """The occurrence running at *now*, else the next one within *horizon_days*."""
    return next(occurrences(rule, after=now, before=now + timedelta(days=horizon_days)), None)
