"""The recovery page: your counts, today's check-in, your chart and your partners
(recovery.js does the rest through the API)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import ensure_csrf_cookie

from core.routes import Routes
from core.web import member_page
from recovery import daily, journeys, partners
from recovery.chart import chart
from rooms.selectors import room_in_language

routes = Routes()


@routes.get("recovery/", name="recovery")
@ensure_csrf_cookie
@member_page
def recovery(request: HttpRequest, member) -> HttpResponse:
    return render(request, "recovery.html", _first_screen(member))


def _first_screen(member) -> dict[str, Any]:
    """What the page shows before recovery.js asks the API for anything."""
    return {
        "member": member,
        "mine": journeys.journey_list(member_id=member.pk),
        "suggested": journeys.SUGGESTED,
        "checkin": daily.checkin_status(member_id=member.pk),
        "chart": chart(daily.checkin_history(member_id=member.pk)),
        "partners": partners.partner_list(member_id=member.pk),
        "note_max": daily.NOTE_MAX,
        "milestones_room": room_in_language(settings.MILESTONES_ROOM, translation.get_language()),
    }
