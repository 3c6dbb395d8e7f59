"""HTTP endpoints for members: the session API and the facilitator sign-in."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_http_methods

from community import services
from community.models import Member
from community.privacy import delete_confirmation, member_delete
from community.sessions import session_end
from community.sign_in import sign_in_attempt, sign_in_throttled
from core import throttle
from core.errors import NoSession, NotAllowed
from core.http import (
    json_body,
    json_errors,
    optional_str,
    required_str,
    service_response,
)
from core.routes import Routes

DEVICE_COOKIE = "kindred_device"
DEVICE_COOKIE_AGE = 60 * 60 * 24 * 365 * 2

routes = Routes()


def _device_token(request: HttpRequest) -> str | None:
    return request.get_signed_cookie(DEVICE_COOKIE, default=None, salt="kindred.device")


def _remember_device(request: HttpRequest, response: HttpResponse, token: str) -> None:
    response.set_signed_cookie(
        DEVICE_COOKIE,
        token,
        salt="kindred.device",
        max_age=DEVICE_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=not settings.DEBUG and getattr(settings, "SESSION_COOKIE_SECURE", False),
    )


def _member(request: HttpRequest):
    user = request.user
    return user if user.is_authenticated else None


def _joined(request: HttpRequest, result: services.JoinResult, token: str) -> JsonResponse:
    member = Member.objects.get(pk=result.member_id)
    login(request, member, backend="django.contrib.auth.backends.ModelBackend")
    response = JsonResponse(
        {"handle": result.handle, "role": result.role, "recovery_code": result.recovery_code},
        status=201,
    )
    _remember_device(request, response, token)
    return response


@routes.path("api/session/", name="api-session")
@ensure_csrf_cookie
@require_http_methods(["GET", "POST"])
@json_errors
def session(request: HttpRequest) -> HttpResponse:
    """GET: who am I (401 when nobody). POST: join with a chosen or generated handle."""
    if request.method == "GET":
        member = _member(request)
        if member is None:
            raise NoSession()
        if member.is_banned:
            logout(request)
            raise NotAllowed(_("This handle has been banned."), code="banned")
        return JsonResponse(services.member_describe(member=member))
    data = json_body(request)
    handle = optional_str(data, "handle", max_length=64)
    country = (optional_str(data, "country", max_length=2) or "").upper()
    token = _device_token(request) or secrets.token_urlsafe(24)
    result = services.member_create(
        handle=handle, device_token=token, country=country, address=throttle.client_address(request)
    )
    return _joined(request, result, token)


@routes.post("api/session/recover/", name="api-session-recover")
@json_errors
def session_recover(request: HttpRequest) -> HttpResponse:
    data = json_body(request)
    handle = required_str(data, "handle", max_length=64)
    code = required_str(data, "recovery_code", max_length=300)
    token = _device_token(request) or secrets.token_urlsafe(24)
    result = services.member_recover(
        handle=handle,
        recovery_code=code,
        device_token=token,
        address=throttle.client_address(request),
    )
    response = _joined(request, result, token)
    response.status_code = 200
    return response


@routes.post("api/session/logout/", name="api-session-logout")
def session_logout(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if member is not None:
        # Ended here, and on every socket this session opened (in any process).
        session_end(member_id=member.pk, session_key=request.session.session_key)
    logout(request)
    return JsonResponse({"ok": True})


class FacilitatorLoginView(LoginView):
    """Facilitators and admins sign in with a password; members never do.

    Every attempt counts against the handle and the client's address (as a keyed
    hash only: core/throttle.py); past either limit the answer is 429 with a
    page that says when to try again, and the password is not even checked."""

    template_name = "facilitators/login.html"
    redirect_authenticated_user = False

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        wait = sign_in_attempt(
            handle=request.POST.get("username", "")[:64],
            address=throttle.client_address(request),
        )
        if wait:
            return sign_in_throttled(request, wait)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.get_user()
        if user.role not in ("facilitator", "admin", "supporter"):
            form.add_error(None, "This sign-in is for facilitators and peer supporters.")
            return self.form_invalid(form)
        return super().form_valid(form)

    def get_success_url(self) -> str:
        return self.get_redirect_url() or "/"


routes.path("facilitators/login/", name="facilitator-login")(FacilitatorLoginView.as_view())


@routes.post("api/session/delete/", name="api-session-delete")
@json_errors
def session_delete(request: HttpRequest) -> HttpResponse:
    """Delete your handle and everything you wrote. Without ``confirm``: step one,
    which answers with the token to send back; with it: done, and signed out."""
    confirm = optional_str(json_body(request), "confirm", max_length=500)
    if confirm is None:
        return service_response(request, lambda me: delete_confirmation(member_id=me))
    response = service_response(request, lambda me: member_delete(member_id=me, confirm=confirm))
    if response.status_code == 200:
        logout(request)
    return response
