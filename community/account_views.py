"""The member's own settings over HTTP (docs/protocol.md, "HTTP endpoints")."""

from __future__ import annotations

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from community import account, push
from community.language_views import remember_language
from core.http import json_body, json_errors, service_response
from core.routes import Routes

routes = Routes()


@routes.path("api/me/", name="api-me", methods=["GET", "POST"])
@json_errors
def my_settings(request: HttpRequest) -> HttpResponse:
    """GET: your settings. POST ``{"country"?, "time_zone"?, "language"?, "notifications"?}``:
    change them (a new language is remembered on this browser too)."""
    if request.method == "GET":
        return service_response(request, lambda me: account.member_settings(member_id=me))
    changes = json_body(request)
    response = service_response(
        request, lambda me: account.member_settings_update(member_id=me, changes=changes)
    )
    language = changes.get("language")
    if response.status_code == 200 and isinstance(language, str) and language:
        remember_language(response, language)
    return response


@routes.post("api/me/sign-out-everywhere/", name="api-me-sign-out")
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    """Every session of yours ends, this one too, and your open sockets close."""
    response = service_response(
        request, lambda me: account.member_sign_out_everywhere(member_id=me)
    )
    if response.status_code == 200:
        logout(request)
    return response


@routes.post("api/me/recovery/", name="api-me-recovery")
def new_recovery_phrase(request: HttpRequest) -> HttpResponse:
    """A new recovery phrase, shown once; the old one stops working."""
    return service_response(request, lambda me: account.recovery_phrase_renew(member_id=me))


@routes.path("api/push/", name="api-push", methods=["GET", "POST", "DELETE"])
@json_errors
def push_subscription(request: HttpRequest) -> HttpResponse:
    """GET: whether push is available and the key to subscribe with. POST
    ``{"endpoint", "keys": {"p256dh", "auth"}}``: this browser's subscription.
    DELETE ``{"endpoint"}``: forget it."""
    if request.method == "GET":
        return service_response(request, lambda me: push.push_status(member_id=me))
    data = json_body(request)
    if request.method == "DELETE":
        return service_response(
            request, lambda me: push.push_unsubscribe(member_id=me, endpoint=data.get("endpoint"))
        )
    return service_response(
        request,
        lambda me: push.push_subscribe(
            member_id=me, endpoint=data.get("endpoint"), keys=data.get("keys")
        ),
    )
