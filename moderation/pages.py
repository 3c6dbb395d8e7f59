"""The moderation app's pages: the crisis-lines page and the facilitators' dashboard."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from community.models import Role
from core.web import current_member
from crisis.lines import (
    OTHER_COUNTRY,
    listed_countries,
    resolve_country,
    resources_for_country,
)
from moderation import paging
from moderation.models import ItemKind, QueueItem
from moderation.queue import OPEN_STATES
from rooms.models import Room, RoomKind


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


#: The safety plan's sections (as ui/safetyplan.js's PLAN_SECTIONS), with a gentle hint each.
SAFETY_PLAN_SECTIONS = [
    (
        "warning_signs",
        gettext_lazy("My warning signs"),
        gettext_lazy("Thoughts, feelings or situations that tell me a hard time is starting."),
    ),
    (
        "coping",
        gettext_lazy("Things I can do on my own that help"),
        gettext_lazy("Small things that calm me or get me through."),
    ),
    (
        "distractions",
        gettext_lazy("People and places that take my mind off things"),
        gettext_lazy("Somewhere to go, someone to be around."),
    ),
    (
        "contacts",
        gettext_lazy("People I can ask for help"),
        gettext_lazy("Names you trust; their numbers stay on this device."),
    ),
    (
        "professionals",
        gettext_lazy("Professionals and lines I can call"),
        gettext_lazy("A counsellor, a doctor, a crisis line."),
    ),
    (
        "safe_place",
        gettext_lazy("Making where I am safer"),
        gettext_lazy("What I can do, or ask someone to do, so I'm safer."),
    ),
    (
        "reasons",
        gettext_lazy("My reasons to stay"),
        gettext_lazy("The people, things and hopes that matter to me."),
    ),
]


@require_GET
def safety_plan(request: HttpRequest) -> HttpResponse:
    """The member's safety plan: a form whose contents stay in the browser."""
    return render(request, "safety_plan.html", {"sections": SAFETY_PLAN_SECTIONS})


FACILITATOR_LOGIN = "/facilitators/login/?next=/facilitators/"


@require_GET
@ensure_csrf_cookie
def dashboard(request: HttpRequest) -> HttpResponse:
    """The facilitators' dashboard (dashboard.js over /ws/moderation/).

    Facilitators and admins get the whole dashboard; peer supporters the drop-in
    line only; members a 403 page; visitors the sign-in page.
    """
    member = current_member(request)
    if member is None:
        return redirect(FACILITATOR_LOGIN)
    if member.role not in (Role.FACILITATOR, Role.ADMIN, Role.SUPPORTER):
        return render(
            request,
            "403.html",
            {
                "title": _("For facilitators only"),
                "detail": _(
                    "This page is for Kindred's facilitators and peer supporters. "
                    "If you're one of them, sign in with your facilitator handle."
                ),
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
            "oncall": paging.anyone_to_page(),
            "crisis_waiting": moderator
            and QueueItem.objects.filter(kind=ItemKind.CRISIS, state__in=OPEN_STATES).count(),
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
    "facilitator": gettext_lazy("facilitator"),
    "admin": gettext_lazy("admin"),
    "supporter": gettext_lazy("peer supporter"),
}
#: Mute lengths offered on the dashboard: (minutes, words).
MUTE_CHOICES = (
    (10, "10 minutes"),
    (60, "1 hour"),
    (240, "4 hours"),
    (1440, "1 day"),
    (10080, "7 days"),
)
