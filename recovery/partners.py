"""Accountability partners: two members who both agreed to it. Each sees the
other's check-in streak and today's level (its word, never the note), and gets an
inbox nudge when the other had a hard day or hasn't checked in for
``PARTNER_MISSED_DAYS`` days, with "send a word of support" one tap away.

Either may end it at any time, silently: the other is not told. At most
``PARTNERS_MAX`` partners (and asks waiting) each. A block either way makes the
ask look like one to a handle that doesn't exist.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from community.handles import handle_key
from community.inbox import inbox_add
from community.models import InboxItem, InboxKind, Member
from core import ratelimit
from core.errors import BadInput, NotFound
from recovery.days import local_today, streak
from recovery.levels import level_word
from recovery.models import CheckIn, Partnership, PartnerStatus
from rooms.access import check_member
from rooms.models import Block

#: Where partner notices lead (inbox links are plain paths: no fragment).
URL = "/recovery/"


def _pairs(member_id: int, *statuses: str):
    return Partnership.objects.filter(
        Q(asker_id=member_id) | Q(partner_id=member_id), status__in=statuses
    )


def _blocked(a: int, b: int) -> bool:
    return Block.objects.filter(
        Q(blocker_id=a, blocked_id=b) | Q(blocker_id=b, blocked_id=a)
    ).exists()


def _full(member_id: int) -> bool:
    return _pairs(member_id, PartnerStatus.ASKED, PartnerStatus.ACTIVE).count() >= (
        settings.PARTNERS_MAX
    )


def partner_ask(*, member_id: int, handle: str) -> dict[str, Any]:
    member = check_member(member_id=member_id)
    other = Member.objects.filter(handle_key=handle_key(str(handle or "")), is_active=True).first()
    if other is None or other.pk == member.pk or other.is_banned or _blocked(member.pk, other.pk):
        raise NotFound(_("There is no such member."))
    with transaction.atomic():
        existing = _pairs(member.pk, PartnerStatus.ASKED, PartnerStatus.ACTIVE).filter(
            Q(asker=other) | Q(partner=other)
        )
        if (found := existing.first()) is not None:
            return {"id": found.pk, "status": found.status, "with": other.handle}
        if _full(member.pk) or _full(other.pk):
            raise BadInput(
                _("Partners are kept to %(n)d each, so each one gets real attention.")
                % {"n": settings.PARTNERS_MAX},
                code="too_many",
            )
        pair = Partnership.objects.create(asker=member, partner=other)
        inbox_add(
            member_id=other.pk,
            kind=InboxKind.NOTICE,
            text=_(
                "%(handle)s asks you to be accountability partners: you'd each see the "
                "other's check-in streak and how today is going. Say yes or no on your "
                "recovery page."
            )
            % {"handle": member.handle},
            url=URL,
            key=f"partner-ask:{pair.pk}",
        )
    return {"id": pair.pk, "status": pair.status, "with": other.handle}


def _mine(member_id: int, pair_id: int, *statuses: str) -> Partnership:
    pair = _pairs(member_id, *statuses).filter(pk=pair_id).first()
    if pair is None:
        raise NotFound(_("There is no such partnership."))
    return pair


def partner_accept(*, member_id: int, partnership_id: int) -> dict[str, Any]:
    member = check_member(member_id=member_id)
    with transaction.atomic():
        pair = _mine(member.pk, partnership_id, PartnerStatus.ASKED)
        if pair.partner_id != member.pk:
            raise NotFound(_("There is no such partnership."))
        pair.status = PartnerStatus.ACTIVE
        pair.save(update_fields=["status"])
        inbox_add(
            member_id=pair.asker_id,
            kind=InboxKind.NOTICE,
            text=_("%(handle)s agreed: you are accountability partners now.")
            % {"handle": member.handle},
            url=URL,
            key=f"partner-yes:{pair.pk}",
        )
    return {"id": pair.pk, "status": pair.status}


def partner_end(*, member_id: int, partnership_id: int) -> dict[str, Any]:
    """End a partnership, or say no to (or withdraw) an ask. Nobody is told."""
    member = check_member(member_id=member_id)
    pair = _mine(member.pk, partnership_id, PartnerStatus.ASKED, PartnerStatus.ACTIVE)
    Partnership.objects.filter(pk=pair.pk).update(
        status=PartnerStatus.ENDED, ended_at=timezone.now()
    )
    return {"id": pair.pk, "status": PartnerStatus.ENDED}


def _today_of(member: Member, now: datetime | None) -> tuple[date, int | None, int]:
    today = local_today(time_zone=member.time_zone, now=now)
    since = today - timedelta(days=366)
    days = list(CheckIn.objects.filter(member=member, day__gte=since).values_list("day", "level"))
    level = next((lv for day, lv in days if day == today), None)
    return today, level, streak([day for day, _lv in days], today)


def partner_list(*, member_id: int, now: datetime | None = None) -> dict[str, Any]:
    member = check_member(member_id=member_id)
    pairs = _pairs(member.pk, PartnerStatus.ASKED, PartnerStatus.ACTIVE).select_related(
        "asker", "partner"
    )
    partners, asks_in, asks_out = [], [], []
    for pair in pairs.order_by("created_at"):
        other = pair.partner if pair.asker_id == member.pk else pair.asker
        if pair.status == PartnerStatus.ASKED:
            (asks_out if pair.asker_id == member.pk else asks_in).append(
                {"id": pair.pk, "handle": other.handle}
            )
            continue
        _today, level, days = _today_of(other, now)
        partners.append(
            {
                "id": pair.pk,
                "handle": other.handle,
                "streak": days,
                "today": None if level is None else {"level": level, "word": level_word(level)},
            }
        )
    return {
        "partners": partners,
        "asks_in": asks_in,
        "asks_out": asks_out,
        "max": settings.PARTNERS_MAX,
    }


def partner_support(*, member_id: int, partnership_id: int) -> dict[str, Any]:
    """One tap: Kindred's own words of support to the partner (once a day per partner)."""
    member = check_member(member_id=member_id)
    pair = _mine(member.pk, partnership_id, PartnerStatus.ACTIVE)
    today = local_today(time_zone=member.time_zone)
    inbox_add(
        member_id=pair.other(member.pk),
        kind=InboxKind.NOTICE,
        text=_("%(handle)s is thinking of you and sends a word of support. You're not alone today.")
        % {"handle": member.handle},
        url=URL,
        key=f"support:{pair.pk}:{member.pk}:{today.isoformat()}",
    )
    return {"sent": True}


