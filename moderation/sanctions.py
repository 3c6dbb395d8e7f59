"""A member's sanctions (warn, mute, ban): recorded by the actions, counted by
the step-up ladder, shown on every queue item about them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from community.models import BannedDevice, Member
from core.frames import timestamp
from moderation import summary_sql, trust
from moderation.models import Mute, Sanction, SanctionKind

#: The step-up ladder: the sanction button takes the next step (moderation.ladder).
LADDER = ("warn", "mute_1h", "mute_24h", "ban")
STEP_MINUTES = {"mute_1h": 60, "mute_24h": 24 * 60}


def sanction_record(
    *, member: Member, kind: str, minutes: int | None = None, room_slug: str = "", reason: str = ""
) -> None:
    Sanction.objects.create(
        member=member, kind=kind, minutes=minutes, room_slug=room_slug, reason=reason[:500]
    )
    trust.forget(member.pk)


def sanctions_lift(*, member: Member, kind: str) -> None:
    """Mark the member's *kind* sanctions as lifted early (an unmute, an unban)."""
    Sanction.objects.filter(member=member, kind=kind, lifted_at__isnull=True).update(
        lifted_at=timezone.now()
    )


def _on_ladder(member_id: Any, now: datetime | None = None):
    """The member's sanctions that count on the ladder (*member_id* may be an
    ``OuterRef``, for the summary's subquery)."""
    since = (now or timezone.now()) - timedelta(days=settings.SANCTION_LADDER_DAYS)
    return Sanction.objects.filter(member_id=member_id, created_at__gte=since, lifted_at=None)


def next_step(member_id: int) -> str:
    """The ladder's next step for the member: sanctions older than
    ``SANCTION_LADDER_DAYS``, and those lifted early, no longer count."""
    return LADDER[min(_on_ladder(member_id).count(), len(LADDER) - 1)]


def _running_mutes(member_id: Any, device_hash: str, now: datetime):
    """Mutes still running for the member (*member_id* may be an ``OuterRef``)
    or for their browser."""
    mine = Q(member_id=member_id)
    if device_hash:
        mine |= Q(device_hash=device_hash)
    return Mute.objects.filter(mine, until__gt=now)


def active_mutes(member: Member):
    """The member's mutes still running: their own, and their browser's."""
    return _running_mutes(member.pk, member.device_hash, timezone.now()).select_related("room")


def _summary_columns(member: Member, now: datetime) -> dict[str, Any]:
    on_ladder = (
        _on_ladder(OuterRef("pk"), now)
        .order_by()
        .values("member_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    device = member.device_hash
    return {
        **trust.standing_columns(now),
        "ladder_count": Coalesce(Subquery(on_ladder), 0),
        "muted_until": Subquery(
            _running_mutes(OuterRef("pk"), device, now).order_by("-until").values("until")[:1]
        ),
        "device_banned": Exists(BannedDevice.objects.filter(token_hash=device))
        if device
        else Value(False),
    }


def summary_rows_orm(member: Member, now: datetime) -> tuple[dict[str, Any], list[tuple]]:
    """What :func:`moderation.summary_sql.summary_rows` reads, through the ORM
    (SQLite, and the twin it is tested against)."""
    columns = _summary_columns(member, now)
    row = Member.objects.filter(pk=member.pk).annotate(**columns).values(*columns).get()
    recent = Sanction.objects.filter(member_id=member.pk).values_list(
        "kind", "minutes", "room_slug", "created_at", "lifted_at"
    )[: settings.QUEUE_ITEM_SANCTIONS_SHOWN]
    return row, list(recent)


def member_summary(member: Member | None) -> dict[str, Any] | None:
    """What a facilitator sees of the member an item is about: their trust
    level, their recent sanctions, the ladder's next step, and whether a mute
    or ban is running now (for Unmute and Unban). It is read for every item a
    facilitator is shown: on PostgreSQL one or two prepared statements."""
    if member is None:
        return None
    now = timezone.now()
    read = summary_sql.summary_rows if connection.vendor == "postgresql" else summary_rows_orm
    row, recent = read(member, now)
    standing = trust.standing_from(member, row, now)
    return {
        "level": standing["level"],
        "level_name": standing["name"],
        "override": standing["override"],
        "missing": standing["missing"],
        "sanctions": [
            {
                "kind": kind,
                "minutes": minutes,
                "room": room_slug or None,
                "at": timestamp(created_at),
                "lifted": lifted_at is not None,
            }
            for kind, minutes, room_slug, created_at, lifted_at in recent
        ],
        "next_step": LADDER[min(row["ladder_count"], len(LADDER) - 1)],
        "muted_until": timestamp(row["muted_until"]) if row["muted_until"] else None,
        "banned": member.is_banned or bool(row["device_banned"]),
    }


__all__ = ["LADDER", "STEP_MINUTES", "SanctionKind", "member_summary", "next_step"]
