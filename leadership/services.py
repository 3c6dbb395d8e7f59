"""The path into leadership: apply, take the course, shadow, be reviewed.

Each service checks first and writes second, with keyword-only arguments and
plain data back, for pages and the JSON API alike. A decision is a
facilitator's, written to moderation's audit log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Role
from core.errors import BadInput, KindredError, NotAllowed, NotFound
from core.frames import timestamp
from leadership import course
from leadership.eligibility import application_bar
from leadership.models import OPEN_STATUSES, Application, ApplicationStatus, PasswordLink
from moderation.models import ItemKind, QueueItem
from moderation.queue import OPEN_STATES
from rooms.access import check_member
from rooms.models import DropInRequest, DropInStatus


def _open_application(member_id: int, *, lock: bool = False) -> Application | None:
    found = Application.objects.filter(member_id=member_id, status__in=OPEN_STATUSES)
    if lock:
        found = found.select_for_update()
    return found.first()


def application_data(application: Application) -> dict[str, Any]:
    need = int(settings.LEADERSHIP_SHADOW_HOURS * 3600)
    return {
        "id": application.pk,
        "status": str(application.status),
        "course": {m.slug: m.slug in application.course for m in course.MODULES},
        "course_done": course_done(application),
        "shadow_seconds": application.shadow_seconds,
        "shadow_needed_seconds": need,
        "shadow_done": application.shadow_seconds >= need,
        "reason": application.reason or None,
        "created_at": timestamp(application.created_at),
    }


def course_done(application: Application) -> bool:
    return all(m.slug in application.course for m in course.MODULES)


def leadership_state(*, member_id: int, now: datetime | None = None) -> dict[str, Any]:
    """What the member's leadership page shows: the bar, or where their application is."""
    member = check_member(member_id=member_id)
    latest = Application.objects.filter(member=member).first()
    return {
        "role": str(member.role),
        "bar": application_bar(member=member, now=now),
        "application": application_data(latest) if latest else None,
    }


@transaction.atomic
def application_start(
    *, member_id: int, motivation: str = "", now: datetime | None = None
) -> dict[str, Any]:
    member = check_member(member_id=member_id)
    if len(motivation) > 1000:
        raise BadInput(_("Please keep it under 1,000 characters."), code="too_long")
    if not application_bar(member=member, now=now)["eligible"]:
        raise NotAllowed(_("You can't apply to be a peer supporter yet."))
    if PasswordLink.objects.filter(
        member=member, used_at__isnull=True, expires_at__gt=timezone.now()
    ).exists():
        raise NotAllowed(
            _("You've been approved: set your password through the link in your inbox.")
        )
    existing = _open_application(member.pk)
    if existing is not None:
        return application_data(existing)
    try:
        with transaction.atomic():
            application = Application.objects.create(member=member, motivation=motivation.strip())
    except IntegrityError:  # a second tab applied at the same moment
        application = _open_application(member.pk)
    return application_data(application)


def _check_applicant(member_id: int) -> Application:
    check_member(member_id=member_id)
    application = _open_application(member_id, lock=True)
    if application is None:
        raise NotFound(_("You don't have an application in progress."))
    return application


@transaction.atomic
def course_answer(*, member_id: int, slug: str, answers: dict[str, str]) -> dict[str, Any]:
    """Mark a module's answers; every question comes back with its explanation."""
    application = _check_applicant(member_id)
    module = course.BY_SLUG.get(slug)
    if module is None:
        raise NotFound(_("There is no such part of the course."))
    passed = course.module_passed(module, answers, settings.LEADERSHIP_COURSE_PASS_RATIO)
    if passed and slug not in application.course:
        application.course[slug] = timestamp(timezone.now())
        if course_done(application) and application.status == ApplicationStatus.LEARNING:
            application.status = ApplicationStatus.SHADOWING
        application.save(update_fields=["course", "status"])
    return {
        "module": slug,
        "passed": passed,
        "questions": [
            {"key": q.key, "right": answers.get(q.key) == q.answer, "why": str(q.why)}
            for q in module.questions
        ],
        "application": application_data(application),
    }


@transaction.atomic
def shadow_tick(*, member_id: int, now: datetime | None = None) -> dict[str, Any]:
    """The shadowing page's ping: counts the time since its last ping (at most
    ``LEADERSHIP_SHADOW_TICK_SECONDS``) and moves a finished applicant to review."""
    application = _check_applicant(member_id)
    if not course_done(application):
        raise NotAllowed(_("Shadowing opens once the course is done."))
    now = now or timezone.now()
    last = application.shadow_last_at
    if last is not None:
        gap = (now - last).total_seconds()
        if 0 < gap <= settings.LEADERSHIP_SHADOW_TICK_SECONDS:
            application.shadow_seconds += int(gap)
    application.shadow_last_at = now
    need = settings.LEADERSHIP_SHADOW_HOURS * 3600
    if application.shadow_seconds >= need and application.status in (
        ApplicationStatus.SHADOWING,
        ApplicationStatus.MORE,
    ):
        application.status = ApplicationStatus.REVIEW
    application.save(update_fields=["shadow_seconds", "shadow_last_at", "status"])
    return application_data(application)


@transaction.atomic
def application_withdraw(*, member_id: int) -> dict[str, Any]:
    application = _check_applicant(member_id)
    application.status = ApplicationStatus.WITHDRAWN
    application.save(update_fields=["status"])
    return application_data(application)


def check_supporter_or_moderator(member_id: int):
    member = check_member(member_id=member_id)
    if member.role not in (Role.SUPPORTER, Role.FACILITATOR, Role.ADMIN):
        raise NotAllowed(_("This is for Kindred's peer supporters and facilitators."))
    return member


def check_shadowing(member_id: int):
    """Shadowers (course done) and helpers may see the line read-only."""
    member = check_member(member_id=member_id)
    if member.role in (Role.SUPPORTER, Role.FACILITATOR, Role.ADMIN):
        return member
    application = _open_application(member.pk)
    if application is None or not course_done(application):
        raise NotAllowed(_("Shadowing opens once the course is done."))
    return member


def refuse_closed(application: Application) -> None:
    if application.status not in OPEN_STATUSES:
        raise KindredError(_("That application has already been decided."), code="closed")


def shadow_line(*, member_id: int) -> dict[str, Any]:
    """What a shadowing applicant sees, read-only: who waits in the drop-in line and
    for how long (a number, never a handle), and how many crisis alerts wait for a
    facilitator's reply. Nothing anyone wrote."""
    check_shadowing(member_id)
    now = timezone.now()
    waiting = DropInRequest.objects.filter(status=DropInStatus.WAITING).order_by("created_at")
    return {
        "line": [
            {"request": r.pk, "waiting_seconds": int((now - r.created_at).total_seconds())}
            for r in waiting[:50]
        ],
        "needs_reply": QueueItem.objects.filter(
            kind=ItemKind.CRISIS, state__in=OPEN_STATES, acknowledged_at__isnull=True
        ).count(),
    }
