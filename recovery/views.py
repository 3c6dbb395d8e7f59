"""Recovery's HTTP API (docs/protocol.md, "Recovery"): parse, call the service, reply."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import BadInput
from core.http import (
    json_body,
    json_errors,
    no_session,
    optional_str,
    required_str,
    service_response,
)
from core.web import browser_country
from recovery import daily, journeys, partners, privacy


@require_http_methods(["GET", "POST"])
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


@require_POST
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


@require_POST
@json_errors
def journey_slip(request: HttpRequest, journey_id: int) -> HttpResponse:
    return service_response(
        request, lambda me: journeys.journey_slip(member_id=me, journey_id=journey_id)
    )


@require_POST
@json_errors
def journey_delete(request: HttpRequest, journey_id: int) -> HttpResponse:
    return service_response(
        request, lambda me: journeys.journey_delete(member_id=me, journey_id=journey_id)
    )


@require_POST
@json_errors
def milestone(request: HttpRequest, journey_id: int) -> HttpResponse:
    """POST ``{key, share}``: share the offered milestone in the Milestones room, or not now."""
    data = json_body(request)
    key, share = required_str(data, "key", max_length=8), data.get("share")
    if not isinstance(share, bool):
        raise BadInput("'share' must be true or false.", code="bad_field")
    service = journeys.milestone_share if share else journeys.milestone_dismiss
    return service_response(
        request, lambda me: service(member_id=me, journey_id=journey_id, key=key)
    )


@require_http_methods(["GET", "POST"])
@json_errors
def checkin(request: HttpRequest) -> HttpResponse:
    """GET: is today's check-in due; POST ``{level, note?, support?}``: check in."""
    if request.method == "GET":
        return service_response(request, lambda me: daily.checkin_status(member_id=me))
    data = json_body(request)
    level = data.get("level")
    note = optional_str(data, "note", max_length=daily.NOTE_MAX) or ""
    support = optional_str(data, "support", max_length=daily.NOTE_MAX) or ""
    country = browser_country(request.headers.get("Accept-Language", ""))
    return service_response(
        request,
        lambda me: daily.checkin_save(
            member_id=me, level=level, note=note, support=support, country_hint=country
        ),
    )


@require_POST
@json_errors
def checkin_dismiss(request: HttpRequest) -> HttpResponse:
    return service_response(request, lambda me: daily.checkin_dismiss(member_id=me))


@require_POST
@json_errors
def checkin_prompt(request: HttpRequest) -> HttpResponse:
    """POST ``{on}``: offer the check-in on arrival again, or stop."""
    on = json_body(request).get("on")
    if not isinstance(on, bool):
        raise BadInput("'on' must be true or false.", code="bad_field")
    return service_response(request, lambda me: daily.checkin_prompt_set(member_id=me, enabled=on))


@require_GET
@json_errors
def checkin_history(request: HttpRequest) -> HttpResponse:
    return service_response(request, lambda me: daily.checkin_history(member_id=me))


@require_GET
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


@require_http_methods(["GET", "POST"])
@json_errors
def partner_list(request: HttpRequest) -> HttpResponse:
    """GET: your partners and asks; POST ``{handle}``: ask someone."""
    if request.method == "GET":
        return service_response(request, lambda me: partners.partner_list(member_id=me))
    handle = required_str(json_body(request), "handle", max_length=64)
    return service_response(
        request, lambda me: partners.partner_ask(member_id=me, handle=handle), status=201
    )


def _partner_action(service):
    @require_POST
    @json_errors
    def view(request: HttpRequest, partnership_id: int) -> HttpResponse:
        return service_response(
            request, lambda me: service(member_id=me, partnership_id=partnership_id)
        )

    view.__doc__ = service.__doc__
    return view


partner_accept = _partner_action(partners.partner_accept)
partner_end = _partner_action(partners.partner_end)
partner_support = _partner_action(partners.partner_support)
