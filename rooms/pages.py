"""The rooms app's pages: home, a room, one-on-one chats, the drop-in line,
and the site-wide presence API. Each page is a template plus, where it needs
one, a small ES module under static/kindred/ (docs/web.md)."""

from __future__ import annotations

import json
import re
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie

from core.errors import KindredError
from core.frames import MAX_ID
from core.routes import Routes
from core.web import current_member, join_first, member_page
from crisis.lines import resolve_country, resources_for_country
from realtime.presence import presence_counts, presence_counts_or_empty
from rooms.access import room_open_to
from rooms.models import Chat, ChatStatus, DropInRequest, DropInStatus, Room, RoomKind
from rooms.reactions import REACTIONS
from rooms.sanitize import page_html
from rooms.selectors import room_in_language, topic_rooms
from rooms.services import room_page_history

routes = Routes()


@routes.get("start/", name="start")
def start(request: HttpRequest) -> HttpResponse:
    """Where joining sends someone who named no page: the newcomers' room in
    their language (``core.web.DEFAULT_NEXT``; Recién llegados for Spanish)."""
    slug = room_in_language("newcomers", translation.get_language())
    return redirect(f"/rooms/{slug}/")


@routes.get("", name="home")
def home(request: HttpRequest) -> HttpResponse:
    counts = presence_counts_or_empty()
    try:
        listed = topic_rooms(viewer=current_member(request))
    except DatabaseError:
        # The crisis link and the page itself must still load; rooms come back
        # with the database.
        listed = []
    rooms = [{"room": room, "online": counts["rooms"].get(room.slug, 0)} for room in listed]
    # The member's own language first; rooms in other languages on request (home.html).
    language = translation.get_language()
    own = [item for item in rooms if item["room"].language == language]
    return render(
        request,
        "home.html",
        {
            "rooms": own or rooms,
            "other_rooms": [item for item in rooms if item not in own] if own else [],
            "first_room": (own or rooms)[0]["room"].slug if rooms else "newcomers",
            "facilitators_on_duty": counts["facilitators_on_duty"],
            "online": counts["online"],
            "member": current_member(request),
        },
    )


@routes.get("rooms/<slug:slug>/", name="room")
def room(request: HttpRequest, slug: str) -> HttpResponse:
    found = (
        Room.objects.filter(slug=slug, kind=RoomKind.TOPIC)
        .only("slug", "title", "description", "is_locked", "slow_mode_seconds")
        .first()
    )
    member = current_member(request)
    if found is None or not room_open_to(member, found.slug):
        return render(
            request,
            "404.html",
            {
                "what": "room",
                "detail": _("There's no room here. It may have been renamed or closed."),
            },
            status=404,
        )
    if member is None:
        return join_first(f"/rooms/{found.slug}/")
    others = [
        other
        for other in Room.objects.filter(kind=RoomKind.TOPIC)
        .exclude(pk=found.pk)
        .only("slug", "title")
        if room_open_to(member, other.slug)
    ]
    try:
        shown = room_page_history(member_id=member.pk, room_slug=found.slug)
    except KindredError:
        shown = []  # the socket says why (ended session, ban)
    history = [_first_screen_item(m, me=member.handle) for m in shown]
    return render(
        request,
        "room.html",
        {"room": found, "member": member, "others": others, "history": history},
    )


@routes.get("chats/", name="chats")
@ensure_csrf_cookie
@member_page
def chats(request: HttpRequest, member) -> HttpResponse:
    """Your one-on-one chats and requests; ask someone for a chat (chats.js)."""
    return render(
        request,
        "chats.html",
        {
            "member": member,
            "expire_minutes": settings.CHAT_REQUEST_EXPIRE_MINUTES,
            "retention_days": settings.MESSAGE_RETENTION_DAYS,
        },
    )


def _no_chat(request: HttpRequest) -> HttpResponse:
    # The same page for an id that doesn't exist and a chat you're not in: ids can't be probed.
    return render(
        request,
        "404.html",
        {
            "what": "chat",
            "detail": _("There's no chat here. It may have ended, or the link may be wrong."),
        },
        status=404,
    )


@routes.get("chats/<int:chat_id>/", name="chat")
@ensure_csrf_cookie
@member_page
def chat(request: HttpRequest, member, chat_id: int) -> HttpResponse:
    """One one-on-one chat, for its two participants only (chat.js over /ws/chats/<id>/)."""
    if chat_id > MAX_ID:
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


@routes.get("dropin/", name="dropin")
@ensure_csrf_cookie
@member_page
def dropin(request: HttpRequest, member) -> HttpResponse:
    """The drop-in line ("Talk to someone now"): join it and wait (dropin.js)."""
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
    # The late-night room in the page's language (rooms.seed), else the English one.
    night_slug = room_in_language("late-night", translation.get_language())
    late_night = (
        Room.objects.filter(slug=night_slug, kind=RoomKind.TOPIC).only("slug", "title").first()
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


@routes.get("api/presence/", name="api-presence")
def presence(request: HttpRequest) -> HttpResponse:
    counts = presence_counts()
    return JsonResponse(
        {
            "online": counts["online"],
            "facilitators_on_duty": counts["facilitators_on_duty"],
            "rooms": counts["rooms"],
        }
    )


def _first_screen_item(m: Any, *, me: str) -> dict[str, Any]:
    """One message of a room page's first screen, with what templates/_message.html
    draws exactly as MessageList._fill does (so nothing moves when the client takes
    the page over): the reactions given so far, and a milestone's label."""
    counts, mine = m.reactions or {}, set(m.mine)
    pills = [
        {
            "key": key,
            "label": label,
            "text": f"{label} · {counts[key]}" if counts.get(key) else label,
            "pressed": "true" if key in mine else "false",
            "idle": not counts.get(key) and key not in mine,
        }
        for key, label in REACTIONS.items()
        if counts.get(key) or key in mine
    ]
    return {
        "id": m.id,
        "author": m.author,
        "own": m.author == me,
        "body": page_html(m.html),
        # HTML allows 1-3 digits of a second's fraction.
        "datetime": re.sub(r"(\.\d{3})\d+", r"\1", m.sent_at),
        "milestone": m.kind == "milestone",
        # Only its author is ever given a held message (rooms.selectors).
        "held": m.held and m.author == me,
        "pills": pills,
        "all_given": sum(1 for p in pills if not p["idle"]) == len(REACTIONS),
        "extras": json.dumps({"reactions": counts} if counts else {}),
    }
