"""The member summary read by hand-written SQL (moderation.summary_sql, on
PostgreSQL) and through the ORM (moderation.sanctions.summary_rows_orm) give
the same answers, for members in every state a facilitator can see: overrides,
kept and removed messages, sanctions in and out of each window, lifted ones,
mutes of their own and of their browser, a banned browser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import BannedDevice
from moderation import summary_sql
from moderation.models import Mute, Sanction, Standing, TrustOverride
from moderation.sanctions import summary_rows_orm
from moderation.trust import standing_row_orm
from rooms import store
from rooms.models import Message

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _post(room, author, n, **state) -> None:
    for _ in range(n):
        message = store._insert_orm(
            room=room, author=author, body="hi", html="<p>hi</p>", nonce="", held=False, item=None
        )
        if state:
            Message.objects.filter(pk=message.pk).update(**state)


def _sanction(member, kind, *, days_ago=0, lifted=False, minutes=None, room_slug=""):
    made = Sanction.objects.create(member=member, kind=kind, minutes=minutes, room_slug=room_slug)
    changes = {"created_at": timezone.now() - timedelta(days=days_ago)}
    if lifted:
        changes["lifted_at"] = timezone.now()
    Sanction.objects.filter(pk=made.pk).update(**changes)


@pytest.fixture
def members(make_member, rooms, settings):
    settings.TRUST_MIN_MESSAGES = 3
    settings.TRUST_SANCTION_FREE_DAYS = 14
    settings.SANCTION_LADDER_DAYS = 30
    settings.QUEUE_ITEM_SANCTIONS_SHOWN = 3
    room = rooms["newcomers"]
    now = timezone.now()
    blank = make_member("TwinBlank")
    talker = make_member("TwinTalker", device_hash="d-talker")
    _post(room, talker, 3)
    almost = make_member("TwinAlmost", device_hash="d-almost")
    _post(room, almost, 2)
    _post(room, almost, 2, removed_at=now)
    _post(room, almost, 1, held=True)
    ladder = make_member("TwinLadder", device_hash="d-shared")
    _sanction(ladder, "warn", days_ago=40)
    _sanction(ladder, "warn", days_ago=20)
    _sanction(ladder, "mute", minutes=60, room_slug="newcomers", days_ago=2, lifted=True)
    _sanction(ladder, "mute", minutes=1440, days_ago=1)
    Mute.objects.create(member=ladder, until=now + timedelta(hours=2), device_hash="d-shared")
    Mute.objects.create(member=ladder, until=now - timedelta(hours=1), device_hash="d-shared")
    same_browser = make_member("TwinSameBrowser", device_hash="d-shared")
    banned = make_member("TwinBanned", device_hash="d-banned", is_banned=True)
    BannedDevice.objects.create(token_hash="d-banned", member=banned)
    new_from_banned = make_member("TwinAfterBan", device_hash="d-banned")
    trusted = make_member("TwinTrusted")
    Standing.objects.create(member=trusted, override=TrustOverride.TRUSTED)
    restricted = make_member("TwinRestricted", device_hash="d-r")
    Standing.objects.create(member=restricted, override=TrustOverride.RESTRICTED)
    _post(room, restricted, 4)
    return [
        blank,
        talker,
        almost,
        ladder,
        same_browser,
        banned,
        new_from_banned,
        trusted,
        restricted,
    ]


@pytest.mark.parametrize("needed", [3, 1, 0])
def test_the_sql_and_the_orm_summaries_agree(members, settings, needed):
    settings.TRUST_MIN_MESSAGES = needed
    now = timezone.now()
    answers = {}
    for member in members:
        sql, orm = summary_sql.summary_rows(member, now), summary_rows_orm(member, now)
        assert sql == orm, member.handle
        answers[member.handle] = {**sql[0], "recent": len(sql[1])}
    # The states differ, so agreeing is not agreeing on nothing.
    assert answers["TwinLadder"]["ladder_count"] == 2
    assert answers["TwinLadder"]["recent"] == 3  # QUEUE_ITEM_SANCTIONS_SHOWN of four
    assert answers["TwinBlank"]["recent"] == 0
    assert answers["TwinSameBrowser"]["muted_until"] is not None
    assert answers["TwinAfterBan"]["device_banned"]
    assert answers["TwinTrusted"]["trust_override"] == "trusted"
    assert answers["TwinTalker"]["trust_kept"]
    assert answers["TwinBlank"]["trust_kept"] == (needed == 0)
    assert answers["TwinAlmost"]["trust_kept"] == (needed <= 2)  # removed and held don't count


@pytest.mark.parametrize("needed", [3, 1, 0])
def test_the_sql_and_the_orm_trust_levels_agree(members, settings, needed):
    settings.TRUST_MIN_MESSAGES = needed
    now = timezone.now()
    rows = {m.handle: summary_sql.standing_row(m, now) for m in members}
    for member in members:
        assert rows[member.handle] == standing_row_orm(member, now), member.handle
    assert rows["TwinTrusted"]["trust_override"] == "trusted"
    assert rows["TwinLadder"]["trust_sanctioned"]
    assert rows["TwinAlmost"]["trust_kept"] == (needed <= 2)
