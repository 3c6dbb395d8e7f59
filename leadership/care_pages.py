"""Pages for helpers and the members they helped: stepping away, the debrief,
"this helped", and setting a supporter's password from the inbox link."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.errors import KindredError
from core.routes import Routes
from core.web import member_page
from leadership import care, handover, review

routes = Routes()

LOGIN_AFTER_PASSWORD = "/facilitators/login/?next=/facilitators/&welcome=1"  # noqa: S105 (a path)


def _refusal_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A refusal the page doesn't answer itself (no such chat or link, or not
    this member's) is the 403 page, with the refusal's own status."""

    @functools.wraps(view)
    def page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except KindredError as exc:
            context = {"title": exc.detail, "detail": " "}
            return render(request, "403.html", context, status=exc.status)

    return page


@routes.path(
    "leadership/chats/<int:chat_id>/step-away/",
    name="leadership-step-away",
    methods=["GET", "POST"],
)
@member_page
@_refusal_page
def step_away(request: HttpRequest, member, chat_id: int) -> HttpResponse:
    """Hand a drop-in chat back to the line with a note for whoever is next."""
    chat = handover.helper_chat(member, chat_id)
    error = None
    if request.method == "POST":
        try:
            done = handover.chat_step_away(
                member_id=member.pk, chat_id=chat.pk, note=request.POST.get("note", "")
            )
        except KindredError as exc:
            error = exc.detail
        else:
            if done["debrief"]:
                return redirect("leadership-debrief", chat_id=chat.pk)
            return redirect("/leadership/?stepped_away=1")
    return render(
        request,
        "leadership/step_away.html",
        {"chat": chat, "error": error},
        status=400 if error else 200,
    )


@routes.path(
    "leadership/debrief/<int:chat_id>/", name="leadership-debrief", methods=["GET", "POST"]
)
@member_page
@_refusal_page
def debrief(request: HttpRequest, member, chat_id: int) -> HttpResponse:
    state = care.debrief_chat(member_id=member.pk, chat_id=chat_id)
    saved, error = None, None
    if request.method == "POST":
        try:
            saved = care.debrief_save(
                member_id=member.pk,
                chat_id=chat_id,
                feeling=request.POST.get("feeling", ""),
                notes=request.POST.get("notes", ""),
                wants_mentor=request.POST.get("wants_mentor") == "1",
            )
        except KindredError as exc:
            error = exc.detail
    return render(
        request,
        "leadership/debrief.html",
        {"state": state, "saved": saved, "error": error, "feelings": care.FEELINGS},
    )


@routes.path("leadership/thanks/<int:chat_id>/", name="leadership-thanks", methods=["GET", "POST"])
@member_page
@_refusal_page
def thanks(request: HttpRequest, member, chat_id: int) -> HttpResponse:
    state = care.thanks_target(member_id=member.pk, chat_id=chat_id)
    error = None
    if request.method == "POST":
        try:
            care.thanks_leave(
                member_id=member.pk, chat_id=chat_id, words=request.POST.get("words", "")
            )
            state["done"] = True
        except KindredError as exc:
            error = exc.detail
    return render(request, "leadership/thanks.html", {"state": state, "error": error})


@routes.path(
    "leadership/password/<str:token>/", name="leadership-password", methods=["GET", "POST"]
)
@_refusal_page
def password(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link from an approval: choose a password, then sign in as staff."""
    handle = review.password_link_handle(token=token)
    error = None
    if request.method == "POST":
        try:
            review.password_link_use(
                token=token,
                password=request.POST.get("password", ""),
                again=request.POST.get("again", ""),
            )
        except KindredError as exc:
            error = exc.detail
        else:
            logout(request)
            return redirect(LOGIN_AFTER_PASSWORD)
    return render(
        request,
        "leadership/password.html",
        {"handle": handle, "error": error},
        status=400 if error else 200,
    )
