"""The leadership JSON API (docs/protocol.md): the same services as the pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from core.http import (
    bool_field,
    json_body,
    json_errors,
    optional_str,
    required_str,
    service_response,
)
from core.routes import Routes
from leadership import care, handover, review, services, shifts

routes = Routes()


@routes.get("api/leadership/", name="api-leadership")
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


routes.service(
    "api/leadership/apply/",
    services.application_start,
    name="api-leadership-apply",
    body=lambda data: {"motivation": optional_str(data, "motivation", max_length=1000) or ""},
    status=201,
)
routes.service(
    "api/leadership/withdraw/", services.application_withdraw, name="api-leadership-withdraw"
)


@routes.post("api/leadership/shift/", name="api-leadership-shift")
@json_errors
def shift(request: HttpRequest) -> HttpResponse:
    on = bool_field(json_body(request), "on", default=False)
    return service_response(
        request,
        lambda me: shifts.shift_set(member=services.check_supporter_or_moderator(me), on=on),
    )


def _answers(data: dict) -> dict:
    answers = data.get("answers")
    if not isinstance(answers, dict):
        return {"answers": {}}
    return {"answers": {str(k): str(v)[:8] for k, v in list(answers.items())[:20]}}


routes.service(
    "api/leadership/course/<slug:slug>/",
    services.course_answer,
    name="api-leadership-course",
    body=_answers,
)


@routes.post("api/leadership/shadow/", name="api-leadership-shadow")
def shadow(request: HttpRequest) -> HttpResponse:
    """The shadowing page's ping: counts the time, returns the read-only line."""
    return service_response(request, _shadow)


def _shadow(member_id: int) -> dict:
    application = services.shadow_tick(member_id=member_id)
    return {"application": application, **services.shadow_line(member_id=member_id)}


routes.service(
    "api/leadership/applications/",
    review.applications_waiting,
    name="api-leadership-applications",
    methods=("GET",),
)


def _decision(data: dict) -> dict:
    return {
        "decision": required_str(data, "decision", max_length=16),
        "reason": optional_str(data, "reason", max_length=1000) or "",
        "mentor": optional_str(data, "mentor", max_length=64),
    }


routes.service(
    "api/leadership/applications/<int:application_id>/decision/",
    review.application_decide,
    name="api-leadership-decide",
    body=_decision,
)
routes.service(
    "api/leadership/chats/<int:chat_id>/step-away/",
    handover.chat_step_away,
    name="api-leadership-step-away",
    body=lambda data: {"note": optional_str(data, "note", max_length=500) or ""},
)
routes.service(
    "api/leadership/chats/<int:chat_id>/thanks/",
    care.thanks_leave,
    name="api-leadership-thanks",
    body=lambda data: {"words": optional_str(data, "words", max_length=500) or ""},
)


def _debrief(data: dict) -> dict:
    return {
        "feeling": optional_str(data, "feeling", max_length=16) or "",
        "notes": optional_str(data, "notes", max_length=2000) or "",
        "wants_mentor": bool_field(data, "wants_mentor", default=False),
    }


routes.service(
    "api/leadership/chats/<int:chat_id>/debrief/",
    care.debrief_save,
    name="api-leadership-debrief",
    body=_debrief,
)
