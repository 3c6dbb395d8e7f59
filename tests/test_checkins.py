"""Check on me later: scheduled, hidden until its time, then surfaced to whoever
is on duty, and escalated to the on-call pager when nobody takes it. Time is
moved by rewriting the stored times, never waited for."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from community.models import InboxItem
from moderation.models import ItemKind, QueueItem
from tests.test_crisis_followup import on_duty
from tests.test_crisis_handoff import Pager, pages_finished, wait_until

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def pages_done_before_teardown():
    yield
    assert wait_until(pages_finished, timeout=30)


def ask(client: Client, at: str):
    client.get("/api/session/")
    return client.post(
        "/api/checkins/",
        data=json.dumps({"at": at}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )


def test_check_on_me_in_one_hour_surfaces_then_escalates_to_the_pager(
    member, member_client, facilitator, rooms, settings
):
    from moderation.checkins import checkins_due
    from moderation.handoff import escalate_due
    from moderation.queue import open_items

    pager = Pager()
    settings.CRISIS_WEBHOOK_URL, settings.CRISIS_ESCALATE_AFTER = pager.url, 180
    try:
        in_an_hour = (timezone.now() + timedelta(hours=1)).astimezone(
            timezone.get_fixed_timezone(-300)  # the member's own zone, UTC-5
        )
        response = ask(member_client, in_an_hour.isoformat())
        assert response.status_code == 201, response.content
        # Told in their inbox what will happen; nothing in the queue yet.
        assert InboxItem.objects.filter(member=member, kind="checkin").exists()
        assert open_items() == [] and checkins_due() == 0

        # An hour passes: the check-in surfaces, at the top, for whoever is on duty.
        on_duty(facilitator.pk)
        QueueItem.objects.update(due_at=timezone.now() - timedelta(seconds=1))
        assert checkins_due() == 1 and checkins_due() == 0
        top = open_items()[0]
        assert top["kind"] == ItemKind.CHECK_IN and top["subject"] == member.handle
        assert escalate_due() == 0, "someone is on duty and the wait has just begun"

        # Nobody takes it within CRISIS_ESCALATE_AFTER of its time: the pager is told.
        item = QueueItem.objects.get()
        QueueItem.objects.filter(pk=item.pk).update(
            created_at=timezone.now() - timedelta(seconds=181)
        )
        assert escalate_due() == 1
        assert pager.arrived.wait(10)
        assert pager.received[0]["category"] == "check_in"
        assert pager.received[0]["reason"] == "not acknowledged in time"
    finally:
        pager.close()


def test_asking_again_moves_the_one_waiting_checkin(member, member_client, rooms):
    soon = timezone.now() + timedelta(hours=1)
    later = timezone.now() + timedelta(hours=20)
    assert ask(member_client, soon.isoformat()).status_code == 201
    assert ask(member_client, later.isoformat()).status_code == 201
    waiting = QueueItem.objects.get(kind=ItemKind.CHECK_IN)
    assert abs((waiting.due_at - later).total_seconds()) < 1


@pytest.mark.parametrize("at", ["tomorrow", "2026-12-07T09:00:00", "2999-01-01T00:00:00+00:00"])
def test_a_time_without_zone_or_out_of_range_is_refused(member_client, rooms, at):
    response = ask(member_client, at)
    assert response.status_code == 400
    assert not QueueItem.objects.exists()
