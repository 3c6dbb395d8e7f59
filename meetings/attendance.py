"""Attendance, opt-in and private: a member says "I was here"; only they see the list."""

from __future__ import annotations

from typing import Any

from core.errors import NotFound
from core.frames import timestamp
from meetings.models import Attendance, Session, SessionState
from rooms.access import check_member


def attendance_mark(*, member_id: int, session_id: int) -> dict[str, Any]:
    member = check_member(member_id=member_id)
    session = Session.objects.filter(
        pk=session_id, state__in=(SessionState.LIVE, SessionState.ENDED)
    ).first()
    if session is None:
        raise NotFound("This meeting isn't running.")
    Attendance.objects.get_or_create(session=session, member=member)
    return {"session": session.pk, "attended": True}


def attendance_list(*, member_id: int) -> dict[str, Any]:
    check_member(member_id=member_id)
    rows = (
        Attendance.objects.filter(member_id=member_id)
        .select_related("session__meeting", "session__room")
        .order_by("-at")[:100]
    )
    return {
        "attended": [
            {
                "session": row.session_id,
                "title": row.session.meeting.title,
                "room": row.session.room.slug,
                "starts_at": timestamp(row.session.starts_at),
            }
            for row in rows
        ]
    }