def _nudge(member: Member, *, text: str, key: str) -> int:
    """Tell each of *member*'s partners *text*, once per *key*; how many were told now."""
    sent = 0
    for pair in _pairs(member.pk, PartnerStatus.ACTIVE):
        other, item_key = pair.other(member.pk), f"{key}:{pair.pk}"
        if InboxItem.objects.filter(member_id=other, key=item_key).exists():
            continue
        inbox_add(
            member_id=other,
            kind=InboxKind.NOTICE,
            text=text % {"handle": member.handle},
            # Opens the page with "Send a word of support" for this partner in focus.
            url=f"/recovery/?support={pair.pk}",
            key=item_key,
        )
        sent += 1
    return sent


def nudge_hard_day(*, member: Member, day: date) -> int:
    """The member checked in with a hard day: each partner hears it (once that day)."""
    return _nudge(
        member,
        text=_("%(handle)s is having a hard day. A word from you could help."),
        key=f"nudge-hard:{member.pk}:{day.isoformat()}",
    )


def nudge_missed(*, now: datetime | None = None) -> int:
    """On the heartbeat (at most every few minutes, across processes): partners of
    members who haven't checked in for ``PARTNER_MISSED_DAYS`` days are nudged,
    once per silence. Returns how many nudges went out."""
    if now is None and ratelimit.hit("recovery:nudge-missed", "1/5m", allow_if_unreachable=True):
        return 0
    ids = set()
    for asker, partner in _pairs_active_ids():
        ids.update((asker, partner))
    sent = 0
    for member in Member.objects.filter(pk__in=ids, is_active=True):
        today = local_today(time_zone=member.time_zone, now=now)
        last = (
            CheckIn.objects.filter(member=member)
            .order_by("-day")
            .values_list("day", flat=True)
            .first()
        )
        since = _partnered_on(member, now) if last is None else last
        if (today - since).days < settings.PARTNER_MISSED_DAYS:
            continue
        sent += _nudge(
            member,
            text=_("%(handle)s hasn't checked in for a few days. A word from you could help."),
            key=f"nudge-missed:{member.pk}:{since.isoformat()}",
        )
    return sent


def _pairs_active_ids():
    return Partnership.objects.filter(status=PartnerStatus.ACTIVE).values_list(
        "asker_id", "partner_id"
    )


def _partnered_on(member: Member, now: datetime | None) -> date:
    first = _pairs(member.pk, PartnerStatus.ACTIVE).order_by("created_at").first()
    return local_today(time_zone=member.time_zone, now=first.created_at if first else now)
