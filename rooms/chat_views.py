"""HTTP endpoints for one-on-one chats and the drop-in line (the same services
the sockets call)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods, require_POST

from core.http import json_body, required_str, service_response, service_view
from rooms import chats, dropin


@require_http_methods(["GET", "POST"])
def chat_list(request: HttpRequest) -> HttpResponse:
    """GET: your open chats and requests. POST {"to": handle}: ask for a chat."""
    if request.method == "GET":
        return service_response(request, lambda me: chats.my_chats(member_id=me))
    return service_response(
        request,
        lambda me: chats.chat_request(
            member_id=me, to=required_str(json_body(request), "to", max_length=64)
        ),
        status=201,
    )


@require_http_methods(["GET", "POST", "DELETE"])
def dropin_line(request: HttpRequest) -> HttpResponse:
    """POST ``{"language"?}``: join the line ("talk to someone now"). GET: your
    place. DELETE: leave it."""
    if request.method == "POST":
        return service_response(request, lambda me: _join(request, me), status=201)
    if request.method == "DELETE":
        return service_response(request, lambda me: dropin.dropin_cancel(member_id=me))
    return service_response(request, lambda me: dropin.dropin_status(member_id=me))


def _join(request: HttpRequest, member_id: int):
    # The language to talk in: the one asked for, else the page's.
    language = json_body(request).get("language") or request.LANGUAGE_CODE
    return dropin.dropin_join(member_id=member_id, language=language)


@require_POST
def dropin_accept(request: HttpRequest, request_id: int) -> HttpResponse:
    return service_response(
        request, lambda me: dropin.dropin_accept(member_id=me, request_id=request_id)
    )


def dropin_waiting(request: HttpRequest) -> HttpResponse:
    """For facilitators and supporters: who is waiting, and for how long."""
    return service_response(request, lambda me: dropin.dropin_line(member_id=me))


# ``POST /api/chats/<id>/<answer>/``: the answer's service for the signed-in member.
chat_accept = service_view(chats.chat_accept)
chat_decline = service_view(chats.chat_decline)
chat_leave = service_view(chats.chat_leave)
chat_block = service_view(chats.chat_block)
