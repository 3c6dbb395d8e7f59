"""The meetings API (docs/protocol.md, "Meetings"): parse, call the service, answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from core.errors import BadInput, NotFound
from core.http import bool_field, json_body, optional_str, service_response
from core.routes import Routes
from meetings import attendance, mode, services
from meetings.sessions import current_session, session_data
from rooms.access import check_member, check_topic_room

routes = Routes()


def _create(member_id: int, data: dict[str, Any]) -> dict[str, Any]:
    fields = ("room", "title", "hosts", "date", "time", "time_zone", "duration_minutes")
    missing = [name for name in fields[:5] if name not in data]
    if missing:
        raise BadInput(f"'{missing[0]}' is required.", code="missing_field")
    hosts = data["hosts"]
    if not isinstance(hosts, list) or len(hosts) > 10:
        raise BadInput("'hosts' must be a short list of handles.", code="bad_field")
    return services.meeting_create(
        actor_id=member_id,
        room_slug=optional_str(data, "room", max_length=64) or "",
        title=optional_str(data, "title", max_length=80) or "",
        hosts=hosts,
        starts_on=data["date"],
        start_time=data["time"],
        time_zone=optional_str(data, "time_zone", max_length=64) or "UTC",
        duration_minutes=data.get("duration_minutes", 60),
        recurrence=optional_str(data, "recurrence", max_length=8) or "once",
        weekdays=data.get("weekdays") or [],
        format=optional_str(data, "format", max_length=16) or "open_share",
        description=optional_str(data, "description", max_length=500) or "",
        opening=optional_str(data, "opening", max_length=2000) or "",
        closing=optional_str(data, "closing", max_length=2000) or "",
        during_round=optional_str(data, "during_round", max_length=4) or "wait",
    )


@routes.path("api/meetings/", name="api-meetings", methods=["GET", "POST"])
def meetings(request: HttpRequest) -> HttpResponse:
    """GET ``?room=slug``: the coming week's meetings. POST: create one (facilitators)."""
    if request.method == "GET":
        room = request.GET.get("room") or None
        return service_response(
            request, lambda me: services.meetings_list(member_id=me, room_slug=room)
        )
    return service_response(request, lambda me: _create(me, json_body(request)), status=201)


@routes.post("api/meetings/<int:meeting_id>/remove/", name="api-meeting-remove")
def meeting_remove(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return service_response(
        request, lambda me: services.meeting_remove(actor_id=me, meeting_id=meeting_id)
    )


@routes.post("api/meetings/<int:meeting_id>/remind/", name="api-meeting-remind")
def remind(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return service_response(
        request,
        lambda me: services.reminder_set(
            member_id=me,
            meeting_id=meeting_id,
            on=bool_field(json_body(request), "on", default=True),
        ),
    )


def _now_in(member_id: int, slug: str) -> dict[str, Any]:
    check_member(member_id=member_id)
    room = check_topic_room(slug=slug)
    session = current_session(room_id=room.pk)
    return {"meeting": session_data(session) if session else None}


@routes.get("api/meetings/rooms/<slug:slug>/", name="api-meetings-room")
def room_now(request: HttpRequest, slug: str) -> HttpResponse:
    """The room's running meeting, with what has happened so far (late joiners, reconnects)."""
    return service_response(request, lambda me: _now_in(me, slug))


# What an action may take from the request body, each field read one way.
_FIELDS = {
    "text": lambda data: optional_str(data, "text", max_length=2000),
    "on": lambda data: bool_field(data, "on", default=True),
    "up": lambda data: bool_field(data, "up", default=True),
    "handle": lambda data: optional_str(data, "handle", max_length=64),
}
# Each session action: its service and the one body field it takes, if any.
_ACTIONS: dict[str, tuple[Callable[..., dict[str, Any]], str | None]] = {
    "start": (mode.meeting_start, None),
    "opening": (mode.meeting_opening, "text"),
    "pin": (mode.meeting_pin_reading, None),
    "slow": (mode.meeting_slow_mode, "on"),
    "round": (mode.meeting_round, "on"),
    "hand": (mode.hand_raise, "up"),
    "floor": (mode.floor_give, "handle"),
    "done": (mode.floor_done, None),
    "end": (mode.meeting_end, "text"),
    "attend": (attendance.attendance_mark, None),
}


def _action(name: str, member_id: int, session_id: int, data: dict[str, Any]) -> dict[str, Any]:
    if name not in _ACTIONS:
        raise NotFound("There is no such meeting action.")
    service, field = _ACTIONS[name]
    fields = {field: _FIELDS[field](data)} if field else {}
    return service(member_id=member_id, session_id=session_id, **fields)


@routes.post("api/meetings/sessions/<int:session_id>/<slug:action>/", name="api-meeting-session")
def session_action(request: HttpRequest, session_id: int, action: str) -> HttpResponse:
    return service_response(request, lambda me: _action(action, me, session_id, json_body(request)))


@routes.get("api/meetings/attended/", name="api-meetings-attended")
def my_attendance(request: HttpRequest) -> HttpResponse:
    return service_response(request, lambda me: attendance.attendance_list(member_id=me))
