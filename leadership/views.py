"""The leadership JSON API (docs/protocol.md): the same services as the pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET, require_POST

from core.errors import BadInput
from core.http import json_body, json_errors, optional_str, required_str, service_response
from leadership import care, handover, review, services, shifts


@require_GET
def state(request: HttpRequest) -> HttpResponse:
    return service_response(request, _state)


def _state(member_id: int) -> dict:
    found = services.leadership_state(member_id=member_id)
    if found["role"] != "member":
        helper = services.check_supporter_or_moderator(member_id)
        found["supporter"] = {
            "shift": shifts.shift_state(member=helper),
            "thanks": care.thanks_received(member=helper),
            "debriefs_due": care.debriefs_due(member=helper),
        }
    return found


@require_POST
def withdraw(request: HttpRequest) -> HttpResponse:
    return service_response(request, lambda me: services.application_withdraw(member_id=me))


def _flag(data: dict, name: str) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise BadInput(f"'{name}' must be true or false.", code="bad_field")
    return value


@require_POST
@json_errors
def shift(request: HttpRequest) -> HttpResponse:
    on = _flag(json_body(request), "on")
    return service_response(
        request,
        lambda me: shifts.shift_set(member=services.check_supporter_or_moderator(me), on=on),
    )


@require_POST
@json_errors
def debrief(request: HttpRequest, chat_id: int) -> HttpResponse:
    data = json_body(request)
    feeling = optional_str(data, "feeling", max_length=16) or ""
    notes = optional_str(data, "notes", max_length=2000) or ""
    wants_mentor = _flag(data, "wants_mentor")
    return service_response(
        request,
        lambda me: care.debrief_save(
            member_id=me,
            chat_id=chat_id,
            feeling=feeling,
            notes=notes,
            wants_mentor=wants_mentor,
        ),
    )


@require_POST
@json_errors
def apply(request: HttpRequest) -> HttpResponse:
    motivation = optional_str(json_body(request), "motivation", max_length=1000) or ""
    return service_response(
        request,
        lambda me: services.application_start(member_id=me, motivation=motivation),
        status=201,
    )


@require_POST
@json_errors
def course_answers(request: HttpRequest, slug: str) -> HttpResponse:
    data = json_body(request).get("answers")
    answers = (
        {str(k): str(v)[:8] for k, v in list(data.items())[:20]} if isinstance(data, dict) else {}
    )
    return service_response(
        request, lambda me: services.course_answer(member_id=me, slug=slug, answers=answers)
    )


@require_POST
def shadow(request: HttpRequest) -> HttpResponse:
    """The shadowing page's ping: counts the time, returns the read-only line."""
    return service_response(request, _shadow)


def _shadow(member_id: int) -> dict:
    application = services.shadow_tick(member_id=member_id)
    return {"application": application, **services.shadow_line(member_id=member_id)}


@require_GET
def applications(request: HttpRequest) -> HttpResponse:
    return service_response(request, lambda me: review.applications_waiting(member_id=me))


@require_POST
@json_errors
def decide(request: HttpRequest, application_id: int) -> HttpResponse:
    data = json_body(request)
    decision = required_str(data, "decision", max_length=16)
    reason = optional_str(data, "reason", max_length=1000) or ""
    mentor = optional_str(data, "mentor", max_length=64)
    return service_response(
        request,
        lambda me: review.application_decide(
            member_id=me,
            application_id=application_id,
            decision=decision,
            reason=reason,
            mentor=mentor,
        ),
    )


@require_POST
@json_errors
def step_away(request: HttpRequest, chat_id: int) -> HttpResponse:
    note = optional_str(json_body(request), "note", max_length=500) or ""
    return service_response(
        request, lambda me: handover.chat_step_away(member_id=me, chat_id=chat_id, note=note)
    )


@require_POST
@json_errors
def thanks(request: HttpRequest, chat_id: int) -> HttpResponse:
    words = optional_str(json_body(request), "words", max_length=500) or ""
    return service_response(
        request, lambda me: care.thanks_leave(member_id=me, chat_id=chat_id, words=words)
    )
