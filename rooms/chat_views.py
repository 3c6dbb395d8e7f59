"""HTTP endpoints for one-on-one chats and the drop-in line (the same services
the sockets call)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from core.http import json_body, required_str, service_response
from core.routes import Routes
from rooms import chats, dropin

routes = Routes()


@routes.path("api/chats/", name="api-chats", methods=["GET", "POST"])
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


@routes.path("api/dropin/", name="api-dropin", methods=["GET", "POST", "DELETE"])
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


@routes.post("api/dropin/<int:request_id>/accept/", name="api-dropin-accept")
def dropin_accept(request: HttpRequest, request_id: int) -> HttpResponse:
    return service_response(
        request, lambda me: dropin.dropin_accept(member_id=me, request_id=request_id)
    )


@routes.path("api/dropin/line/", name="api-dropin-line")
def dropin_waiting(request: HttpRequest) -> HttpResponse:
    """For facilitators and supporters: who is waiting, and for how long."""
    return service_response(request, lambda me: dropin.dropin_line(member_id=me))


# ``POST /api/chats/<id>/<answer>/``: the answer's service for the signed-in member.
routes.service("api/chats/<int:chat_id>/accept/", chats.chat_accept, name="api-chat-accept")
routes.service("api/chats/<int:chat_id>/decline/", chats.chat_decline, name="api-chat-decline")
routes.service("api/chats/<int:chat_id>/leave/", chats.chat_leave, name="api-chat-leave")
routes.service("api/chats/<int:chat_id>/block/", chats.chat_block, name="api-chat-block")
