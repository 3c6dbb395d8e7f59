"""The moderation app's pages: the crisis-lines page and the facilitators' dashboard."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import ensure_csrf_cookie

from community.models import Role
from core.routes import Routes
from core.web import current_member
from crisis.lines import OTHER_COUNTRY, listed_countries, resolve_country, resources_for_country
from moderation import paging
from moderation.models import ItemKind, QueueItem
from moderation.queue import OPEN_STATES
from rooms.models import Room, RoomKind

routes = Routes()


@routes.get("resources/", name="resources")
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


@routes.get("safety-plan/", name="safety-plan")
def safety_plan(request: HttpRequest) -> HttpResponse:
    """The member's safety plan: a form whose contents stay in the browser."""
    return render(request, "safety_plan.html", {"sections": SAFETY_PLAN_SECTIONS})


FACILITATOR_LOGIN = "/facilitators/login/?next=/facilitators/"


@routes.get("facilitators/", name="dashboard")
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
            offered = sorted({*SLOW_MODE_CHOICES, found.slow_mode_seconds})
            choices = [(seconds, duration_words(seconds)) for seconds in offered]
            rooms.append({"room": found, "slow_choices": choices})
    return render(
        request,
        "facilitators/dashboard.html",
        {
            "member": member,
            "moderator": moderator,
            "role_words": ROLE_WORDS.get(member.role, member.role),
            "rooms": rooms,
            "mute_choices": [(m, duration_words(m * 60)) for m in MUTE_CHOICES],
            "oncall": paging.anyone_to_page(),
            "crisis_waiting": moderator
            and QueueItem.objects.filter(kind=ItemKind.CRISIS, state__in=OPEN_STATES).count(),
        },
    )


#: Slow-mode settings offered on the dashboard, in seconds (0: off).
SLOW_MODE_CHOICES = (0, 10, 30, 60, 120, 300)
ROLE_WORDS = {
    "facilitator": gettext_lazy("facilitator"),
    "admin": gettext_lazy("admin"),
    "supporter": gettext_lazy("peer supporter"),
}
#: Mute lengths offered on the dashboard, in minutes.
MUTE_CHOICES = (10, 60, 240, 1440, 10080)


def duration_words(seconds: int) -> str:
    """A duration in words, in the page's language: "Off", "30 seconds", "1 hour"."""
    if not seconds:
        return _("Off")
    for size, words in (
        (86400, lambda n: ngettext("%(n)d day", "%(n)d days", n)),
        (3600, lambda n: ngettext("%(n)d hour", "%(n)d hours", n)),
        (60, lambda n: ngettext("%(n)d minute", "%(n)d minutes", n)),
    ):
        if seconds % size == 0:
            return words(seconds // size) % {"n": seconds // size}
    return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
