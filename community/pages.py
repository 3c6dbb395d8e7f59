"""Server-rendered pages (the web app grows here) and the site-wide presence API."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from community.presence import presence_counts
from rooms.selectors import topic_rooms


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    counts = presence_counts()
    rooms = [{"room": room, "online": counts["rooms"].get(room.slug, 0)} for room in topic_rooms()]
    return render(
        request,
        "home.html",
        {"rooms": rooms, "facilitators_on_duty": counts["facilitators_on_duty"]},
    )


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
