"""HTTP endpoints for reports and the facilitator dashboard (the same services
as the live socket)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET, require_POST

from core.errors import BadInput, NotFound, error_response
from core.http import json_body, optional_str, required_int, required_str, service_response
from moderation import services


@require_POST
def report(request: HttpRequest) -> HttpResponse:
    def call(me: int):
        data = json_body(request)
        return services.report_create(
            member_id=me,
            message_id=required_int(data, "message"),
            reason=required_str(data, "reason", max_length=32),
            note=optional_str(data, "note", max_length=500) or "",
        )

    return service_response(request, call, status=201)


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    return service_response(request, lambda me: services.queue_snapshot(actor_id=me))


@require_GET
def context(request: HttpRequest, item_id: int) -> HttpResponse:
    return service_response(request, lambda me: services.item_context(actor_id=me, item_id=item_id))


@require_GET
def audit(request: HttpRequest) -> HttpResponse:
    return service_response(request, lambda me: services.audit_log(actor_id=me))


def _args(data: dict, *names: str) -> dict:
    out = {}
    for name in names:
        key, _, kind = name.partition(":")
        value = data.get(key)
        if (
            kind == "int"
            and value is not None
            and (not isinstance(value, int) or isinstance(value, bool))
        ):
            raise BadInput(f"'{key}' must be a whole number.", code="bad_field")
        if kind == "str" and value is not None and not isinstance(value, str):
            raise BadInput(f"'{key}' must be a string.", code="bad_field")
        if kind == "bool" and value is not None and not isinstance(value, bool):
            raise BadInput(f"'{key}' must be true or false.", code="bad_field")
        if value is not None:
            out[key] = value
    return out


#: action name -> (service, JSON field -> keyword renames, "field:type" it accepts)
ACTIONS = {
    "claim": (services.item_claim, {"item": "item_id"}, ("item:int",)),
    "dismiss": (services.item_dismiss, {"item": "item_id"}, ("item:int", "reason:str")),
    "remove_message": (
        services.message_remove,
        {"message": "message_id", "item": "item_id"},
        ("message:int", "item:int", "reason:str"),
    ),
    "release_message": (
        services.message_release,
        {"message": "message_id", "item": "item_id"},
        ("message:int", "item:int"),
    ),
    "warn": (services.member_warn, {"item": "item_id"}, ("handle:str", "text:str", "item:int")),
    "mute": (
        services.member_mute,
        {"item": "item_id", "room": "room_slug"},
        ("handle:str", "minutes:int", "room:str", "item:int", "reason:str"),
    ),
    "kick": (
        services.member_kick,
        {"item": "item_id", "room": "room_slug"},
        ("handle:str", "room:str", "item:int", "reason:str"),
    ),
    "ban": (services.member_ban, {"item": "item_id"}, ("handle:str", "item:int", "reason:str")),
    "slow_mode": (services.room_slow_mode, {"room": "room_slug"}, ("room:str", "seconds:int")),
    "lock": (services.room_lock, {"room": "room_slug", "on": "locked"}, ("room:str", "on:bool")),
    "pin": (
        services.message_pin,
        {"room": "room_slug", "message": "message_id"},
        ("room:str", "message:int"),
    ),
    "reach_out": (services.reach_out, {"item": "item_id"}, ("item:int",)),
}


@require_POST
def action(request: HttpRequest, name: str) -> HttpResponse:
    """``POST /api/moderation/actions/<name>/`` with the frame's fields as JSON."""
    if name not in ACTIONS:
        return error_response(NotFound(f"There is no action {name!r}.", code="unknown_action"))
    service, renames, fields = ACTIONS[name]

    def call(me: int):
        data = _args(json_body(request), *fields)
        kwargs = {renames.get(k, k): v for k, v in data.items()}
        if name == "pin":
            kwargs.setdefault("message_id", None)
        try:
            return service(actor_id=me, **kwargs)
        except TypeError:
            raise BadInput(f"Missing fields for {name}.", code="missing_field") from None

    return service_response(request, call)
