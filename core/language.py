"""Which language to answer in: the one picker for pages and sockets alike.

The order is the member's latest explicit choice on this browser (the language
cookie the picker sets), then the language saved on their settings, then the
browser's ``Accept-Language``, then ``settings.LANGUAGE_CODE``. Only languages in
``settings.LANGUAGES`` are ever returned (docs/i18n.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation

from core.web import accept_language_tags, scope_header


def supported(code: str | None) -> str | None:
    """*code* ("es", "es-MX", "ES") as one of ``settings.LANGUAGES``, or None."""
    if not code or not isinstance(code, str) or len(code) > 35:
        return None
    try:
        return translation.get_supported_language_variant(code.strip().lower())
    except LookupError:
        return None


def language_choices() -> list[tuple[str, str]]:
    """(code, the language's own name) for the picker: "Español", not "Spanish"."""
    return [
        (code, translation.get_language_info(code)["name_local"]) for code, _ in settings.LANGUAGES
    ]


def pick_language(*, cookie: str | None, member_language: str | None, accept_language: str) -> str:
    """The language to answer in (see the module docstring for the order)."""
    for choice in (cookie, member_language):
        found = supported(choice)
        if found:
            return found
    for quality, tag in accept_language_tags(accept_language or ""):
        if quality <= 0 or tag == "*":
            continue
        found = supported(tag)
        if found:
            return found
    return settings.LANGUAGE_CODE


def scope_language(scope: dict[str, Any]) -> str:
    """The language for a socket, from its handshake's cookie and headers and its member."""
    cookies = scope.get("cookies") or {}
    return pick_language(
        cookie=cookies.get(settings.LANGUAGE_COOKIE_NAME),
        member_language=getattr(scope.get("user"), "language", None),
        accept_language=scope_header(scope, b"accept-language"),
    )
