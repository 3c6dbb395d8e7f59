"""Undoing a ban or a mute: done by admins from the admin site, audited like the
actions they undo. There is no frame for them (docs/moderation.md)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from community.models import Role
from core.errors import NotAllowed, NotFound
from moderation.checks import audit, check_moderator, check_target
from moderation.models import Mute


@transaction.atomic
def member_unban(*, actor_id: int, handle: str) -> dict[str, Any]:
    """Lift a ban. The browser stays refused until its Banned devices entry is
    deleted as well."""
    actor = check_moderator(member_id=actor_id)
    if actor.role != Role.ADMIN:
        raise NotAllowed(_("Only admins can lift a ban."))
    target = check_target(handle=handle)
    target.is_banned = False
    target.save(update_fields=["is_banned"])
    audit(actor, "unban", target=target)
    return {"type": "done", "action": "unban", "member": target.handle}


@transaction.atomic
def mute_lift(*, actor_id: int, mute_id: int) -> dict[str, Any]:
    """End a mute now: the member may post again from their next message."""
    actor = check_moderator(member_id=actor_id)
    mute = Mute.objects.select_related("member", "room").filter(pk=mute_id).first()
    if mute is None:
        raise NotFound(_("There is no such mute."))
    mute.delete()
    audit(actor, "unmute", target=mute.member, room=mute.room)
    return {"type": "done", "action": "unmute", "member": mute.member.handle}
