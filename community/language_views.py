"""The language picker every page shows (templates/_language_picker.html): a plain
form, so it works without JavaScript. The choice is remembered on this browser
(a cookie) and, for a signed-in member, on their settings (docs/i18n.md)."""

from __future__ import annotations

import contextlib
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt

from community import account
from core.errors import KindredError
from core.language import supported
from core.routes import Routes
from core.web import current_member

routes = Routes()


def remember_language(response: HttpResponse, language: str) -> HttpResponse:
    """Set the language cookie (core.language reads it first) on *response*."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        secure=settings.LANGUAGE_COOKIE_SECURE,
    )
    return response


@routes.post("language/", name="set-language")
# No CSRF token: the form is on every page, and a token would make each page
# unique and set a cookie on it. What a forged post could do is small: the session
# cookie is SameSite=Lax, so no member's setting changes, only this browser's
# language cookie, which the picker on the next page turns back.
@csrf_exempt
def set_language(request: HttpRequest) -> HttpResponse:
    """POST ``language``: answer in it from now on, back on the page the form was on
    (its Referer, same-site only; the page itself carries no address, so that it reads
    the same for everyone who gets it)."""
    back = "/"
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        back = parts.path + (f"?{parts.query}" if parts.query else "") or "/"
    response = HttpResponseRedirect(back)
    language = supported(request.POST.get("language"))
    if language is None:
        return response
    member = current_member(request)
    if member is not None:
        # A member who just left still gets the cookie.
        with contextlib.suppress(KindredError):
            account.member_settings_update(member_id=member.pk, changes={"language": language})
    return remember_language(response, language)
