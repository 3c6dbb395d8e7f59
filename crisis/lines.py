"""Crisis resources as the pages show them: the country, its lines, their links.

Built on :func:`crisis.load_resources` (the file ``card_for`` reads).
A path to help must always show: if the file can't be read, a fallback that
names the local emergency number and an international directory is used.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import quote, urlsplit

from django.http import HttpRequest
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from core.web import browser_country, current_member
from crisis.resources import load_resources, translated_name

logger = logging.getLogger("kindred.pages")

#: Display names of the countries the crisis-resources file lists (others show their code).
COUNTRY_NAMES = {
    "US": gettext_lazy("United States"),
    "CA": gettext_lazy("Canada"),
    "GB": gettext_lazy("United Kingdom"),
    "IE": gettext_lazy("Ireland"),
    "AU": gettext_lazy("Australia"),
    "NZ": gettext_lazy("New Zealand"),
    "IN": gettext_lazy("India"),
    "ZA": gettext_lazy("South Africa"),
    "DE": gettext_lazy("Germany"),
    "AT": gettext_lazy("Austria"),
    "CH": gettext_lazy("Switzerland"),
    "FR": gettext_lazy("France"),
    "BE": gettext_lazy("Belgium"),
    "ES": gettext_lazy("Spain"),
    "PT": gettext_lazy("Portugal"),
    "IT": gettext_lazy("Italy"),
    "NL": gettext_lazy("Netherlands"),
    "SE": gettext_lazy("Sweden"),
    "NO": gettext_lazy("Norway"),
    "DK": gettext_lazy("Denmark"),
    "FI": gettext_lazy("Finland"),
    "PL": gettext_lazy("Poland"),
    "MX": gettext_lazy("Mexico"),
    "BR": gettext_lazy("Brazil"),
    "AR": gettext_lazy("Argentina"),
    "CO": gettext_lazy("Colombia"),
    "CL": gettext_lazy("Chile"),
    "PE": gettext_lazy("Peru"),
    "UY": gettext_lazy("Uruguay"),
    "JP": gettext_lazy("Japan"),
    "KR": gettext_lazy("South Korea"),
    "PH": gettext_lazy("Philippines"),
    "SG": gettext_lazy("Singapore"),
    "HK": gettext_lazy("Hong Kong"),
}
#: Names that read "in the United States", not "in United States" (each language
#: decides its own article: "en el Reino Unido", "en Estados Unidos").
_IN_NAMES = {
    "US": gettext_lazy("the United States"),
    "GB": gettext_lazy("the United Kingdom"),
    "NL": gettext_lazy("the Netherlands"),
    "PH": gettext_lazy("the Philippines"),
}
OTHER_COUNTRY = "other"
_COUNTRY_CODE = re.compile(r"[A-Za-z]{2}")
# Used only when the resources file cannot be read: a path to help must always show.
_FALLBACK_RESOURCES = {
    "emergency": {
        "name": gettext_lazy("Your local emergency number"),
        "phone": None,
        "text": None,
        "url": None,
        "hours": "24/7",
    },
    "lines": [
        {
            "name": gettext_lazy("Find A Helpline (free, confidential helplines in your country)"),
            "phone": None,
            "text": None,
            "url": "https://findahelpline.com",
            "hours": gettext_lazy("Varies by service; many are 24/7"),
        }
    ],
}
CATEGORY_WORDS = {
    "suicide": gettext_lazy("thoughts of suicide"),
    "self_harm": gettext_lazy("self-harm"),
    "overdose": gettext_lazy("overdose"),
    "violence": gettext_lazy("violence or abuse"),
}


def _load_resources() -> dict[str, Any] | None:
    try:
        return load_resources()
    except Exception:
        logger.exception("crisis resources could not be loaded; showing the fallback")
        return None


def listed_countries() -> list[dict[str, str]]:
    """The countries the resources file has their own lines for, by display name."""
    data = _load_resources()
    codes = [c for c in (data or {}).get("countries", {}) if c != "international"]
    countries = [{"code": c, "name": str(COUNTRY_NAMES.get(c, c))} for c in codes]
    return sorted(countries, key=lambda c: c["name"])


def normalise_country(value: str | None) -> str | None:
    """An upper-case two-letter code, the resources file's alias resolved; or None."""
    if not value:
        return None
    value = value.strip()
    if value.lower() == OTHER_COUNTRY:
        return OTHER_COUNTRY
    if not _COUNTRY_CODE.fullmatch(value):
        return None
    code = value.upper()
    data = _load_resources()
    if data:
        code = data.get("aliases", {}).get(code, code)
    return code


