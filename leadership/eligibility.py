"""Who may apply to become a peer supporter: one function, one answer.

The bar is read from data Kindred already keeps: the handle's age, the days on
which the member wrote something, and moderation's own records (its audit log
of warnings, mutes, kicks and bans, and any mute in force). When moderation's
trust levels land (issue 23), ``application_bar`` is where a "restricted" trust
level, or a minimum level, joins these checks; nothing else asks.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community.models import Member, Role
from moderation.models import AuditEntry, Mute
from rooms.models import Message

#: Moderation actions that count as a sanction against the member they name.
SANCTIONS = ("warn", "mute", "kick", "ban")


def _active_days(member: Member) -> int:
    return (
        Message.objects.filter(author=member)
        .annotate(day=TruncDate("sent_at"))
        .values("day")
        .distinct()
        .count()
    )


def _sanctioned_since(member: Member, since: datetime, now: datetime) -> bool:
    audited = AuditEntry.objects.filter(
        target_handle=member.handle, action__in=SANCTIONS, created_at__gte=since
    ).exists()
    return audited or Mute.objects.filter(member=member, until__gt=now).exists()


def application_bar(*, member: Member, now: datetime | None = None) -> dict[str, Any]:
    """Whether *member* may apply now, and each check in plain words."""
    now = now or timezone.now()
    age_days = (now - member.created_at).days
    active = _active_days(member)
    clean_days = settings.LEADERSHIP_CLEAN_DAYS
    clean = not member.is_banned and not _sanctioned_since(
        member, now - timedelta(days=clean_days), now
    )
    need_age, need_active = (
        settings.LEADERSHIP_MIN_ACCOUNT_DAYS,
        settings.LEADERSHIP_MIN_ACTIVE_DAYS,
    )
    checks = [
        {
            "name": "account_age",
            "ok": age_days >= need_age,
            "text": ngettext(
                "A handle at least %(n)d day old.",
                "A handle at least %(n)d days old.",
                need_age,
            )
            % {"n": need_age},
        },
        {
            "name": "days_active",
            "ok": active >= need_active,
            "text": ngettext(
                "Taking part on at least %(n)d day (so far: %(have)d).",
                "Taking part on at least %(n)d different days (so far: %(have)d).",
                need_active,
            )
            % {"n": need_active, "have": active},
        },
        {
            "name": "no_sanctions",
            "ok": clean,
            "text": ngettext(
                "No warnings, mutes or bans in the last %(n)d day.",
                "No warnings, mutes or bans in the last %(n)d days.",
                clean_days,
            )
            % {"n": clean_days},
        },
        {
            "name": "member",
            "ok": member.role == Role.MEMBER and member.is_active,
            "text": _("A member, not already a supporter or facilitator."),
        },
    ]
    return {"eligible": all(check["ok"] for check in checks), "checks": checks}
