"""Template tags for the pages other apps own: the home page's "starting soon"
strip and a room's meeting banner and schedule (templates name them; no
Python of rooms imports meetings)."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.db import DatabaseError

from meetings import services
from meetings.formats import closing_template, opening_template
from meetings.models import Meeting
from meetings.sessions import current_session, session_data

register = template.Library()


@register.inclusion_tag("meetings/_soon.html")
def meetings_soon() -> dict[str, Any]:
    try:
        soon = services.starting_soon()
    except DatabaseError:
        soon = []  # the home page and its crisis link load without the database
    return {"soon": soon}


@register.inclusion_tag("meetings/_room.html")
def room_meetings(room: Any, member: Any) -> dict[str, Any]:
    session = current_session(room_id=room.pk)
    state = session_data(session) if session else None
    coming = services.upcoming(room_id=room.pk, member_id=member.pk, days=7)[:3]
    # Rendered (hidden) for whoever may host here, so a meeting that opens while
    # they are on the page has its controls ready.
    hosting = member.is_moderator or Meeting.objects.filter(room=room.pk, hosts=member).exists()
    fmt = session.meeting.format if session else "open_share"
    return {
        "room": room,
        "tz": member.time_zone,
        "state": state,
        # An attribute, not a <script>: the pages carry no inline script (CSP).
        "state_json": json.dumps(state),
        "coming": coming,
        "hosting": hosting,
        "opening": (session.meeting.opening if session else "") or opening_template(fmt),
        "closing": (session.meeting.closing if session else "") or closing_template(fmt),
    }
