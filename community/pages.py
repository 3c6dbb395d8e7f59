"""Server-rendered pages (the web app) and the site-wide presence API.

Every page is a Django template plus, where it needs one, a small ES module
under ``static/kindred/`` (no inline script, no inline style: see the CSP in
settings). docs/web.md describes the pages and what their scripts do.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import quote, urlsplit

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from realtime.presence import presence_counts, presence_counts_or_empty
from rooms.selectors import topic_rooms

logger = logging.getLogger("kindred.pages")

DEFAULT_NEXT = "/rooms/newcomers/"
# A same-site path: one leading slash (never "//" or "/\", which browsers treat
# as another host), then only URL-safe characters: no scheme, no backslash,
# no whitespace or control characters.
_SAFE_PATH = re.compile(r"/(?![/\\])[A-Za-z0-9\-._~/?=&%+]{0,199}")
# Paths a member is never sent to after joining.
_NOT_NEXT = ("/join/", "/api/", "/ws/", "/admin/", "/static/", "/facilitators/login/")

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
    "FR": "France",
    "ES": "Spain",
    "IT": "Italy",
    "NL": "Netherlands",
    "MX": "Mexico",
    "BR": "Brazil",
}
#: Names that read "in the United States", not "in United States".
_WITH_THE = frozenset({"US", "GB", "NL"})
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

GUIDELINES = (
    (
        "Be kind.",
        "Everyone here is working through something. Disagree gently; no insults, "
        "threats or harassment.",
    ),
    (
        "Stay anonymous, and keep others anonymous.",
        "Don't share real names, phone numbers, addresses, workplaces or photos: yours or "
        "anyone else's.",
    ),
    (
        "Share your experience, not instructions.",
        "No selling, sourcing or describing how to use substances. No medical advice "
        "presented as fact.",
    ),
    (
        "Kindred is not a crisis service.",
        "If you or someone else is in danger, use the crisis lines at the top of every page "
        "or call your local emergency number.",
    ),
    (
        "Facilitators keep rooms safe.",
        "They may remove messages, slow a room down or ask someone to leave. You can report "
        "any message and block anyone.",
    ),
)


# --- helpers ------------------------------------------------------------------


def safe_next(value: str | None) -> str:
    """*value* when it is a same-site path a member may be sent to, else the default room."""
    if not value or not _SAFE_PATH.fullmatch(value):
        return DEFAULT_NEXT
    if not url_has_allowed_host_and_scheme(value, allowed_hosts=None):
        return DEFAULT_NEXT
    if value.startswith(_NOT_NEXT) or value == "/join":
        return DEFAULT_NEXT
    return value


def browser_country(accept_language: str) -> str | None:
    """The region of the most preferred language tag that names one ("en-GB" -> "GB")."""
    tags: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        tags.append((-quality, index, tag.strip()))
    for _, _, tag in sorted(tags):
        for subtag in tag.split("-")[1:]:
            if len(subtag) == 2 and subtag.isascii() and subtag.isalpha():
                return subtag.upper()
    return None


def _load_resources() -> dict[str, Any] | None:
    try:
        from moderation.crisis import load_resources

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

    Built on ``moderation.crisis.load_resources`` (the file ``card_for`` reads):
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
    user = _member(request)
    if user is not None and getattr(user, "country", ""):
        stored = normalise_country(user.country)
        if stored:
            return stored, "member"
    guessed = normalise_country(browser_country(request.headers.get("Accept-Language", "")))
    if guessed:
        return guessed, "browser"
    return None, "default"


def _member(request: HttpRequest):
    user = getattr(request, "user", None)
    try:
        return user if user is not None and user.is_authenticated else None
    except DatabaseError:
        # Sessions live in the database: with it down, treat everyone as a visitor
        # so the pages that lead to help still render.
        return None


# --- pages --------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    counts = presence_counts_or_empty()
    try:
        listed = topic_rooms()
    except DatabaseError:
        # The crisis link and the page itself must still load; rooms come back
        # with the database.
        listed = []
    rooms = [{"room": room, "online": counts["rooms"].get(room.slug, 0)} for room in listed]
    return render(
        request,
        "home.html",
        {
            "rooms": rooms,
            "facilitators_on_duty": counts["facilitators_on_duty"],
            "online": counts["online"],
            "member": _member(request),
        },
    )


@require_GET
@ensure_csrf_cookie
def join(request: HttpRequest) -> HttpResponse:
    guessed = normalise_country(browser_country(request.headers.get("Accept-Language", "")))
    countries = listed_countries()
    listed = {c["code"] for c in countries}
    return render(
        request,
        "join.html",
        {
            "next": safe_next(request.GET.get("next")),
            "member": _member(request),
            "countries": countries,
            "guessed_country": guessed if guessed in listed else "",
            "guidelines": GUIDELINES,
        },
    )


@require_GET
def room(request: HttpRequest, slug: str) -> HttpResponse:
    from rooms.models import Room, RoomKind

    found = (
        Room.objects.filter(slug=slug, kind=RoomKind.TOPIC)
        .only("slug", "title", "description", "is_locked", "slow_mode_seconds")
        .first()
    )
    if found is None:
        return render(
            request,
            "404.html",
            {"what": "room", "detail": "There's no room here. It may have been renamed or closed."},
            status=404,
        )
    member = _member(request)
    if member is None:
        return redirect(f"/join/?{urlencode({'next': f'/rooms/{found.slug}/'})}")
    return render(request, "room.html", {"room": found, "member": member})


@require_GET
def resources(request: HttpRequest) -> HttpResponse:
    country, source = resolve_country(request)
    shown = resources_for_country(country)
    return render(
        request,
        "resources.html",
        {
            "shown": shown,
            "source": source,
            "asked_code": country if country and country != OTHER_COUNTRY else "",
            "countries": listed_countries(),
            "other": OTHER_COUNTRY,
        },
    )


def _join_first(path: str) -> HttpResponse:
    return redirect(f"/join/?{urlencode({'next': path})}")


#: Ids beyond this can't exist (and could overflow the database's integer).
_MAX_ID = 2**53 - 1


@require_GET
@ensure_csrf_cookie
def chats(request: HttpRequest) -> HttpResponse:
    """Your one-on-one chats and requests; ask someone for a chat (chats.js)."""
    member = _member(request)
    if member is None:
        return _join_first("/chats/")
    from django.conf import settings

    return render(
        request,
        "chats.html",
        {"member": member, "expire_minutes": settings.CHAT_REQUEST_EXPIRE_MINUTES},
    )


def _no_chat(request: HttpRequest) -> HttpResponse:
    # The same page for an id that doesn't exist and a chat you're not in: ids can't be probed.
    return render(
        request,
        "404.html",
        {
            "what": "chat",
            "detail": "There's no chat here. It may have ended, or the link may be wrong.",
        },
        status=404,
    )


@require_GET
@ensure_csrf_cookie
def chat(request: HttpRequest, chat_id: int) -> HttpResponse:
    """One one-on-one chat, for its two participants only (chat.js over /ws/chats/<id>/)."""
    from rooms.models import Chat

    member = _member(request)
    if member is None:
        return _join_first(f"/chats/{chat_id}/")
    if chat_id > _MAX_ID:
        return _no_chat(request)
    found = Chat.objects.select_related("requester", "recipient").filter(pk=chat_id).first()
    if found is None or member.pk not in (found.requester_id, found.recipient_id):
        return _no_chat(request)
    mine = found.requester_id == member.pk
    other = found.recipient if mine else found.requester
    return render(
        request,
        "chat.html",
        {
            "chat": found,
            "member": member,
            "other": other.handle,
            # "requester" or "recipient": what the origin line says depends on it.
            "side": "requester" if mine else "recipient",
        },
    )


@require_GET
@ensure_csrf_cookie
def dropin(request: HttpRequest) -> HttpResponse:
    """The drop-in line ("Talk to someone now"): join it and wait (dropin.js)."""
    from django.conf import settings
    from django.utils import timezone

    from rooms.models import ChatStatus, DropInRequest, DropInStatus, Room, RoomKind

    member = _member(request)
    if member is None:
        return _join_first("/dropin/")
    latest = (
        DropInRequest.objects.filter(member=member)
        .select_related("chat", "matched_by")
        .order_by("-created_at")
        .first()
    )
    timeout = int(settings.DROPIN_TIMEOUT_SECONDS)
    state, waited, matched = "start", 0, None
    if latest is not None and latest.status == DropInStatus.WAITING:
        state = "waiting"
        waited = max(0, int((timezone.now() - latest.created_at).total_seconds()))
        if latest.timeout_notified_at is not None or waited >= timeout:
            state = "timeout"
    elif (
        latest is not None
        and latest.status == DropInStatus.MATCHED
        and latest.chat is not None
        and latest.chat.status == ChatStatus.OPEN
    ):
        state = "matched"
        matched = {
            "chat": latest.chat_id,
            "with": latest.matched_by.handle if latest.matched_by else "",
        }
    country, _source = resolve_country(request)
    late_night = (
        Room.objects.filter(slug="late-night", kind=RoomKind.TOPIC).only("slug", "title").first()
    )
    return render(
        request,
        "dropin.html",
        {
            "member": member,
            "state": state,
            "waited": waited,
            "timeout_seconds": timeout,
            "matched": matched,
            "shown": resources_for_country(country),
            "facilitators_on_duty": presence_counts_or_empty()["facilitators_on_duty"],
            "late_night": late_night,
        },
    )


FACILITATOR_LOGIN = "/facilitators/login/?next=/facilitators/"


@require_GET
@ensure_csrf_cookie
def dashboard(request: HttpRequest) -> HttpResponse:
    """The facilitators' dashboard (dashboard.js over /ws/moderation/).

    Facilitators and admins get the whole dashboard; peer supporters the drop-in
    line only; members a 403 page; visitors the sign-in page.
    """
    from community.models import Role
    from rooms.models import Room, RoomKind

    member = _member(request)
    if member is None:
        return redirect(FACILITATOR_LOGIN)
    if member.role not in (Role.FACILITATOR, Role.ADMIN, Role.SUPPORTER):
        return render(
            request,
            "403.html",
            {
                "title": "For facilitators only",
                "detail": "This page is for Kindred's facilitators and peer supporters. "
                "If you're one of them, sign in with your facilitator handle.",
                "sign_in": FACILITATOR_LOGIN,
            },
            status=403,
        )
    moderator = member.role in (Role.FACILITATOR, Role.ADMIN)
    rooms = []
    if moderator:
        for found in (
            Room.objects.filter(kind=RoomKind.TOPIC)
            .order_by("position", "title")
            .only("slug", "title", "is_locked", "slow_mode_seconds")
        ):
            choices = list(SLOW_MODE_CHOICES)
            if found.slow_mode_seconds not in dict(choices):
                choices.append((found.slow_mode_seconds, f"{found.slow_mode_seconds} seconds"))
            rooms.append({"room": found, "slow_choices": sorted(choices)})
    return render(
        request,
        "facilitators/dashboard.html",
        {
            "member": member,
            "moderator": moderator,
            "role_words": ROLE_WORDS.get(member.role, member.role),
            "rooms": rooms,
            "mute_choices": MUTE_CHOICES,
        },
    )


#: Slow-mode settings offered on the dashboard: (seconds, words).
SLOW_MODE_CHOICES = (
    (0, "Off"),
    (10, "10 seconds"),
    (30, "30 seconds"),
    (60, "1 minute"),
    (120, "2 minutes"),
    (300, "5 minutes"),
)
ROLE_WORDS = {
    "facilitator": "facilitator",
    "admin": "admin",
    "supporter": "peer supporter",
}
#: Mute lengths offered on the dashboard: (minutes, words).
MUTE_CHOICES = (
    (10, "10 minutes"),
    (60, "1 hour"),
    (240, "4 hours"),
    (1440, "1 day"),
    (10080, "7 days"),
)


# --- the presence API ---------------------------------------------------------------


@require_GET
def presence(request: HttpRequest) -> HttpResponse:
    counts = presence_counts()
    return JsonResponse(
        {
            "online": counts["online"],
            "facilitators_on_duty": counts["facilitators_on_duty"],
            "rooms": counts["rooms"],
        }
    )
