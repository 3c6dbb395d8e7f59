"""Undoing a ban or a mute early: from the dashboard (the ``unban`` and
``unmute`` actions) or the admin site, audited like the actions they undo."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from community.models import BannedDevice
from core.errors import KindredError, NotFound
from moderation import notices, queue
from moderation.checks import audit, check_member_action, check_moderator, done
from moderation.models import Mute, SanctionKind
from moderation.sanctions import active_mutes, sanctions_lift


@transaction.atomic
def member_unban(
    *, actor_id: int, handle: str, item_id: int | None = None, reason: str = ""
) -> dict[str, Any]:
    """Lift a ban: the handle may sign in again and the browser it joined from
    may make handles again."""
    actor, target, item = check_member_action(actor_id=actor_id, handle=handle, item_id=item_id)
    devices = BannedDevice.objects.filter(member=target)
    if target.device_hash:
        devices = devices | BannedDevice.objects.filter(token_hash=target.device_hash)
    if not target.is_banned and not devices.exists():
        raise KindredError(
            _("%(handle)s isn't banned.") % {"handle": target.handle}, code="not_banned"
        )
    target.is_banned = False
    target.save(update_fields=["is_banned"])
    devices.delete()
    sanctions_lift(member=target, kind=SanctionKind.BAN)
    audit(actor, "unban", item=item, target=target, reason=reason)
    queue.announce_subject(target.pk)
    return done("unban", member=target.handle)


@transaction.atomic
def member_unmute(
    *, actor_id: int, handle: str, item_id: int | None = None, reason: str = ""
) -> dict[str, Any]:
    """End every running mute of the member, their browser's included."""
    actor, target, item = check_member_action(actor_id=actor_id, handle=handle, item_id=item_id)
    running = active_mutes(target)
    if not running.exists():
        raise KindredError(
            _("%(handle)s isn't muted.") % {"handle": target.handle}, code="not_muted"
        )
    running.delete()
    sanctions_lift(member=target, kind=SanctionKind.MUTE)
    notices.notify_lifted(member_id=target.pk)
    audit(actor, "unmute", item=item, target=target, reason=reason)
    queue.announce_subject(target.pk)
    return done("unmute", member=target.handle)


@transaction.atomic
def mute_lift(*, actor_id: int, mute_id: int) -> dict[str, Any]:
    """End one mute now (the admin site's delete): the member may post again
    from their next message."""
    actor = check_moderator(member_id=actor_id)
    mute = Mute.objects.select_related("member", "room").filter(pk=mute_id).first()
    if mute is None:
        raise NotFound(_("There is no such mute."))
    mute.delete()
    audit(actor, "unmute", target=mute.member, room=mute.room)
    queue.announce_subject(mute.member_id)
    return done("unmute", member=mute.member.handle)
