"""HTTP endpoints for rooms: the list and history paging (members only)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from core.errors import BadInput, KindredError, NotFound
from core.http import (
    bool_field,
    json_body,
    json_errors,
    no_session,
    required_str,
    service_response,
)
from core.routes import Routes
from realtime.presence import presence_counts_or_empty
from rooms import own_messages, reactions, selectors, services, status

routes = Routes()


def _positive_int(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 16:
        raise BadInput(f"'{name}' must be a whole number of 0 or more.", code="bad_parameter")
    return int(raw)


@routes.get("api/rooms/", name="api-rooms")
def room_list(request: HttpRequest) -> HttpResponse:
    counts = presence_counts_or_empty()["rooms"]
    rooms = [
        {
            "slug": r.slug,
            "title": r.title,
            "description": r.description,
            "language": r.language,
            "online": counts.get(r.slug, 0),
        }
        for r in selectors.topic_rooms(
            viewer=request.user if request.user.is_authenticated else None
        )
    ]
    return JsonResponse(rooms, safe=False)


@routes.get("api/rooms/<slug:slug>/messages/", name="api-room-messages")
@json_errors
def room_messages(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return no_session()
    before = _positive_int(request, "before")
    after = _positive_int(request, "after")
    limit = _positive_int(request, "limit") or 50
    if before is not None and after is not None:
        raise BadInput(_("Use either 'before' or 'after', not both."), code="bad_parameter")
    try:
        member = services.check_member(member_id=request.user.pk)
        room = services.check_room_access(member=member, slug=slug)
    except KindredError:
        # The same answer for a room that doesn't exist and one you can't read.
        raise NotFound(_("There is no such room.")) from None
    hidden = selectors.blocked_ids(member.pk)
    limit = min(max(limit, 1), settings.HISTORY_PAGE_MAX)
    if after is not None:
        found = selectors.messages_after(
            room, after=after, limit=limit, hidden_authors=hidden, viewer_id=member.pk
        )
    else:
        found = selectors.messages_before(
            room, before=before, limit=limit, hidden_authors=hidden, viewer_id=member.pk
        )
    return JsonResponse({"messages": [m.frame() for m in found]})


def _handle_of(request: HttpRequest) -> str:
    return required_str(json_body(request), "handle", max_length=64)


@routes.path("api/blocks/", name="api-block", methods=["GET", "POST"])
def block(request: HttpRequest) -> HttpResponse:
    """GET: the handles you block. POST ``{"handle"}``: block one."""
    if request.method == "GET":
        return service_response(request, lambda me: services.member_blocks(member_id=me))
    return service_response(
        request, lambda me: services.member_block(member_id=me, handle=_handle_of(request))
    )


@routes.post("api/blocks/remove/", name="api-unblock")
def unblock(request: HttpRequest) -> HttpResponse:
    return service_response(
        request, lambda me: services.member_unblock(member_id=me, handle=_handle_of(request))
    )


@routes.path("api/presence/me/", name="api-my-status", methods=["GET", "POST"])
@json_errors
def my_status(request: HttpRequest) -> HttpResponse:
    """GET or change your presence choices: ``on_duty`` (facilitators), ``invisible``,
    ``open_to_chat``."""
    if not request.user.is_authenticated:
        return no_session()
    member_id = request.user.pk
    if request.method == "GET":
        return JsonResponse(status.member_status(member_id=member_id))
    data = json_body(request)
    flags = {}
    for name in ("on_duty", "invisible", "open_to_chat"):
        value = data.get(name)
        if value is not None and not isinstance(value, bool):
            raise BadInput(f"'{name}' must be true or false.", code="bad_field")
        flags[name] = value
    unknown = set(data) - set(flags)
    if unknown:
        raise BadInput(f"Unknown field {sorted(unknown)[0]!r}.", code="bad_field")
    result = status.member_status(member_id=member_id)
    if flags["on_duty"] is not None:
        result = status.member_set_duty(member_id=member_id, on=flags["on_duty"])
    if flags["invisible"] is not None or flags["open_to_chat"] is not None:
        result = status.member_set_status(
            member_id=member_id,
            invisible=flags["invisible"],
            open_to_chat=flags["open_to_chat"],
        )
    return JsonResponse(result)


@routes.post("api/messages/<int:message_id>/delete/", name="api-message-delete")
def message_delete(request: HttpRequest, message_id: int) -> HttpResponse:
    """Delete one of your own messages; the room drops it live."""
    return service_response(
        request,
        lambda me: own_messages.message_delete(member_id=me, message_id=message_id),
    )


@routes.path(
    "api/messages/<int:message_id>/reactions/",
    name="api-message-reactions",
    methods=["GET", "POST"],
)
@json_errors
def message_reactions(request: HttpRequest, message_id: int) -> HttpResponse:
    """GET: who reacted (your own message, where the room shows names);
    POST ``{reaction, on?}``: give or take back a reaction."""
    if request.method == "GET":
        return service_response(
            request, lambda me: reactions.reaction_names(member_id=me, message_id=message_id)
        )
    data = json_body(request)
    reaction = required_str(data, "reaction", max_length=16)
    on = bool_field(data, "on", default=True)
    return service_response(
        request,
        lambda me: reactions.reaction_set(
            member_id=me, message_id=message_id, reaction=reaction, on=on
        ),
    )