def tel_href(phone: str) -> str:
    """``tel:`` link of a phone number as written in the resources file ("1-800-662-4357");
    a "*" stays, for short codes dialled with it (Chile's *4141)."""
    digits = re.sub(r"[^0-9+*]", "", phone)
    return f"tel:{digits}"


def sms_parts(text: str) -> tuple[str, str | None]:
    """(number, body) of a texting instruction: "HOME to 741741" or just "988"."""
    match = re.fullmatch(r"\s*(.+?)\s+to\s+([0-9][0-9 \-]*)\s*", text, flags=re.IGNORECASE)
    if match:
        return re.sub(r"[^0-9+]", "", match.group(2)), match.group(1)
    return re.sub(r"[^0-9+]", "", text), None


def sms_href(text: str) -> str:
    number, body = sms_parts(text)
    if body:
        # "?&body=" is the form both iOS and Android Messages accept.
        return f"sms:{number}?&body={quote(body)}"
    return f"sms:{number}"


def resource_links(entry: dict[str, Any]) -> list[dict[str, str]]:
    """The actions of one resource: call, text, website, in that order."""
    links = []
    if entry.get("phone"):
        links.append(
            {
                "kind": "call",
                "href": tel_href(entry["phone"]),
                "label": _("Call %(phone)s") % {"phone": entry["phone"]},
            }
        )
    if entry.get("text"):
        number, body = sms_parts(entry["text"])
        label = (
            _("Text %(word)s to %(number)s") % {"word": body, "number": number}
            if body
            else _("Text %(number)s") % {"number": number}
        )
        links.append({"kind": "text", "href": sms_href(entry["text"]), "label": label})
    if entry.get("url"):
        host = urlsplit(entry["url"]).hostname or entry["url"]
        shown = host.removeprefix("www.")
        links.append({"kind": "web", "href": entry["url"], "label": shown})
    return links


def _decorate(entry: dict[str, Any]) -> dict[str, Any]:
    categories = entry.get("categories")
    return {
        "name": translated_name(entry["name"]),
        "hours": translated_name(entry.get("hours") or ""),
        "links": resource_links(entry),
        "for": ", ".join(str(CATEGORY_WORDS.get(c, c)) for c in categories) if categories else "",
    }


def _language_first(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Lines in the page's language first (the 988 Lifeline's Spanish option), then
    those for everyone, then those in other languages: the page lists them all."""
    language = (get_language() or "").split("-")[0]

    def rank(line: dict[str, Any]) -> int:
        if "languages" not in line:
            return 1
        return 0 if language in line["languages"] else 2

    return sorted(lines, key=rank)


def resources_for_country(country: str | None) -> dict[str, Any]:
    """Everything the resources page shows for *country*, emergency services first.

    Built on ``crisis.load_resources`` (the file ``card_for`` reads):
    the country's emergency entry, then every crisis line it lists (any
    category), then the international directory for everywhere else. A country
    the file does not list, or ``"other"``, gets the international entry.
    """
    data = _load_resources()
    if data is None:
        countries: dict[str, Any] = {"international": _FALLBACK_RESOURCES}
        default = "international"
    else:
        countries = data["countries"]
        default = data.get("default_country", "US")
    code = country or default
    listed = code in countries and code != "international"
    entry = countries[code] if listed else countries["international"]
    international = countries["international"]
    everywhere = [] if entry is international else international.get("lines", [])
    emergency = _decorate(entry["emergency"])
    if not emergency["links"]:
        emergency["note"] = _(
            "Call your local emergency number. In many countries, 112 also works "
            "from any mobile phone."
        )
    return {
        "code": code if listed else OTHER_COUNTRY,
        "listed": listed,
        "name": COUNTRY_NAMES.get(code, code) if listed else "",
        "in_name": (str(_IN_NAMES.get(code) or COUNTRY_NAMES.get(code, code)) if listed else ""),
        "emergency": emergency,
        "lines": [_decorate(line) for line in _language_first(entry.get("lines", []))],
        "everywhere": [_decorate(line) for line in everywhere],
    }


def resolve_country(request: HttpRequest) -> tuple[str | None, str]:
    """The country to show resources for, and where it came from.

    ``?country=XX``, else the member's stored country, else the region of the
    browser's preferred language, else the resources file's default (US).
    """
    asked = normalise_country(request.GET.get("country"))
    if asked:
        return asked, "chosen"
    user = current_member(request)
    if user is not None and getattr(user, "country", ""):
        stored = normalise_country(user.country)
        if stored:
            return stored, "member"
    guessed = normalise_country(browser_country(request.headers.get("Accept-Language", "")))
    if guessed:
        return guessed, "browser"
    return None, "default"
