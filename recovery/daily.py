"""The daily check-in: how today is, in five words-first levels, an optional
note and "anything you want support with?". Private to the member (partners see
only the level's word, never the note). A hard day offers, in one tap, the
drop-in line, the late-night room and the crisis lines; what the member writes
goes through the crisis detector and hand-off that a room message meets
(moderation.handoff), so words of danger reach a facilitator the same way.

This is not moderation's "check on me later" (moderation/checkins.py), which
asks a facilitator to reach out at a chosen time.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from community.models import Member
from core.errors import BadInput
from moderation.handoff import crisis_for_refused
from recovery import partners
from recovery.days import local_today
from recovery.levels import HARD, LEVELS, level_word
from recovery.models import CheckIn, CheckInPrompt
from rooms.access import check_member
from rooms.selectors import room_in_language

NOTE_MAX = 1000


def help_links() -> list[dict[str, str]]:
    """What a hard day offers, each one tap away; the late-night room is the one
    in the language the member is answered in, when there is one."""
    night = room_in_language("late-night", translation.get_language())
    return [
        {"label": _("Talk to someone now"), "url": "/dropin/"},
        {"label": _("The late-night room"), "url": f"/rooms/{night}/"},
        {"label": _("Crisis lines"), "url": "/resources/"},
    ]


def _prompt(member: Member) -> CheckInPrompt:
    return CheckInPrompt.objects.get_or_create(member=member)[0]


def checkin_status(*, member_id: int, now: datetime | None = None) -> dict[str, Any]:
    """Is the check-in due on arrival today (on, not done, not dismissed today)?"""
    member = check_member(member_id=member_id)
    today = local_today(time_zone=member.time_zone, now=now)
    prompt = CheckInPrompt.objects.filter(member=member).first()
    done = CheckIn.objects.filter(member=member, day=today).values_list("level", flat=True).first()
    enabled = prompt is None or prompt.enabled
    dismissed = prompt is not None and prompt.dismissed_on == today
    return {
        "today": today.isoformat(),
        "due": enabled and not dismissed and done is None,
        "prompt": enabled,
        "level": done,
        "levels": [{"level": k, "word": str(v)} for k, v in LEVELS.items()],
    }


def _text(value: Any, name: str) -> str:
    text = str(value or "").strip()
    if len(text) > NOTE_MAX:
        raise BadInput(_("Keep it to %(n)d characters.") % {"n": NOTE_MAX}, code="too_long")
    return text


def checkin_save(
    *,
    member_id: int,
    level: Any,
    note: Any = "",
    support: Any = "",
    country_hint: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Today's check-in (a second one today replaces the first)."""
    member = check_member(member_id=member_id)
    if not isinstance(level, int) or isinstance(level, bool) or level not in LEVELS:
        raise BadInput(_("Pick how today is, from 1 to 5."), code="bad_level")
    note, support = _text(note, "note"), _text(support, "support")
    today = local_today(time_zone=member.time_zone, now=now)
    with transaction.atomic():
        CheckIn.objects.update_or_create(
            member=member, day=today, defaults={"level": level, "note": note, "support": support}
        )
        if level <= HARD:
            partners.nudge_hard_day(member=member, day=today)
    written = "\n".join(part for part in (note, support) if part)
    # The same detector and hand-off as a room message: a facilitator is alerted
    # and the member gets the crisis card (at most once per CRISIS_CARD_EVERY).
    card = (
        crisis_for_refused(member=member, room=None, text=written, country_hint=country_hint)
        if written
        else None
    )
    hard = level <= HARD
    return {
        "day": today.isoformat(),
        "level": level,
        "word": level_word(level),
        "hard": hard,
        "help": help_links() if hard else [],
        "crisis": card,
    }


def checkin_dismiss(*, member_id: int, now: datetime | None = None) -> dict[str, Any]:
    """Not today. After ``CHECKIN_PROMPT_DISMISSALS`` dismissals it is no longer
    offered on arrival (the member can turn it back on)."""
    member = check_member(member_id=member_id)
    today = local_today(time_zone=member.time_zone, now=now)
    with transaction.atomic():
        prompt = CheckInPrompt.objects.select_for_update().get(pk=_prompt(member).pk)
        if prompt.dismissed_on != today:
            prompt.dismissals += 1
            prompt.dismissed_on = today
        if prompt.dismissals >= settings.CHECKIN_PROMPT_DISMISSALS:
            prompt.enabled = False
        prompt.save()
    return {"prompt": prompt.enabled, "dismissals": prompt.dismissals}


def checkin_prompt_set(*, member_id: int, enabled: bool) -> dict[str, Any]:
    member = check_member(member_id=member_id)
    prompt = _prompt(member)
    prompt.enabled, prompt.dismissals = bool(enabled), 0
    prompt.save(update_fields=["enabled", "dismissals"])
    return {"prompt": prompt.enabled}


def checkin_history(
    *, member_id: int, days: int | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """The member's own check-ins over the last *days* days, oldest first."""
    member = check_member(member_id=member_id)
    days = days or settings.CHECKIN_CHART_DAYS
    today = local_today(time_zone=member.time_zone, now=now)
    first = today - timedelta(days=days - 1)
    rows = CheckIn.objects.filter(member=member, day__gte=first).order_by("day")
    return {
        "from": first.isoformat(),
        "to": today.isoformat(),
        "days": [
            {"day": c.day.isoformat(), "level": c.level, "word": level_word(c.level)} for c in rows
        ],
    }


def checkin_days(member_id: int, *, since: date) -> list[date]:
    return list(
        CheckIn.objects.filter(member_id=member_id, day__gte=since).values_list("day", flat=True)
    )
