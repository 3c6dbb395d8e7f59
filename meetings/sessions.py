"""A session's state as the ``meeting`` frame and the API carry it, and its broadcast."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from core.frames import timestamp
from meetings.models import Format, Hand, Meeting, Session, SessionState
from realtime import bus

OPEN_STATES = (SessionState.WAITING, SessionState.LATE, SessionState.LIVE)


def meeting_summary(meeting: Meeting) -> dict[str, Any]:
    """What a meeting's schedule and each of its sessions both say about it."""
    return {
        "title": meeting.title,
        "format": meeting.format,
        "format_label": str(Format(meeting.format).label),
        "hosts": sorted((h.handle for h in meeting.hosts.all()), key=str.casefold),
        "during_round": meeting.during_round,
    }


def session_data(session: Session, *, note: str | None = None) -> dict[str, Any]:
    meeting = session.meeting
    hands = (
        Hand.objects.filter(session=session, called_at__isnull=True)
        .select_related("member")
        .order_by("pk")
    )
    return {
        "session": session.pk,
        "meeting": meeting.pk,
        **meeting_summary(meeting),
        "room": session.room.slug,
        "state": session.state,
        "starts_at": timestamp(session.starts_at),
        "ends_at": timestamp(session.ends_at),
        "host": session.host.handle if session.host_id else None,
        "round": session.round_active,
        "floor": session.floor.handle if session.floor_id else None,
        "hands": [hand.member.handle for hand in hands],
        "reading": session.reading_id,
        "note": note,
        "log": list(session.log),
    }


def log_event(session: Session, what: str, handle: str | None = None) -> None:
    """Note what happened (late joiners read the log); the caller saves the session."""
    session.log = [*session.log, {"at": timestamp(timezone.now()), "what": what, "handle": handle}][
        -100:
    ]


def announce(session: Session, *, note: str | None = None) -> dict[str, Any]:
    """Send the session's state to everyone in its room, after commit; return it."""
    data = session_data(session, note=note)
    bus.publish_room_on_commit(session.room_id, {"type": "meeting", "meeting": data})
    return data


def current_session(*, room_id: int) -> Session | None:
    """The room's meeting that is waiting, late or live, if any."""
    return (
        Session.objects.filter(room_id=room_id, state__in=OPEN_STATES)
        .select_related("meeting", "room", "host", "floor")
        .order_by("starts_at")
        .first()
    )
