"""Recovery's HTTP API (docs/protocol.md, "Recovery"): parse, call the service, reply."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse

from core.http import (
    bool_field,
    json_body,
    json_errors,
    no_session,
    optional_str,
    required_str,
    service_response,
)
from core.routes import Routes
from core.web import browser_country
from recovery import daily, journeys, partners, privacy

routes = Routes()


@routes.path("api/recovery/", name="api-recovery", methods=["GET", "POST"])
@json_errors
def recovery(request: HttpRequest) -> HttpResponse:
    """GET: what you're recovering from, with the counts; POST ``{label, started_on}``: add one."""
    if request.method == "GET":
        return service_response(request, lambda me: journeys.journey_list(member_id=me))
    data = json_body(request)
    label, started = required_str(data, "label", max_length=200), required_str(data, "started_on")
    return service_response(
        request,
        lambda me: journeys.journey_add(member_id=me, label=label, started_on=started),
        status=201,
    )


@routes.post("api/recovery/<int:journey_id>/", name="api-recovery-journey")
@json_errors
def journey(request: HttpRequest, journey_id: int) -> HttpResponse:
    """POST ``{label?, started_on?}``: correct one (not a slip)."""
    data = json_body(request)
    label, started = optional_str(data, "label"), optional_str(data, "started_on")
    return service_response(
        request,
        lambda me: journeys.journey_update(
            member_id=me, journey_id=journey_id, label=label, started_on=started
        ),
    )


routes.service(
    "api/recovery/<int:journey_id>/slip/", journeys.journey_slip, name="api-recovery-slip"
)
routes.service(
    "api/recovery/<int:journey_id>/delete/", journeys.journey_delete, name="api-recovery-delete"
)


@routes.post("api/recovery/<int:journey_id>/milestone/", name="api-recovery-milestone")
@json_errors
def milestone(request: HttpRequest, journey_id: int) -> HttpResponse:
    """POST ``{key, share}``: share the offered milestone in the Milestones room, or not now."""
    data = json_body(request)
    key, share = required_str(data, "key", max_length=8), bool_field(data, "share")
    service = journeys.milestone_share if share else journeys.milestone_dismiss
    return service_response(
        request, lambda me: service(member_id=me, journey_id=journey_id, key=key)
    )


@routes.path("api/recovery/checkin/", name="api-recovery-checkin", methods=["GET", "POST"])
@json_errors
def checkin(request: HttpRequest) -> HttpResponse:
    """POST ``{level, note?, support?}``: check in; GET: is today's check-in due."""
    if request.method == "POST":
        fields = _checkin_fields(request)  # a malformed body is refused before the session
        return service_response(request, lambda me: daily.checkin_save(member_id=me, **fields))
    return service_response(request, lambda me: daily.checkin_status(member_id=me))


def _checkin_fields(request: HttpRequest) -> dict[str, Any]:
    data = json_body(request)
    return {
        "level": data.get("level"),
        "note": optional_str(data, "note", max_length=daily.NOTE_MAX) or "",
        "support": optional_str(data, "support", max_length=daily.NOTE_MAX) or "",
        "country_hint": browser_country(request.headers.get("Accept-Language", "")),
    }


routes.service(
    "api/recovery/checkin/dismiss/", daily.checkin_dismiss, name="api-recovery-checkin-dismiss"
)


@routes.post("api/recovery/checkin/prompt/", name="api-recovery-checkin-prompt")
@json_errors
def checkin_prompt(request: HttpRequest) -> HttpResponse:
    """POST ``{on}``: offer the check-in on arrival again, or stop."""
    on = bool_field(json_body(request), "on")
    return service_response(request, lambda me: daily.checkin_prompt_set(member_id=me, enabled=on))


routes.service(
    "api/recovery/checkins/",
    daily.checkin_history,
    name="api-recovery-checkins",
    methods=("GET",),
)


@routes.get("api/recovery/export/", name="api-recovery-export")
@json_errors
def export(request: HttpRequest) -> HttpResponse:
    """Everything kept of your recovery, as a JSON file to download."""
    if not request.user.is_authenticated:
        return no_session()
    data = privacy.recovery_export(member_id=request.user.pk)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="kindred-recovery.json"'
    return response


@routes.path("api/recovery/partners/", name="api-partners", methods=["GET", "POST"])
@json_errors
def partner_list(request: HttpRequest) -> HttpResponse:
    """GET: your partners and asks; POST ``{handle}``: ask someone."""
    if request.method == "GET":
        return service_response(request, lambda me: partners.partner_list(member_id=me))
    handle = required_str(json_body(request), "handle", max_length=64)
    return service_response(
        request, lambda me: partners.partner_ask(member_id=me, handle=handle), status=201
    )


routes.service(
    "api/recovery/partners/<int:partnership_id>/accept/",
    partners.partner_accept,
    name="api-partner-accept",
)
routes.service(
    "api/recovery/partners/<int:partnership_id>/end/", partners.partner_end, name="api-partner-end"
)
routes.service(
    "api/recovery/partners/<int:partnership_id>/support/",
    partners.partner_support,
    name="api-partner-support",
)
