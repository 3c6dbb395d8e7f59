"""The meetings page and the iCalendar files (docs/web.md)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie

from core.routes import Routes
from core.web import current_member
from meetings import attendance, schedule, services
from meetings.calendar_ics import calendar_ics
from meetings.models import DuringRound, Format, Meeting, Recurrence
from rooms.models import Room, RoomKind

routes = Routes()


@routes.get("meetings/", name="meetings")
@ensure_csrf_cookie
def meetings_page(request: HttpRequest) -> HttpResponse:
    """The coming week's meetings, in the member's own time zone (meetings.js localises)."""
    member = current_member(request)
    listed = services.upcoming(member_id=member.pk if member else None)
    # The member's own time zone (their settings), else the browser's.
    context = {"member": member, "occurrences": listed, "tz": member.time_zone if member else ""}
    if member is not None:
        # Private: only the member sees the meetings they noted they attended.
        context["attended"] = attendance.attendance_list(member_id=member.pk)["attended"]
    if member is not None and member.is_moderator:
        context["organiser"] = {
            "rooms": Room.objects.filter(kind=RoomKind.TOPIC).only("slug", "title"),
            "formats": Format.choices,
            "recurrences": Recurrence.choices,
            "during_round": DuringRound.choices,
            "time_zones": schedule.time_zone_names(),
            "weekdays": [(str(day), name) for day, name in WEEKDAYS.items()],
        }
    return render(request, "meetings/meetings.html", context)


def _ics(request: HttpRequest, meetings, name: str, filename: str) -> HttpResponse:
    body = calendar_ics(meetings, site=request.get_host(), name=name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@routes.get("meetings/<int:meeting_id>.ics", name="meeting-ics")
def meeting_ics(request: HttpRequest, meeting_id: int) -> HttpResponse:
    found = Meeting.objects.filter(pk=meeting_id, is_active=True).select_related("room")
    if not found.exists():
        return render(
            request,
            "404.html",
            {"what": "meeting", "detail": _("There's no such meeting.")},
            status=404,
        )
    return _ics(request, found, found[0].title, f"kindred-meeting-{meeting_id}.ics")


@routes.get("meetings/calendar.ics", name="meetings-ics")
def all_ics(request: HttpRequest) -> HttpResponse:
    found = Meeting.objects.filter(is_active=True).select_related("room").order_by("pk")
    return _ics(request, found, _("Kindred meetings"), "kindred-meetings.ics")
