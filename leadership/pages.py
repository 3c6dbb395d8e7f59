"""The leadership pages of a member, an applicant and a supporter.

Plain forms (no script needed) over the same services the JSON API calls; a
refusal is shown on the page it came from, in the service's own words.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from community.models import Role
from core.errors import KindredError
from core.routes import Routes
from core.web import member_page
from leadership import care, course, services, shifts
from leadership.models import Application, ApplicationStatus
from leadership.supporters_room import ensure_supporters_room

routes = Routes()

HELPERS = (Role.SUPPORTER, Role.FACILITATOR, Role.ADMIN)


def _helper_context(member) -> dict[str, Any]:
    approved = Application.objects.filter(member=member, status=ApplicationStatus.APPROVED).first()
    return {
        "shift": shifts.shift_state(member=member),
        "thanks": care.thanks_received(member=member),
        "debriefs": care.debriefs_due(member=member),
        "mentor": approved.mentor.handle if approved and approved.mentor else None,
        "probation_until": approved.probation_until if approved else None,
        "supporters_room": ensure_supporters_room(),
    }


def _act(member, action: str, data) -> None:
    if action == "apply":
        services.application_start(member_id=member.pk, motivation=data.get("motivation", ""))
    elif action == "withdraw":
        services.application_withdraw(member_id=member.pk)
    elif action in ("shift_on", "shift_off") and member.role in HELPERS:
        shifts.shift_set(member=member, on=action == "shift_on")


@routes.path("leadership/", name="leadership-home", methods=["GET", "POST"])
@member_page
def home(request: HttpRequest, member) -> HttpResponse:
    """/leadership/: the bar and "Become a peer supporter", the application's
    progress, or a supporter's shift, thanks and debriefs."""
    error = None
    if request.method == "POST":
        try:
            _act(member, request.POST.get("action", ""), request.POST)
            return redirect("leadership-home")
        except KindredError as exc:
            error = exc.detail
    state = services.leadership_state(member_id=member.pk)
    context = {"member": member, "state": state, "error": error, "modules": course.MODULES}
    if member.role in HELPERS:
        context.update(_helper_context(member))
    return render(request, "leadership/home.html", context, status=400 if error else 200)


@routes.path("leadership/course/<slug:slug>/", name="leadership-module", methods=["GET", "POST"])
@member_page
def module(request: HttpRequest, member, slug: str) -> HttpResponse:
    """One part of the course, its scenario questions, and what each answer means."""
    found = course.BY_SLUG.get(slug)
    application = Application.objects.filter(member=member).first()
    if found is None or application is None:
        return render(request, "404.html", status=404)
    result, error = None, None
    if request.method == "POST":
        answers = {q.key: request.POST.get(q.key, "") for q in found.questions}
        try:
            result = services.course_answer(member_id=member.pk, slug=slug, answers=answers)
        except KindredError as exc:
            error = exc.detail
    slugs = [m.slug for m in course.MODULES]
    index = slugs.index(slug)
    following = course.MODULES[index + 1] if index + 1 < len(slugs) else None
    return render(
        request,
        "leadership/module.html",
        {
            "module": found,
            "number": index + 1,
            "total": len(slugs),
            "next_module": following,
            "result": result,
            "why": {q["key"]: q for q in result["questions"]} if result else {},
            "chosen": request.POST if request.method == "POST" else {},
            "passed_before": slug in application.course,
            "error": error,
        },
    )


@routes.get("leadership/shadow/", name="leadership-shadow")
@member_page
def shadow(request: HttpRequest, member) -> HttpResponse:
    """Read-only: the drop-in line and what is waiting for a facilitator (shadow.js)."""
    try:
        services.check_shadowing(member.pk)
    except KindredError as exc:
        return render(request, "403.html", {"title": exc.detail, "detail": ""}, status=403)
    return render(request, "leadership/shadow.html", {"member": member})
