"""The supporters' room: a topic room for peer supporters, facilitators and admins
only, to ask each other for help and hand over (without members' details).

Everyone else neither sees it listed nor can open it: rooms asks this gate
(``rooms.access.register_room_gate``) wherever a topic room is listed or entered.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from community.models import Member, Role
from rooms.models import Room, RoomKind

HELPER_ROLES = frozenset({Role.SUPPORTER, Role.FACILITATOR, Role.ADMIN})


def helpers_only(member: Member | None, slug: str) -> bool:
    if slug != settings.LEADERSHIP_SUPPORTERS_ROOM:
        return True
    return member is not None and member.role in HELPER_ROLES


def ensure_supporters_room() -> str:
    """The room's slug, creating the room the first time a helper opens their page
    (created here rather than seeded, so the members' room list is untouched)."""
    Room.objects.get_or_create(
        slug=settings.LEADERSHIP_SUPPORTERS_ROOM,
        defaults={
            "title": str(_("Supporters' room")),
            "description": str(
                _(
                    "For peer supporters and facilitators: ask for a hand, hand over, "
                    "debrief together. Leave out members' handles and anything that "
                    "could identify them."
                )
            ),
            "kind": RoomKind.TOPIC,
            "position": 1000,
        },
    )
    return settings.LEADERSHIP_SUPPORTERS_ROOM
