"""Small helpers shared by Kindred's JSON views."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

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


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _strings(value: Any):
    """Every string in a parsed JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _unstorable(text: str) -> bool:
    # PostgreSQL can't store (or even compare) text with NUL in it, and a lone
    # surrogate ("\ud800", valid JSON) can't be encoded at all.
    return "\x00" in text or any("\ud800" <= c <= "\udfff" for c in text)


def json_body(request: HttpRequest, *, max_bytes: int = 16 * 1024) -> dict[str, Any]:
    """The request's JSON object body ({} when empty), or BadInput / TooLarge."""
    too_large = TooLarge(_("The request body is too large."))
    if _declared_length(request) > max_bytes:
        raise too_large  # before Django reads it (past its own limit, a 400 page)
    try:
        body = request.body
    except RequestDataTooBig:
        raise too_large from None
    except RawPostDataException:
        # A form upload (multipart) that the CSRF check has already read as a form.
        raise BadInput(_("The request body must be a JSON object."), code="bad_json") from None
    if len(body) > max_bytes:
        raise too_large
    if not body.strip():
        return {}
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadInput(_("The request body must be valid JSON."), code="bad_json") from None
    if not isinstance(data, dict):
        raise BadInput(_("The request body must be a JSON object."), code="bad_json")
    if any(_unstorable(text) for text in _strings(data)):
        raise BadInput(_("Text can't contain NUL characters or lone surrogates."), code="bad_field")
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


def bool_field(data: dict[str, Any], name: str, *, default: bool | None = None) -> bool:
    """A true/false field; left out, *default* (without one, it is required)."""
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise BadInput(f"'{name}' must be true or false.", code="bad_field")
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


def service_view(
    service: Callable[..., Any],
    *,
    methods: tuple[str, ...] = ("POST",),
    body: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    status: int = 200,
) -> Callable[..., HttpResponse]:
    """A JSON view that parses, calls and replies, nothing else:
    ``service(member_id=<the signed-in member>, **<the URL's arguments>,
    **body(<the JSON body>))``, answered by :func:`service_response`.

    The URL's arguments are named as the service's. With *body*, the request's
    JSON is parsed first, so a malformed one is refused before the session is
    looked at."""

    @require_http_methods(list(methods))
    @json_errors
    def view(request: HttpRequest, **url_args: Any) -> HttpResponse:
        fields = body(json_body(request)) if body is not None else {}
        return service_response(
            request, lambda me: service(member_id=me, **url_args, **fields), status=status
        )

    view.__name__ = view.__qualname__ = service.__name__
    view.__doc__ = service.__doc__
    return view


def required_int(data: dict[str, Any], name: str) -> int:
    value = data.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 2**53:
        raise BadInput(f"'{name}' must be a whole number.", code="bad_field")
    return value
