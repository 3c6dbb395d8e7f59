"""A member's recovery data: erased with their handle, and theirs to take away as JSON."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from core.frames import timestamp
from recovery.models import CheckIn, CheckInPrompt, Journey, MilestoneAnswer, Partnership
from rooms.access import check_member


def erase_recovery(*, member: Any, **_: Any) -> dict[str, int]:
    """community.signals.member_erasing: everything here goes (the rows would
    cascade anyway; counted so the answer says what was removed)."""
    journeys, _by = Journey.objects.filter(member=member).delete()
    checkins, _by = CheckIn.objects.filter(member=member).delete()
    CheckInPrompt.objects.filter(member=member).delete()
    partnerships, _by = Partnership.objects.filter(Q(asker=member) | Q(partner=member)).delete()
    return {"recovery_entries": journeys, "checkins": checkins, "partnerships": partnerships}


def recovery_export(*, member_id: int) -> dict[str, Any]:
    """Everything Kindred keeps of the member's recovery, as plain JSON data."""
    member = check_member(member_id=member_id)
    journeys = Journey.objects.filter(member=member)
    answers = MilestoneAnswer.objects.filter(journey__member=member).order_by("answered_at")
    pairs = Partnership.objects.filter(Q(asker=member) | Q(partner=member)).select_related(
        "asker", "partner"
    )
    return {
        "handle": member.handle,
        "exported_at": timestamp(timezone.now()),
        "time_zone": member.time_zone or "UTC",
        "recovering_from": [
            {
                "label": j.label,
                "started_on": j.started_on.isoformat(),
                "days_before": j.days_before,
                "came_back": j.comebacks,
                "milestones": [
                    {"key": a.key, "stretch_start": a.stretch_start.isoformat(), "shared": a.shared}
                    for a in answers
                    if a.journey_id == j.pk
                ],
            }
            for j in journeys
        ],
        "checkins": [
            {"day": c.day.isoformat(), "level": c.level, "note": c.note, "support": c.support}
            for c in CheckIn.objects.filter(member=member).order_by("day")
        ],
        "partners": [
            {
                "with": (p.partner if p.asker_id == member.pk else p.asker).handle,
                "status": p.status,
                "since": timestamp(p.created_at),
            }
            for p in pairs
        ],
    }
