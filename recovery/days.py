"""Day arithmetic in the member's own time zone: pure functions, no database.

"Today" is the calendar date where the member is (``Member.time_zone``, UTC when
they chose none), so a day count moves at their midnight, and a daylight-saving
change (a 23- or 25-hour day) is still one day: the counts are differences of
calendar dates, never of elapsed hours.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

#: Milestones in days; after a year, every anniversary (see :func:`milestones_reached`).
MILESTONE_DAYS = (1, 7, 30, 60, 90, 180)


def zone_of(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_today(*, time_zone: str | None, now: datetime | None = None) -> date:
    """The member's calendar date at *now* (aware; default: the current time)."""
    return (now or timezone.now()).astimezone(zone_of(time_zone)).date()


def days_between(start: date, today: date) -> int:
    """Whole days from *start* to *today* (0 on the start day; never negative)."""
    return max(0, (today - start).days)


def anniversary(start: date, years: int) -> date:
    """*start* plus *years*; a 29 February start has its anniversary on 28 February."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def milestones_reached(start: date, today: date) -> list[tuple[str, int, date]]:
    """Every milestone of a stretch from *start* reached by *today*, oldest first:
    ``(key, number, day reached)`` with keys "d7" (days) and "y2" (years)."""
    reached = []
    for days in MILESTONE_DAYS:
        on = date.fromordinal(start.toordinal() + days)
        if on <= today:
            reached.append((f"d{days}", days, on))
    years = 1
    while (on := anniversary(start, years)) <= today:
        reached.append((f"y{years}", years, on))
        years += 1
    return reached


def streak(days: list[date], today: date) -> int:
    """Consecutive days ending today (or yesterday, when today has no entry yet)."""
    have = set(days)
    day = today.toordinal() if today in have else today.toordinal() - 1
    count = 0
    while date.fromordinal(day) in have:
        count += 1
        day -= 1
    return count
