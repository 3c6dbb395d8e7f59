"""HTTP endpoints for reports and the facilitator dashboard (the same services
as the live socket)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from core.errors import BadInput, NotFound, error_response
from core.http import json_body, optional_str, required_int, required_str, service_response
from core.routes import Routes
from moderation import checkins, checks, reading, services
from moderation.actions import ACTIONS, action_parse, action_perform

routes = Routes()


@routes.post("api/reports/", name="api-reports")
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


@routes.get("api/moderation/queue/", name="api-mod-queue")
def queue(request: HttpRequest) -> HttpResponse:
    return service_response(request, lambda me: reading.queue_snapshot(actor_id=me))


@routes.get("api/moderation/items/<int:item_id>/context/", name="api-mod-context")
def context(request: HttpRequest, item_id: int) -> HttpResponse:
    return service_response(request, lambda me: reading.item_context(actor_id=me, item_id=item_id))


@routes.get("api/moderation/audit/", name="api-mod-audit")
def audit(request: HttpRequest) -> HttpResponse:
    return service_response(request, lambda me: reading.audit_log(actor_id=me))


@routes.post("api/moderation/actions/<slug:name>/", name="api-mod-action")
def action(request: HttpRequest, name: str) -> HttpResponse:
    """``POST /api/moderation/actions/<name>/`` with the frame's fields as JSON,
    parsed by the socket's frame class and run through the socket's table."""
    if name not in ACTIONS:
        return error_response(NotFound(f"There is no action {name!r}.", code="unknown_action"))

    def call(me: int):
        # The role first: a member learns nothing about the fields either.
        checks.check_moderator(member_id=me)
        frame = action_parse(name=name, fields=json_body(request))
        return action_perform(actor_id=me, frame=frame)

    return service_response(request, call)


@routes.post("api/checkins/", name="api-checkins")
def checkin(request: HttpRequest) -> HttpResponse:
    """``POST /api/checkins/`` ``{"at": "<ISO-8601 with offset>"}``: "check on me later"."""

    def call(me: int):
        text = required_str(json_body(request), "at", max_length=40)
        try:
            at = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise BadInput(
                _("Give the time as ISO-8601 with its offset."), code="bad_time"
            ) from None
        return checkins.checkin_request(member_id=me, at=at)

    return service_response(request, call, status=201)
