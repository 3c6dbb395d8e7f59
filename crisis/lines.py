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

from core.web import browser_country, current_member
from crisis.resources import load_resources

logger = logging.getLogger("kindred.pages")

#: Display names of the countries the crisis-resources file lists (others show their code).
COUNTRY_NAMES = {
    "US": "United States",
    "CA": "Canada",
    "GB": "United Kingdom",
    "IE": "Ireland",
    "AU": "Australia",
    "NZ": "New Zealand",
    "IN": "India",
    "ZA": "South Africa",
    "DE": "Germany",
    "AT": "Austria",
    "CH": "Switzerland",
    "FR": "France",
    "BE": "Belgium",
    "ES": "Spain",
    "PT": "Portugal",
    "IT": "Italy",
    "NL": "Netherlands",
    "SE": "Sweden",
    "NO": "Norway",
    "DK": "Denmark",
    "FI": "Finland",
    "PL": "Poland",
    "MX": "Mexico",
    "BR": "Brazil",
    "AR": "Argentina",
    "JP": "Japan",
    "KR": "South Korea",
    "PH": "Philippines",
    "SG": "Singapore",
    "HK": "Hong Kong",
}
#: Names that read "in the United States", not "in United States".
_WITH_THE = frozenset({"US", "GB", "NL", "PH"})
OTHER_COUNTRY = "other"
_COUNTRY_CODE = re.compile(r"[A-Za-z]{2}")
# Used only when the resources file cannot be read: a path to help must always show.
_FALLBACK_RESOURCES = {
    "emergency": {
        "name": "Your local emergency number",
        "phone": None,
        "text": None,
        "url": None,
        "hours": "24/7",
    },
    "lines": [
        {
            "name": "Find A Helpline (free, confidential helplines in your country)",
            "phone": None,
            "text": None,
            "url": "https://findahelpline.com",
            "hours": "Varies by service; many are 24/7",
        }
    ],
}
CATEGORY_WORDS = {
    "suicide": "thoughts of suicide",
    "self_harm": "self-harm",
    "overdose": "overdose",
    "violence": "violence or abuse",
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
    countries = [{"code": c, "name": COUNTRY_NAMES.get(c, c)} for c in codes]
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
    """``tel:`` link of a phone number as written in the resources file ("1-800-662-4357")."""
    digits = re.sub(r"[^0-9+]", "", phone)
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
            {"kind": "call", "href": tel_href(entry["phone"]), "label": f"Call {entry['phone']}"}
        )
    if entry.get("text"):
        number, body = sms_parts(entry["text"])
        label = f"Text {body} to {number}" if body else f"Text {number}"
        links.append({"kind": "text", "href": sms_href(entry["text"]), "label": label})
    if entry.get("url"):
        host = urlsplit(entry["url"]).hostname or entry["url"]
        shown = host.removeprefix("www.")
        links.append({"kind": "web", "href": entry["url"], "label": shown})
    return links


def _decorate(entry: dict[str, Any]) -> dict[str, Any]:
    categories = entry.get("categories")
    return {
        "name": entry["name"],
        "hours": entry.get("hours") or "",
        "links": resource_links(entry),
        "for": ", ".join(CATEGORY_WORDS.get(c, c) for c in categories) if categories else "",
    }


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
        emergency["note"] = (
            "Call your local emergency number. In many countries, 112 also works "
            "from any mobile phone."
        )
    return {
        "code": code if listed else OTHER_COUNTRY,
        "listed": listed,
        "name": COUNTRY_NAMES.get(code, code) if listed else "",
        "in_name": (
            ("the " if code in _WITH_THE else "") + COUNTRY_NAMES.get(code, code) if listed else ""
        ),
        "emergency": emergency,
        "lines": [_decorate(line) for line in entry.get("lines", [])],
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
