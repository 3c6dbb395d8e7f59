"""Small helpers shared by Kindred's JSON views."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from core.errors import BadInput, KindredError, NoSession, TooLarge, error_response


def json_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer a view's :class:`KindredError` as JSON, with its class's status."""

    @functools.wraps(view)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except KindredError as exc:
            return error_response(exc)

    return answer


def json_body(request: HttpRequest, *, max_bytes: int = 16 * 1024) -> dict[str, Any]:
    """The request's JSON object body ({} when empty), or BadInput."""
    if len(request.body) > max_bytes:
        raise TooLarge("The request body is too large.")
    if not request.body.strip():
        return {}
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadInput("The request body must be valid JSON.", code="bad_json") from None
    if not isinstance(data, dict):
        raise BadInput("The request body must be a JSON object.", code="bad_json")
    # PostgreSQL can't store (or even compare) text with NUL in it.
    if any(isinstance(value, str) and "\x00" in value for value in data.values()):
        raise BadInput("Text can't contain NUL characters.", code="bad_field")
    return data


def optional_str(data: dict[str, Any], name: str, *, max_length: int = 200) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadInput(f"'{name}' must be a string.", code="bad_field")
    if len(value) > max_length:
        raise BadInput(f"'{name}' is too long.", code="bad_field")
    return value


def required_str(data: dict[str, Any], name: str, *, max_length: int = 200) -> str:
    value = optional_str(data, name, max_length=max_length)
    if value is None:
        raise BadInput(f"'{name}' is required.", code="missing_field")
    return value


def no_session() -> JsonResponse:
    return error_response(NoSession())


def service_response(request: HttpRequest, call, *, status: int = 200) -> HttpResponse:
    """Run ``call(member_id)`` for a signed-in member and answer in JSON: its
    result, or its refusal with the refusal's own code and status."""
    if not request.user.is_authenticated:
        return no_session()
    try:
        result = call(request.user.pk)
    except KindredError as exc:
        return error_response(exc)
    return JsonResponse(result, status=status, safe=False)


def required_int(data: dict[str, Any], name: str) -> int:
    value = data.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 2**53:
        raise BadInput(f"'{name}' must be a whole number.", code="bad_field")
    return value
