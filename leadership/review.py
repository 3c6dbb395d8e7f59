"""A facilitator's review of applications, and the approved applicant's password.

Approving doesn't change anyone's role on the spot: it sends the applicant a
one-time link in their inbox. Setting a password through it makes them a peer
supporter through ``community.sessions.member_access_set``, the one service for
role changes, which ends their sessions and closes their sockets: they sign in
again at /facilitators/login/ with the handle and the new password.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.inbox import inbox_add
from community.models import InboxKind, Member, Role
from community.sessions import member_access_set
from core.errors import BadInput, NotFound
from core.frames import timestamp
from leadership.eligibility import SANCTIONS, application_bar
from leadership.models import OPEN_STATUSES, Application, ApplicationStatus, PasswordLink
from leadership.services import application_data, refuse_closed
from moderation.checks import audit, check_moderator, check_moderators_named
from moderation.models import AuditEntry

DECISIONS = ("approve", "more", "decline")


def applications_waiting(*, member_id: int) -> list[dict[str, Any]]:
    """Open applications for facilitators, those ready for review first."""
    check_moderator(member_id=member_id)
    found = Application.objects.filter(status__in=OPEN_STATUSES).select_related("member")
    ordered = sorted(found, key=lambda a: (a.status != ApplicationStatus.REVIEW, a.created_at))
    return [{**application_data(a), "handle": a.member.handle} for a in ordered]


def application_review(*, member_id: int, application_id: int) -> dict[str, Any]:
    """One application with what a facilitator weighs: the bar, the course, the
    shadow hours and the applicant's recent record in the audit log."""
    check_moderator(member_id=member_id)
    application = Application.objects.select_related("member").filter(pk=application_id).first()
    if application is None:
        raise NotFound(_("There is no such application."))
    since = timezone.now() - timedelta(days=settings.LEADERSHIP_CLEAN_DAYS)
    record = AuditEntry.objects.filter(
        target_handle=application.member.handle, created_at__gte=since
    ).order_by("-created_at")[:20]
    return {
        **application_data(application),
        "handle": application.member.handle,
        "motivation": application.motivation,
        "joined": timestamp(application.member.created_at),
        "bar": application_bar(member=application.member),
        "record": [
            {
                "action": entry.action,
                "at": timestamp(entry.created_at),
                "reason": entry.reason,
                "sanction": entry.action in SANCTIONS,
            }
            for entry in record
        ],
    }


def _check_mentor(handle: str | None, facilitator: Member) -> Member:
    if not handle:
        return facilitator
    refusal = BadInput(_("The mentor must be a facilitator."), code="bad_field")
    return check_moderators_named([handle], refusal=refusal)[0]


@transaction.atomic
def application_decide(
    *,
    member_id: int,
    application_id: int,
    decision: str,
    reason: str = "",
    mentor: str | None = None,
) -> dict[str, Any]:
    """Approve (with a mentor, on probation), ask for more, or decline kindly."""
    facilitator = check_moderator(member_id=member_id)
    if decision not in DECISIONS:
        raise BadInput(_("Choose approve, more or decline."), code="bad_field")
    reason = reason.strip()[:1000]
    if decision != "approve" and not reason:
        raise BadInput(_("Please tell the applicant why, kindly."), code="bad_field")
    application = (
        Application.objects.select_for_update().select_related("member").filter(pk=application_id)
    ).first()
    if application is None:
        raise NotFound(_("There is no such application."))
    refuse_closed(application)
    now = timezone.now()
    application.reason, application.decided_by, application.decided_at = reason, facilitator, now
    applicant = application.member
    if decision == "approve":
        application.status = ApplicationStatus.APPROVED
        application.mentor = _check_mentor(mentor, facilitator)
        application.probation_until = now + timedelta(days=settings.LEADERSHIP_PROBATION_DAYS)
        _send_password_link(applicant, mentor=application.mentor)
    elif decision == "more":
        application.status = ApplicationStatus.MORE
        # Another stretch of shadowing before it comes back to review.
        application.shadow_seconds, application.shadow_last_at = 0, None
        inbox_add(
            member_id=applicant.pk,
            kind=InboxKind.NOTICE,
            text=_("A facilitator looked at your application and asked for a little more: %s")
            % reason,
            url="/leadership/",
        )
    else:
        application.status = ApplicationStatus.DECLINED
        inbox_add(
            member_id=applicant.pk,
            kind=InboxKind.NOTICE,
            text=_(
                "Thank you for offering to help. A facilitator decided not to go ahead "
                "this time: %s"
            )
            % reason,
            url="/leadership/",
        )
    application.save()
    audit(facilitator, f"supporter_{decision}", target=applicant, reason=reason)
    return {**application_data(application), "handle": applicant.handle}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _send_password_link(applicant: Member, *, mentor: Member) -> None:
    token = secrets.token_urlsafe(32)
    PasswordLink.objects.create(
        member=applicant,
        token_hash=_hash(token),
        role=Role.SUPPORTER,
        expires_at=timezone.now() + timedelta(hours=settings.LEADERSHIP_PASSWORD_LINK_HOURS),
    )
    inbox_add(
        member_id=applicant.pk,
        kind=InboxKind.NOTICE,
        text=_(
            "Welcome, peer supporter! %(mentor)s will be your mentor. Set your password "
            "through this link (it works once) and sign in at /facilitators/login/."
        )
        % {"mentor": mentor.handle},
        url=f"/leadership/password/{token}/",
    )


def _usable_link(token: str, *, lock: bool = False) -> PasswordLink:
    found = PasswordLink.objects.select_related("member").filter(
        token_hash=_hash(token), used_at__isnull=True, expires_at__gt=timezone.now()
    )
    link = (found.select_for_update() if lock else found).first()
    if link is None or not link.member.is_active or link.member.is_banned:
        raise NotFound(
            _("This link has expired or has already been used. Ask a facilitator for a new one.")
        )
    return link


def password_link_handle(*, token: str) -> str:
    return _usable_link(token).member.handle


@transaction.atomic
def password_link_use(*, token: str, password: str, again: str) -> dict[str, Any]:
    """Set the password and the role the link carries; every session of the member ends."""
    link = _usable_link(token, lock=True)
    member = link.member
    if password != again:
        raise BadInput(_("The two passwords don't match."), code="bad_field")
    try:
        validate_password(password, member)
    except ValidationError as exc:
        raise BadInput(" ".join(exc.messages), code="weak_password") from None
    member.set_password(password)
    member.save(update_fields=["password"])
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    member_access_set(member_id=member.pk, role=link.role)
    return {"handle": member.handle, "role": link.role}
