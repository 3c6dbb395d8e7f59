"""Template context every page gets: the limits the browser client must agree with,
and the signed-in member's header links."""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest

from community.handles import HANDLE_CHARS
from community.inbox import inbox_unread
from core.web import current_member


def client_limits(request: HttpRequest) -> dict[str, object]:
    """Settings the client checks before the server does (base.html puts them on <body>).

    The handle's shape is the server's own character class with the length settings,
    so the page's ``pattern`` attribute and static/kindred/limits.js follow both.
    """
    low, high = settings.HANDLE_MIN_LENGTH, settings.HANDLE_MAX_LENGTH
    chars = HANDLE_CHARS.pattern.removesuffix("+")
    return {
        "limits": {
            "message_max_length": settings.MESSAGE_MAX_LENGTH,
            "handle_min_length": low,
            "handle_max_length": high,
            "handle_pattern": f"{chars}{{{low},{high}}}",
        }
    }


def member_nav(request: HttpRequest) -> dict[str, object]:
    """The header's links for a signed-in member: "Chats" with their unread inbox
    count (ui/inbox-count.js keeps it live) and "Settings"; and the time zone the
    member saved, which the page's scripts show times in (static/kindred/format.js).

    With the database down every page must still render (the way to a crisis
    line above all): the member whose session can't be read is a visitor, as in
    core.web.current_member, and the count is left out.
    """
    member = current_member(request)
    if member is None:
        return {"nav": None}
    try:
        unread = inbox_unread(member_id=member.pk)
    except DatabaseError:
        unread = 0  # the page (perhaps the crisis lines) must render all the same
    return {"nav": {"unread": unread, "time_zone": member.time_zone}}
