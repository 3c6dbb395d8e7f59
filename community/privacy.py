"""Retention and erasure: old messages go, and a member can delete themselves.

Kindred keeps what the community needs and no more. Messages are deleted after
``MESSAGE_RETENTION_DAYS``; a moderation item keeps only its short excerpt after
its message is gone, and closed items are deleted after
``MODERATION_RETENTION_DAYS``. A member can delete their handle and everything
they wrote, after a confirmation step.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Member
from community.signals import member_erasing, retention_due
from core.errors import KindredError, NotFound
from core.protocol import CLOSE_NO_SESSION
from realtime import bus

logger = logging.getLogger("kindred.privacy")

CONFIRM_SALT = "kindred.delete-member"
CONFIRM_MAX_AGE = 10 * 60


def purge(*, older_than_days: int | None = None) -> dict[str, int]:
    """Delete messages (and closed moderation items) past their retention."""
    days = settings.MESSAGE_RETENTION_DAYS if older_than_days is None else older_than_days
    now = timezone.now()
    removed = {"messages": 0, "items": 0}
    with transaction.atomic():
        for _receiver, counts in retention_due.send(
            sender=Member,
            messages_before=now - timedelta(days=days),
            items_before=now - timedelta(days=settings.MODERATION_RETENTION_DAYS),
        ):
            _add(removed, counts)
    logger.info(
        "purge removed messages=%s items=%s older_than_days=%s",
        removed["messages"],
        removed["items"],
        days,
    )
    return removed


def _add(total: dict[str, int], counts: dict[str, int] | None) -> None:
    for name, count in (counts or {}).items():
        total[name] = total.get(name, 0) + count


def purge_if_due() -> bool:
    """Run :func:`purge` at most once a day across all processes."""
    if not cache.add("kindred:purge-ran", "1", timeout=24 * 60 * 60):
        return False
    purge()
    return True


def delete_confirmation(*, member_id: int) -> dict[str, Any]:
    """Step one: a short-lived token the member sends back to confirm."""
    token = signing.dumps({"member": member_id}, salt=CONFIRM_SALT)
    return {
        "confirm": token,
        "detail": "This deletes your handle and everything you wrote, for good. "
        "Send this token back within 10 minutes to confirm.",
    }


def member_delete(*, member_id: int, confirm: str) -> dict[str, Any]:
    """Step two: delete the member and every message they wrote; rooms drop them live."""
    try:
        data = signing.loads(confirm, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        raise KindredError(
            _("That confirmation has expired. Please start again."), code="bad_confirmation"
        ) from None
    if data.get("member") != member_id:
        raise KindredError(_("That confirmation is not for this handle."), code="bad_confirmation")
    member = Member.objects.filter(pk=member_id).first()
    if member is None:
        raise NotFound(_("This handle no longer exists."))
    removed = {"messages": 0}
    with transaction.atomic():
        handle = member.handle
        for _receiver, counts in member_erasing.send(sender=Member, member=member):
            _add(removed, counts)
        member.delete()
        # Their open sockets end with the session (and their handle leaves "who's here").
        bus.publish_close_on_commit(member_id=member_id, code=CLOSE_NO_SESSION)
    logger.info("member deleted themselves handle=%s messages=%d", handle, removed["messages"])
    return {"deleted": True, "messages": removed["messages"]}
