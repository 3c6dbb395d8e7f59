"""Schedules and reminders: create a meeting, list what's coming, ask to be reminded.

Facilitators and admins create meetings; any member lists them and asks for a
reminder. Times go out as UTC ISO strings; pages show them in the member's own
time zone (the browser's), and each meeting also says its own local time.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import BadInput, NotFound
from core.frames import timestamp
from meetings import schedule
from meetings.models import (
    DuringRound,
    Format,
    Meeting,
    Recurrence,
    Reminder,
    Session,
    SessionState,
)
from meetings.sessions import meeting_summary
from moderation.checks import check_moderator, check_moderators_named
from rooms.access import check_member, check_topic_room

#: A meeting's schedule is its columns named as schedule.Rule's fields.
_RULE_FIELDS = tuple(f.name for f in fields(schedule.Rule))


def rule_of(meeting: Meeting) -> schedule.Rule:
    return schedule.Rule(**{name: getattr(meeting, name) for name in _RULE_FIELDS})


def meeting_data(meeting: Meeting) -> dict[str, Any]:
    """A meeting's schedule as the API carries it (hosts prefetched)."""
    return {
        "id": meeting.pk,
        **meeting_summary(meeting),
        "description": meeting.description,
        "room": {"slug": meeting.room.slug, "title": meeting.room.title},
        "time_zone": meeting.time_zone,
        "local_time": meeting.start_time.strftime("%H:%M"),
        "duration_minutes": meeting.duration_minutes,
        "recurrence": meeting.recurrence,
        "weekdays": [int(d) for d in meeting.weekdays],
        "ics": f"/meetings/{meeting.pk}.ics",
    }


# --- creating -------------------------------------------------------------------------


def _parse(kind: type, raw: Any, name: str) -> Any:
    """*raw* as a *kind* (a date or a time), from an ISO string if it isn't one yet."""
    if isinstance(raw, kind):
        return raw
    try:
        return kind.fromisoformat(raw)
    except (TypeError, ValueError):
        raise BadInput(
            _("'%(name)s' is not a valid value.") % {"name": name}, code="bad_field"
        ) from None


def _check_duration(minutes: Any) -> int:
    if not isinstance(minutes, int) or not 5 <= minutes <= schedule.MAX_DURATION_MINUTES:
        raise BadInput(_("A meeting lasts from 5 minutes to 24 hours."), code="bad_field")
    return minutes


def _check_recurrence(recurrence: str) -> str:
    if recurrence not in Recurrence.values:
        raise BadInput(_("Pick how often the meeting meets."), code="bad_field")
    return recurrence


def _check_weekdays(recurrence: str, weekdays: Any) -> str:
    """The days a weekly meeting meets, as "0".."6" (Monday first); "" for any other."""
    if recurrence != Recurrence.WEEKLY:
        return ""
    days = "".join(sorted({str(d) for d in (weekdays or []) if d in range(7)}))
    if not days:
        raise BadInput(_("Pick the days a weekly meeting meets."), code="bad_field")
    return days


@transaction.atomic
def meeting_create(
    *,
    actor_id: int,
    room_slug: str,
    title: str,
    hosts: list[str],
    starts_on: Any,
    start_time: Any,
    time_zone: str = "UTC",
    duration_minutes: int = 60,
    recurrence: str = Recurrence.ONCE,
    weekdays: Any = (),
    format: str = Format.OPEN_SHARE,
    description: str = "",
    opening: str = "",
    closing: str = "",
    during_round: str = DuringRound.WAIT,
) -> dict[str, Any]:
    actor = check_moderator(member_id=actor_id)
    room = check_topic_room(slug=room_slug)
    title = (title or "").strip()
    if not title or len(title) > 80 or format not in Format.values:
        raise BadInput(_("Give the meeting a title (up to 80 characters) and a format."))
    if during_round not in DuringRound.values:
        raise BadInput(_("Pick what happens to others' messages during the round."))
    rule = schedule.Rule(
        starts_on=_parse(date, starts_on, "date"),
        start_time=_parse(time, start_time, "time"),
        time_zone=schedule.check_time_zone(time_zone),
        duration_minutes=_check_duration(duration_minutes),
        recurrence=_check_recurrence(recurrence),
        weekdays=_check_weekdays(recurrence, weekdays),
    )
    meeting = Meeting.objects.create(
        room=room,
        title=title,
        description=(description or "")[:500],
        format=format,
        opening=opening or "",
        closing=closing or "",
        during_round=during_round,
        created_by=actor,
        **asdict(rule),
    )
    # Hosts run the room's controls (slow mode, pins), so they are facilitators or admins.
    refusal = BadInput(_("Hosts must be facilitators or admins, named by handle."), code="hosts")
    meeting.hosts.set(check_moderators_named(hosts, refusal=refusal))
    return meeting_data(meeting)


