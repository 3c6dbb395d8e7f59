"""Supporters' shifts: how long someone has been open to drop-in chats, a cap on
it, and who else is on shift.

A supporter is on shift while they are open to one-on-one chats (however they
switched it on: this app's page or the dashboard). Each heartbeat the duty below
opens and closes the matching ``Shift`` rows, and ends a shift that has run
past ``SUPPORTER_SHIFT_MAX_MINUTES``: the supporter stops getting offers and is
thanked and told to rest. The chats they hold stay open.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.inbox import inbox_add
from community.models import InboxKind, Member, Role
from core.frames import timestamp
from leadership.models import Shift
from realtime.presence import presence_counts_or_empty
from rooms.status import member_set_status


def _open_shifts():
    return Shift.objects.filter(ended_at__isnull=True)


def shifts_due(now: datetime | None = None) -> int:
    """Keep shifts in step with who is open to chats; end those past the cap.
    Safe in several processes at once. Returns how many shifts were capped."""
    now = now or timezone.now()
    on = set(
        Member.objects.filter(role=Role.SUPPORTER, open_to_chat=True, is_active=True).values_list(
            "pk", flat=True
        )
    )
    tracked = dict(_open_shifts().values_list("member_id", "pk"))
    for member_id in on - set(tracked):
        try:
            with transaction.atomic():
                Shift.objects.create(member_id=member_id, started_at=now)
        except IntegrityError:  # another process opened it first
            pass
    gone = [pk for member_id, pk in tracked.items() if member_id not in on]
    Shift.objects.filter(pk__in=gone, ended_at__isnull=True).update(ended_at=now)
    cap = settings.SUPPORTER_SHIFT_MAX_MINUTES
    if not cap:
        return 0
    capped = 0
    for shift in _open_shifts().filter(started_at__lte=now - timedelta(minutes=cap)):
        with transaction.atomic():
            if not Shift.objects.filter(pk=shift.pk, ended_at__isnull=True).update(ended_at=now):
                continue
            member_set_status(member_id=shift.member_id, open_to_chat=False)
            inbox_add(
                member_id=shift.member_id,
                kind=InboxKind.NOTICE,
                text=_(
                    "Your shift has reached its limit, so you're no longer getting drop-in "
                    "offers. Thank you for being there. Please take a real break; your open "
                    "chats stay open."
                ),
                url="/leadership/",
                key=f"shift-capped-{shift.pk}",
            )
            capped += 1
    return capped


def shift_state(*, member: Member, now: datetime | None = None) -> dict[str, Any]:
    """The supporter's own shift, and how many others are helping right now."""
    now = now or timezone.now()
    mine = _open_shifts().filter(member=member).first()
    others = _open_shifts().exclude(member=member).count()
    # The count members see too ("facilitators on now"); zero while presence is unreachable.
    facilitators = presence_counts_or_empty()["facilitators_on_duty"]
    if member.on_duty and member.is_moderator and facilitators:
        facilitators -= 1  # "others": not the facilitator looking
    ends = None
    if mine is not None and settings.SUPPORTER_SHIFT_MAX_MINUTES:
        ends = mine.started_at + timedelta(minutes=settings.SUPPORTER_SHIFT_MAX_MINUTES)
    return {
        "on_shift": member.open_to_chat,
        "since": timestamp(mine.started_at) if mine else None,
        "ends_at": timestamp(ends) if ends else None,
        "others_on_shift": others,
        "facilitators_on_duty": facilitators,
    }


def shift_set(*, member: Member, on: bool) -> dict[str, Any]:
    """Start or end a shift (open or closed to drop-in chats)."""
    member_set_status(member_id=member.pk, open_to_chat=on)
    member.refresh_from_db(fields=["open_to_chat"])
    shifts_due()
    return shift_state(member=member)
