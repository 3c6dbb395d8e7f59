"""The facilitators' applications page: who has applied, and a decision on each."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.errors import KindredError
from core.routes import Routes
from core.web import current_member
from leadership import review

routes = Routes()

FACILITATOR_LOGIN = "/facilitators/login/?next=/facilitators/applications/"


def _refused(request: HttpRequest, exc: KindredError) -> HttpResponse:
    return render(
        request,
        "403.html",
        {"title": exc.detail, "detail": " ", "sign_in": FACILITATOR_LOGIN},
        status=exc.status,
    )


@routes.get("facilitators/applications/", name="leadership-applications")
def applications(request: HttpRequest) -> HttpResponse:
    member = current_member(request)
    if member is None:
        return redirect(FACILITATOR_LOGIN)
    try:
        waiting = review.applications_waiting(member_id=member.pk)
    except KindredError as exc:
        return _refused(request, exc)
    return render(
        request, "leadership/applications.html", {"member": member, "applications": waiting}
    )


@routes.path(
    "facilitators/applications/<int:application_id>/",
    name="leadership-application",
    methods=["GET", "POST"],
)
def application(request: HttpRequest, application_id: int) -> HttpResponse:
    member = current_member(request)
    if member is None:
        return redirect(FACILITATOR_LOGIN)
    error = None
    if request.method == "POST":
        try:
            review.application_decide(
                member_id=member.pk,
                application_id=application_id,
                decision=request.POST.get("decision", ""),
                reason=request.POST.get("reason", ""),
                mentor=request.POST.get("mentor") or None,
            )
            return redirect("leadership-applications")
        except KindredError as exc:
            error = exc.detail
    try:
        found = review.application_review(member_id=member.pk, application_id=application_id)
    except KindredError as exc:
        return _refused(request, exc)
    return render(
        request,
        "leadership/application.html",
        {"member": member, "application": found, "error": error},
        status=400 if error else 200,
    )
