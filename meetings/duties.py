"""The heartbeat's meeting duty: open each occurrence, remind, mark late, cancel.

Safe in several processes at once: sessions are created under a unique
constraint, reminders and alerts are inbox items with a key (added once), and
each state change is a conditional update only one process wins.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.inbox import inbox_add
from community.models import InboxKind
from meetings import schedule
from meetings.mode import close_session
from meetings.models import Meeting, Reminder, Session, SessionState
from meetings.services import rule_of
from meetings.sessions import announce, log_event
from moderation.checks import moderators

logger = logging.getLogger("kindred.meetings")


def meetings_due(now: datetime | None = None) -> None:
    now = now or timezone.now()
    # A reminder is due from exactly MEETINGS_REMIND_MINUTES before the start.
    lead = timedelta(minutes=settings.MEETINGS_REMIND_MINUTES, microseconds=1)
    meetings = Meeting.objects.filter(is_active=True).select_related("room")
    for meeting in meetings:
        for start in schedule.occurrences(rule_of(meeting), after=now, before=now + lead):
            if start > now:
                _remind(meeting, start, now)
            else:
                _open(meeting, start)
    _late_and_cancelled(now)
    _overrun(now)


def _remind(meeting: Meeting, start: datetime, now: datetime) -> None:
    minutes = max(1, round((start - now).total_seconds() / 60))
    text = _("Starting in %(minutes)s min: %(title)s, %(room)s") % {
        "minutes": minutes,
        "title": meeting.title,
        "room": meeting.room.title,
    }
    key = f"meeting:{meeting.pk}:{start.isoformat()}"
    for member_id in Reminder.objects.filter(meeting=meeting).values_list("member_id", flat=True):
        with transaction.atomic():
            inbox_add(
                member_id=member_id,
                kind=InboxKind.NOTICE,
                text=text,
                url=f"/rooms/{meeting.room.slug}/",
                key=key,
            )


def _open(meeting: Meeting, start: datetime) -> None:
    if Session.objects.filter(meeting=meeting, starts_at=start).exists():
        return
    try:
        with transaction.atomic():
            session = Session.objects.create(
                meeting=meeting,
                room=meeting.room,
                starts_at=start,
                ends_at=start + timedelta(minutes=meeting.duration_minutes),
                state=SessionState.WAITING,
            )
            announce(session)
    except IntegrityError:
        return  # another process opened it


def _on_duty_facilitators() -> list[int]:
    return list(moderators().filter(on_duty=True).values_list("pk", flat=True))


def _late_and_cancelled(now: datetime) -> None:
    late = now - timedelta(minutes=settings.MEETINGS_HOST_LATE_MINUTES)
    cancel = now - timedelta(minutes=settings.MEETINGS_CANCEL_MINUTES)
    waiting = Session.objects.select_related("meeting", "room")
    for session in waiting.filter(state=SessionState.WAITING, starts_at__lte=late):
        with transaction.atomic():
            if not Session.objects.filter(pk=session.pk, state=SessionState.WAITING).update(
                state=SessionState.LATE
            ):
                continue
            session.state = SessionState.LATE
            log_event(session, "host_late")
            session.save(update_fields=["log"])
            announce(session, note=_("The host is running a little late. Stay with us."))
            text = _("No host yet for %(title)s in %(room)s, which started at %(time)s UTC.") % {
                "title": session.meeting.title,
                "room": session.room.title,
                "time": session.starts_at.strftime("%H:%M"),
            }
            for member_id in _on_duty_facilitators():
                inbox_add(
                    member_id=member_id,
                    kind=InboxKind.NOTICE,
                    text=text,
                    url=f"/rooms/{session.room.slug}/",
                    key=f"meeting-late:{session.pk}",
                )
    for session in waiting.filter(state=SessionState.LATE, starts_at__lte=cancel):
        with transaction.atomic():
            if not Session.objects.filter(pk=session.pk, state=SessionState.LATE).update(
                state=SessionState.CANCELLED, ended_at=now
            ):
                continue
            session.state = SessionState.CANCELLED
            log_event(session, "cancelled")
            session.save(update_fields=["log"])
            announce(
                session,
                note=_(
                    "We're sorry: the host couldn't make it, so this meeting won't "
                    "happen today. The room stays open, and you're welcome to talk "
                    "here. Thank you for coming."
                ),
            )


def _overrun(now: datetime) -> None:
    """A live meeting the host never ended closes quietly well after its end."""
    grace = now - timedelta(minutes=settings.MEETINGS_OVERRUN_MINUTES)
    for session in Session.objects.filter(state=SessionState.LIVE, ends_at__lte=grace):
        with transaction.atomic():
            locked = (
                Session.objects.select_for_update(of=("self",))
                .select_related("meeting", "room", "host")
                .filter(pk=session.pk, state=SessionState.LIVE)
                .first()
            )
            if locked is not None:  # another process may have closed it meanwhile
                close_session(locked, actor_id=locked.host_id, handle=None)
