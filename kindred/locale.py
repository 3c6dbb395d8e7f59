"""Activates the language of each request (core.language: cookie, then the
member's setting, then Accept-Language) and says which one in the response."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from core.language import language_choices, pick_language, supported
from core.web import current_member


class LanguageMiddleware:
    """After authentication, so a signed-in member's saved language counts."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cookie = supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        # The member is read only when the cookie doesn't decide: most requests
        # of a browser that ever used the picker need no session look-up here.
        member = None if cookie else current_member(request)
        language = cookie or pick_language(
            cookie=None,
            member_language=getattr(member, "language", None),
            accept_language=request.headers.get("Accept-Language", ""),
        )
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        return response


def language_context(request: HttpRequest) -> dict[str, object]:
    """The picker's choices (templates/_language_picker.html), each in its own language."""
    return {"language_choices": language_choices()}
