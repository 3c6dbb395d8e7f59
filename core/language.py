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
    for tag, _quality in translation.trans_real.parse_accept_lang_header(accept_language or ""):
        if tag == "*":
            break
        found = supported(tag)
        if found:
            return found
    return settings.LANGUAGE_CODE


def scope_language(scope: dict[str, Any]) -> str:
    """The language for a socket, from its handshake's cookie and headers and its member."""
    cookies = scope.get("cookies") or {}
    user = scope.get("user")
    accept = ""
    for key, value in scope.get("headers", []):
        if key.lower() == b"accept-language":
            accept = value.decode("latin-1")
    return pick_language(
        cookie=cookies.get(settings.LANGUAGE_COOKIE_NAME),
        member_language=getattr(user, "language", None),
        accept_language=accept,
    )
