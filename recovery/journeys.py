"""My recovery, privately: the things a member is recovering from, their day
counts, slips met gently, and the milestones they may choose to share.

Everything here is the member's own: no other member can read it, and only a
milestone the member chooses to share leaves it (the handle and the milestone,
never the start date).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community.models import Member
from core.errors import BadInput, NotFound
from recovery.days import days_between, local_today, milestones_reached
from recovery.models import Journey, MilestoneAnswer
from rooms.access import check_member
from rooms.models import MessageKind
from rooms.selectors import room_in_language
from rooms.services import message_send

#: The short list offered (members may write their own words instead).
SUGGESTED = ("alcohol", "opioids", "stimulants", "gambling", "self-harm", "other")
CAME_BACK = "Day 1 again. You came back, and that counts."


def _label(value: Any) -> str:
    label = " ".join(str(value or "").split())
    if not label or len(label) > 60:
        raise BadInput(_("Say what you're recovering from, in up to 60 characters."), code="label")
    return label


def _start(value: Any, *, today: date) -> date:
    if isinstance(value, date):
        start = value
    else:
        try:
            start = date.fromisoformat(str(value))
        except ValueError:
            raise BadInput(_("Give the start date as YYYY-MM-DD."), code="bad_date") from None
    if start > today:
        raise BadInput(_("The start date can't be in the future."), code="bad_date")
    if start.year < 1900:
        raise BadInput(_("Give the start date as YYYY-MM-DD."), code="bad_date")
    return start


def _mine(member: Member, journey_id: int) -> Journey:
    journey = Journey.objects.filter(pk=journey_id, member=member).first()
    if journey is None:
        raise NotFound(_("There is no such entry."))
    return journey


def milestone_text(*, label: str, key: str, number: int) -> str:
    if key.startswith("y"):
        return ngettext(
            "%(n)d year free from %(label)s", "%(n)d years free from %(label)s", number
        ) % {"n": number, "label": label}
    return _("Day %(n)d free from %(label)s") % {"n": number, "label": label}


def _offer(journey: Journey, today: date) -> dict[str, Any] | None:
    """The newest milestone of the current stretch not yet answered, if any."""
    reached = milestones_reached(journey.started_on, today)
    if not reached:
        return None
    key, number, _on = reached[-1]
    answered = MilestoneAnswer.objects.filter(
        journey=journey, stretch_start=journey.started_on, key=key
    ).exists()
    if answered:
        return None
    return {"key": key, "text": milestone_text(label=journey.label, key=key, number=number)}


def journey_data(journey: Journey, today: date) -> dict[str, Any]:
    days = days_between(journey.started_on, today)
    return {
        "id": journey.pk,
        "label": journey.label,
        "started_on": journey.started_on.isoformat(),
        "days": days,
        "total_days": journey.days_before + days,
        "came_back": journey.comebacks,
        # A stretch restarted today after a slip: the gentle words, never a zero.
        "note": _(CAME_BACK) if journey.comebacks and days == 0 else None,
        "milestone": _offer(journey, today),
    }


def journey_list(*, member_id: int, now: datetime | None = None) -> dict[str, Any]:
    member = check_member(member_id=member_id)
    today = local_today(time_zone=member.time_zone, now=now)
    journeys = Journey.objects.filter(member=member)
    return {"today": today.isoformat(), "journeys": [journey_data(j, today) for j in journeys]}


def journey_add(
    *, member_id: int, label: Any, started_on: Any, now: datetime | None = None
) -> dict[str, Any]:
    member = check_member(member_id=member_id)
    today = local_today(time_zone=member.time_zone, now=now)
    if Journey.objects.filter(member=member).count() >= settings.RECOVERY_MAX_JOURNEYS:
        raise BadInput(
            _("You can keep up to %(n)d of these.") % {"n": settings.RECOVERY_MAX_JOURNEYS},
            code="too_many",
        )
    journey = Journey.objects.create(
        member=member, label=_label(label), started_on=_start(started_on, today=today)
    )
    return journey_data(journey, today)


def journey_update(
    *,
    member_id: int,
    journey_id: int,
    label: Any = None,
    started_on: Any = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Correct the label or the start date (a correction, not a slip: nothing is counted)."""
    member = check_member(member_id=member_id)
    today = local_today(time_zone=member.time_zone, now=now)
    journey = _mine(member, journey_id)
    if label is not None:
        journey.label = _label(label)
    if started_on is not None:
        journey.started_on = _start(started_on, today=today)
    journey.save(update_fields=["label", "started_on"])
    return journey_data(journey, today)


def journey_slip(*, member_id: int, journey_id: int, now: datetime | None = None) -> dict[str, Any]:
    """A slip: the days of the stretch that ended stay in the total, today is
    day one of a new stretch, and coming back is counted. A second slip the same
    day changes nothing."""
    member = check_member(member_id=member_id)
    today = local_today(time_zone=member.time_zone, now=now)
    with transaction.atomic():
        journey = _mine(member, journey_id)
        journey = Journey.objects.select_for_update().get(pk=journey.pk)
        if journey.started_on != today:
            journey.days_before += days_between(journey.started_on, today)
            journey.comebacks += 1
            journey.started_on = today
            journey.save(update_fields=["days_before", "comebacks", "started_on"])
    return journey_data(journey, today)


def journey_delete(*, member_id: int, journey_id: int) -> dict[str, Any]:
    member = check_member(member_id=member_id)
    _mine(member, journey_id).delete()
    return {"deleted": journey_id}


def _answer(
    member_id: int, journey_id: int, key: str, now: datetime | None
) -> tuple[Member, Journey, dict[str, Any]]:
    member = check_member(member_id=member_id)
    today = local_today(time_zone=member.time_zone, now=now)
    journey = _mine(member, journey_id)
    offer = _offer(journey, today)
    if offer is None or offer["key"] != key:
        raise NotFound(_("That milestone isn't waiting to be shared."))
    return member, journey, offer


def milestone_share(
    *, member_id: int, journey_id: int, key: str, now: datetime | None = None
) -> dict[str, Any]:
    """Share the offered milestone in the Milestones room, through the one message
    path, as a milestone message: the handle and the milestone, never the date."""
    member, journey, offer = _answer(member_id, journey_id, key, now)
    nonce = f"milestone-{journey.pk}-{journey.started_on.isoformat()}-{key}"
    # The milestones room of the language the member is answered in, when there is one.
    room = room_in_language(settings.MILESTONES_ROOM, translation.get_language())
    result = message_send(
        member_id=member.pk,
        room_slug=room,
        body=offer["text"],
        nonce=nonce,
        kind=MessageKind.MILESTONE,
    )
    MilestoneAnswer.objects.get_or_create(
        journey=journey,
        stretch_start=journey.started_on,
        key=key,
        defaults={"shared": True, "message_id": result.message.id},
    )
    return {"shared": key, "room": room, "message": result.message.id}


def milestone_dismiss(
    *, member_id: int, journey_id: int, key: str, now: datetime | None = None
) -> dict[str, Any]:
    """Not now: the milestone is not offered again (the next one will be)."""
    _member, journey, _offered = _answer(member_id, journey_id, key, now)
    MilestoneAnswer.objects.get_or_create(
        journey=journey, stretch_start=journey.started_on, key=key, defaults={"shared": False}
    )
    return {"dismissed": key}
