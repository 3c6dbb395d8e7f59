"""Kindred's one error type: a refusal with a stable code, words for people, and
an HTTP status on its class (after Zulip's ``JsonableError``).

``detail`` is in the language of the request or socket (core.language): services
write it with ``gettext``, and the defaults here are lazy, read when sent.

Services raise it; views turn it into a JSON response with :func:`error_response`
and sockets into an ``error`` frame with :func:`error_frame`, so a refusal reads
the same over HTTP and WebSocket (docs/protocol.md, "error"). ``code`` is the
contract; ``detail`` may change. Extra keyword arguments (``retry_after``,
``limit``, ``chat``, ...) travel with it as fields of the frame or response.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import JsonResponse
from django.utils.translation import gettext_lazy

from core.protocol import CLOSE_FORBIDDEN, CLOSE_NO_SESSION, CLOSE_NOT_FOUND


class KindredError(Exception):
    """A refusal: 400 unless a subclass says otherwise.

    The base class needs a ``code`` (``locked``, ``taken``, ...); subclasses
    name theirs, and an instance may still choose a more precise one (a 403
    ``banned`` is a :class:`NotAllowed`). A subclass declares its status, code
    and close code in its header: ``class Gone(KindredError, status=410, code="gone")``.
    """

    status: ClassVar[int] = 400
    default_code: ClassVar[str] = ""
    default_detail: ClassVar[str] = gettext_lazy("That can't be done.")
    #: How a socket refused while connecting closes (docs/protocol.md, "Close codes").
    close_code: ClassVar[int] = CLOSE_FORBIDDEN

    def __init_subclass__(
        cls,
        *,
        status: int | None = None,
        code: str | None = None,
        close_code: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)
        cls.status = status or cls.status
        cls.default_code = code or cls.default_code
        cls.close_code = close_code or cls.close_code

    def __init__(self, detail: str | None = None, *, code: str | None = None, **extra: Any):
        self.code = code or self.default_code
        if not self.code:
            raise TypeError(f"{type(self).__name__} needs a code")
        self.detail = detail or self.default_detail
        self.extra = extra
        super().__init__(self.detail)
        #: A crisis card for the sender of a refused message (rooms.services.message_send).
        self.crisis: dict[str, Any] | None = None


class NoSession(KindredError, status=401, code="no_session", close_code=CLOSE_NO_SESSION):
    default_detail = gettext_lazy("Join Kindred first: you have no member session.")


class NotFound(KindredError, status=404, code="not_found", close_code=CLOSE_NOT_FOUND):
    """Missing, or not one this member may see: one answer for both."""

    default_detail = gettext_lazy("There is no such thing here.")


class NotAllowed(KindredError, status=403, code="not_allowed"):
    default_detail = gettext_lazy("You can't join this conversation.")


class RateLimited(KindredError, status=429, code="rate_limited"):
    """Too many tries; ``retry_after`` (seconds), when known, says when to try again."""

    default_detail = gettext_lazy("Too many tries just now; please wait a little.")

    def __init__(
        self, detail: str | None = None, *, retry_after: int | None = None, **extra: Any
    ) -> None:
        if retry_after is not None:
            extra["retry_after"] = retry_after
        super().__init__(detail, **extra)


class BadInput(KindredError, code="bad_field"):
    """Malformed input: the code says which kind (``bad_json``, ``bad_field``, ...)."""

    default_detail = gettext_lazy("That request is not valid.")


class BadFrame(BadInput, code="bad_frame"):
    """A socket frame that doesn't parse into one this socket accepts."""

    default_detail = gettext_lazy("That frame is not valid here.")
    #: The frame's own ``ref`` when that much of it was valid, to answer with.
    ref: str | None = None


class TooLarge(KindredError, status=413, code="too_large"):
    default_detail = gettext_lazy("The request body is too large.")


class Unavailable(KindredError, status=503, code="unavailable"):
    """Storage or a helper was unreachable, or nothing could be done just now."""

    default_detail = gettext_lazy("We couldn't reach our storage just now. Please try again.")


def error_frame(error: KindredError) -> dict[str, Any]:
    """The socket ``error`` frame for *error*."""
    return {"type": "error", "code": error.code, "detail": str(error.detail), **error.extra}


def error_response(error: KindredError) -> JsonResponse:
    """The JSON answer for *error*, with its class's status."""
    body = {"error": error.code, "detail": str(error.detail), **error.extra}
    return JsonResponse(body, status=error.status)
