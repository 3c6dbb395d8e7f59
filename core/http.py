"""Small helpers shared by Kindred's JSON views."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse


class BadRequest(Exception):
    def __init__(self, code: str, detail: str, status: int = 400) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.status = status


def error(code: str, detail: str, status: int = 400, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": code, "detail": detail, **extra}, status=status)


def json_body(request: HttpRequest, *, max_bytes: int = 16 * 1024) -> dict[str, Any]:
    """The request's JSON object body ({} when empty), or BadRequest."""
    if len(request.body) > max_bytes:
        raise BadRequest("too_large", "The request body is too large.", 413)
    if not request.body.strip():
        return {}
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadRequest("bad_json", "The request body must be valid JSON.") from None
    if not isinstance(data, dict):
        raise BadRequest("bad_json", "The request body must be a JSON object.")
    # PostgreSQL can't store (or even compare) text with NUL in it.
    if any(isinstance(value, str) and "\x00" in value for value in data.values()):
        raise BadRequest("bad_field", "Text can't contain NUL characters.")
    return data


def optional_str(data: dict[str, Any], name: str, *, max_length: int = 200) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequest("bad_field", f"'{name}' must be a string.")
    if len(value) > max_length:
        raise BadRequest("bad_field", f"'{name}' is too long.")
    return value


def required_str(data: dict[str, Any], name: str, *, max_length: int = 200) -> str:
    value = optional_str(data, name, max_length=max_length)
    if value is None:
        raise BadRequest("missing_field", f"'{name}' is required.")
    return value


def no_session() -> JsonResponse:
    return error("no_session", "Join Kindred first: you have no member session.", 401)


def service_response(request: HttpRequest, call, *, status: int = 200) -> JsonResponse:
    """Run ``call(member_id)`` for a signed-in member and answer in JSON.

    Refusals keep their stable code: 404 for not_found, 403 for not_allowed,
    429 for rate limits, 400 otherwise; bad input is a 400 with a clear detail.
    """
    from rooms.services import Refused

    if not request.user.is_authenticated:
        return no_session()
    try:
        result = call(request.user.pk)
    except BadRequest as exc:
        return error(exc.code, exc.detail, exc.status)
    except Refused as exc:
        codes = {"not_found": 404, "not_allowed": 403, "rate_limited": 429}
        return error(exc.code, exc.detail, codes.get(exc.code, 400), **exc.extra)
    return JsonResponse(result, status=status, safe=False)


def required_int(data: dict[str, Any], name: str) -> int:
    value = data.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 2**53:
        raise BadRequest("bad_field", f"'{name}' must be a whole number.")
    return value
