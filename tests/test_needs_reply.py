""" "Needs a reply": a newcomer's first message, or one that sounds like distress
without being a crisis, unanswered for NEEDS_REPLY_MINUTES, alerts the helpers on
duty, once. Time is passed to the watch as ``now``; nothing waits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from community.models import Member
from recovery.needs_reply import alert_unanswered
from rooms.services import message_send
from tests.conftest import receive_until
from tests.test_crisis_followup import on_duty
from tests.test_room_sockets import joined

pytestmark = [pytest.mark.django_db(transaction=True)]


def later(minutes: float = 11):
    return timezone.now() + timedelta(minutes=minutes)


def old_member(make_member, handle: str) -> Member:
    member = make_member(handle)
    Member.objects.filter(pk=member.pk).update(created_at=timezone.now() - timedelta(days=60))
    return Member.objects.get(pk=member.pk)


async def test_a_newcomers_first_message_unanswered_alerts_the_helper_on_duty_once(
    make_member, facilitator, rooms, hub
):
    newcomer = await database_sync_to_async(make_member)("SoftLark")
    await database_sync_to_async(on_duty)(facilitator.pk)
    helper_ws, _ = await joined(facilitator, "newcomers")
    await database_sync_to_async(message_send)(
        member_id=newcomer.pk, room_slug="newcomers", body="hi, first time here"
    )
    assert await database_sync_to_async(alert_unanswered)(now=later(9)) == 0  # not yet
    assert await database_sync_to_async(alert_unanswered)(now=later(11)) == 1
    alert = await receive_until(helper_ws, "needs_reply")
    assert alert["text"] == "SoftLark's first message in Newcomers has no reply yet."
    assert (alert["handle"], alert["room"], alert["reason"]) == (
        "SoftLark",
        "newcomers",
        "newcomer",
    )
    assert await database_sync_to_async(alert_unanswered)(now=later(12)) == 0
    await helper_ws.disconnect()


def test_a_reply_in_time_or_a_second_message_or_an_old_hand_needs_nothing(
    make_member, facilitator, rooms
):
    on_duty(facilitator.pk)
    newcomer, regular = make_member("NewBee"), old_member(make_member, "OldOak")
    message_send(member_id=newcomer.pk, room_slug="newcomers", body="hello everyone")
    message_send(member_id=regular.pk, room_slug="newcomers", body="welcome, NewBee")
    # Answered in time; then a newcomer's second message, and an old hand's first
    # message in another room, are nobody's worry.
    message_send(member_id=newcomer.pk, room_slug="newcomers", body="thanks, glad to be here")
    message_send(member_id=regular.pk, room_slug="stimulants", body="good morning all")
    assert alert_unanswered(now=later()) == 0


def test_distress_that_is_not_a_crisis_alerts_and_a_crisis_is_left_to_the_hand_off(
    make_member, facilitator, rooms, settings
):
    on_duty(facilitator.pk)
    settings.NEEDS_REPLY_DISTRESS_SCORE = 0.0  # every message scores at least this
    regular = old_member(make_member, "TiredElm")
    message_send(member_id=regular.pk, room_slug="stimulants", body="today was a lot")
    assert alert_unanswered(now=later()) == 1
    settings.NEEDS_REPLY_DISTRESS_SCORE = 1.01  # nothing scores this
    message_send(member_id=regular.pk, room_slug="stimulants", body="another ordinary note")
    assert alert_unanswered(now=later()) == 0


def test_the_watchs_rows_are_purged_a_day_on(make_member, rooms):
    from recovery.models import NeedsReply
    from recovery.needs_reply import purge_checked

    regular = old_member(make_member, "CalmBay")
    message_send(member_id=regular.pk, room_slug="stimulants", body="evening all")
    alert_unanswered(now=later())
    assert NeedsReply.objects.count() == 1
    assert purge_checked(messages_before=timezone.now() - timedelta(days=90)) == {
        "needs_reply_checks": 0
    }
    NeedsReply.objects.update(created_at=timezone.now() - timedelta(days=2))
    assert purge_checked(messages_before=timezone.now() - timedelta(days=90)) == {
        "needs_reply_checks": 1
    }
