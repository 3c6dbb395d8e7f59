"""The members app's page: joining Kindred (join.js does the rest)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import ensure_csrf_cookie

from community.account import member_settings, time_zone_names
from core.routes import Routes
from core.web import browser_country, current_member, member_page, safe_next
from crisis.lines import listed_countries, normalise_country

routes = Routes()

GUIDELINES = (
    (
        gettext_lazy("Be kind."),
        gettext_lazy(
            "Everyone here is working through something. Disagree gently; no insults, "
            "threats or harassment."
        ),
    ),
    (
        gettext_lazy("Stay anonymous, and keep others anonymous."),
        gettext_lazy(
            "Don't share real names, phone numbers, addresses, workplaces or photos: yours or "
            "anyone else's."
        ),
    ),
    (
        gettext_lazy("Share your experience, not instructions."),
        gettext_lazy(
            "No selling, sourcing or describing how to use substances. No medical advice "
            "presented as fact."
        ),
    ),
    (
        gettext_lazy("Kindred is not a crisis service."),
        gettext_lazy(
            "If you or someone else is in danger, use the crisis lines at the top of every page "
            "or call your local emergency number."
        ),
    ),
    (
        gettext_lazy("Facilitators keep rooms safe."),
        gettext_lazy(
            "They may remove messages, slow a room down or ask someone to leave. You can report "
            "any message and block anyone."
        ),
    ),
)


@routes.get("join/", name="join")
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
            "member": current_member(request),
            "countries": countries,
            "guessed_country": guessed if guessed in listed else "",
            "guidelines": GUIDELINES,
        },
    )


@routes.get("me/", name="me")
@ensure_csrf_cookie
@member_page
def me(request: HttpRequest, member) -> HttpResponse:
    """Your settings: sign out, blocks, presence, country, time zone, notifications,
    the recovery phrase, deleting your handle (me.js does the rest)."""
    return render(
        request,
        "me.html",
        {
            "member": member,
            "settings": member_settings(member_id=member.pk),
            "countries": listed_countries(),
            "time_zones": time_zone_names(),
        },
    )
