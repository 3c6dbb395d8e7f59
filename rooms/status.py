"""A member's presence choices: on duty, invisible, open to a one-on-one chat.

Each is stored on the member (so it survives a reconnect) and applied at once to
every live socket of theirs in every process through the presence store; the
resulting joins and leaves go out as ``presence`` frames.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from community.models import Member, Role
from core.errors import NotAllowed
from realtime.presence import get_store
from rooms.access import check_member
from rooms.dropin import offer_waiting_to
from rooms.presence_glue import publish_changes


def _state(member: Member) -> dict[str, Any]:
    return {
        "type": "status",
        "on_duty": member.on_duty,
        "invisible": member.invisible,
        "open_to_chat": member.open_to_chat,
    }


def member_set_duty(*, member_id: int, on: bool) -> dict[str, Any]:
    """Facilitators and admins go on or off duty; counted only while connected."""
    member = check_member(member_id=member_id)
    if not member.is_moderator:
        raise NotAllowed(_("Only facilitators go on duty."))
    member.on_duty = on
    member.save(update_fields=["on_duty"])
    publish_changes(get_store().set_member_state(member_id=member.pk, on_duty=on), {})
    if on:
        offer_waiting_to(helper_id=member.pk)
    return _state(member)


def member_set_status(
    *, member_id: int, invisible: bool | None = None, open_to_chat: bool | None = None
) -> dict[str, Any]:
    """Appear invisible (counted, not listed) and/or open to a one-on-one chat."""
    member = check_member(member_id=member_id)
    fields = []
    if invisible is not None:
        member.invisible = invisible
        fields.append("invisible")
    if open_to_chat is not None:
        member.open_to_chat = open_to_chat
        fields.append("open_to_chat")
    if fields:
        member.save(update_fields=fields)
        changes = get_store().set_member_state(
            member_id=member.pk, invisible=invisible, open_to_chat=open_to_chat
        )
        publish_changes(changes, {})
        if open_to_chat and member.role == Role.SUPPORTER:
            offer_waiting_to(helper_id=member.pk)
    return _state(member)


def member_status(*, member_id: int) -> dict[str, Any]:
    return _state(check_member(member_id=member_id))