@transaction.atomic
def meeting_remove(*, actor_id: int, meeting_id: int) -> dict[str, Any]:
    check_moderator(member_id=actor_id)
    if not Meeting.objects.filter(pk=meeting_id, is_active=True).update(is_active=False):
        raise NotFound(_("There is no such meeting."))
    return {"removed": meeting_id}


# --- listing --------------------------------------------------------------------------


def _active(room_id: int | None = None):
    meetings = Meeting.objects.filter(is_active=True).select_related("room")
    if room_id is not None:
        meetings = meetings.filter(room_id=room_id)
    return meetings.prefetch_related("hosts")


def upcoming(
    *,
    now: datetime | None = None,
    days: int = 7,
    room_id: int | None = None,
    member_id: int | None = None,
) -> list[dict[str, Any]]:
    """Occurrences running now or starting within *days*, soonest first, with their state."""
    now = now or timezone.now()
    found = []
    for meeting in _active(room_id):
        for start in schedule.occurrences(
            rule_of(meeting), after=now, before=now + timedelta(days=days)
        ):
            found.append((start, meeting))
    found.sort(key=lambda pair: (pair[0], pair[1].pk))
    reminded = set()
    if member_id is not None:
        reminded = set(
            Reminder.objects.filter(member_id=member_id).values_list("meeting_id", flat=True)
        )
    states = {
        (s.meeting_id, s.starts_at): s.state
        for s in Session.objects.filter(
            meeting_id__in={m.pk for _s, m in found}, starts_at__in={s for s, _m in found}
        )
    }
    return [
        {
            **meeting_data(meeting),
            "starts_at": timestamp(start),
            "ends_at": timestamp(start + timedelta(minutes=meeting.duration_minutes)),
            "starts_in_minutes": max(0, round((start - now).total_seconds() / 60)),
            "state": states.get((meeting.pk, start), "scheduled"),
            "reminded": meeting.pk in reminded,
        }
        for start, meeting in found
    ]


def starting_soon(
    *, now: datetime | None = None, room_id: int | None = None
) -> list[dict[str, Any]]:
    """What starts within ``MEETINGS_SOON_MINUTES`` or is running (the home page's strip)."""
    now = now or timezone.now()
    soon = now + timedelta(minutes=settings.MEETINGS_SOON_MINUTES)
    return [
        o
        for o in upcoming(now=now, days=1, room_id=room_id)
        if datetime.fromisoformat(o["starts_at"]) <= soon
        and o["state"] not in (SessionState.ENDED, SessionState.CANCELLED)
    ]


def meetings_list(*, member_id: int, room_slug: str | None = None) -> dict[str, Any]:
    check_member(member_id=member_id)
    room_id = None
    if room_slug:
        room_id = check_topic_room(slug=room_slug).pk
    return {"meetings": upcoming(room_id=room_id, member_id=member_id)}


# --- reminders ------------------------------------------------------------------------


def reminder_set(*, member_id: int, meeting_id: int, on: bool) -> dict[str, Any]:
    """Ask (or stop asking) for a reminder before each occurrence of a meeting."""
    member = check_member(member_id=member_id)
    meeting = Meeting.objects.filter(pk=meeting_id, is_active=True).first()
    if meeting is None:
        raise NotFound(_("There is no such meeting."))
    if on:
        Reminder.objects.get_or_create(meeting=meeting, member=member)
    else:
        Reminder.objects.filter(meeting=meeting, member=member).delete()
    return {
        "meeting": meeting.pk,
        "reminded": on,
        "minutes_before": settings.MEETINGS_REMIND_MINUTES,
    }
