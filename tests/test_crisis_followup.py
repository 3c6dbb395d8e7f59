"""What the crisis hand-off promises and whom it puts first: the card's words
match live state, the most urgent person is first, one person is one item, and
on-call targets can come from the admin."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from moderation.models import ItemKind, ItemState, OnCall, QueueItem
from tests.test_crisis_handoff import Pager, pages_finished, wait_until

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def pages_done_before_teardown():
    yield
    assert wait_until(pages_finished, timeout=30)


def send(member, body, slug="late-night"):
    from rooms.services import message_send

    return message_send(member_id=member.pk, room_slug=slug, body=body)


def on_duty(member_id: int) -> None:
    from realtime.presence import Arrival, get_store

    get_store().connect(
        Arrival(
            conn_id=f"duty{member_id}",
            member_id=member_id,
            handle="OnDuty",
            room="mod:queue",
            role="facilitator",
            invisible=False,
            open_to_chat=False,
            on_duty=True,
        )
    )


def test_nobody_on_duty_and_nobody_to_page_the_card_says_so(member, rooms, settings):
    settings.CRISIS_WEBHOOK_URL, settings.CRISIS_ONCALL_EMAILS = "", []
    card = send(member, "i can't do this anymore, i want to end it tonight").crisis
    assert card["followup"] == "later"
    assert "no one from the kindred community is available right now" in (
        card["followup_text"].lower()
    )
    # "tonight": immediacy, so emergency services lead.
    assert card["resources"][0]["name"] == "Emergency services"
    # The promise waits in their inbox too (after the card), once however many messages.
    from community.models import InboxItem
    from moderation.handoff import tell_waiting_members

    send(member, "I want to die")
    notes = InboxItem.objects.filter(member=member, text__startswith="No facilitator was on duty")
    assert tell_waiting_members() == 0 and not notes.exists(), "not before the card has settled"
    QueueItem.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    assert tell_waiting_members() == 1 and tell_waiting_members() == 0
    assert notes.count() == 1


def test_someone_on_duty_the_card_says_a_facilitator_was_told(member, facilitator, rooms):
    on_duty(facilitator.pk)
    card = send(member, "I want to die").crisis
    assert card["followup"] == "alerted"
    assert "has been told and will check in" in card["followup_text"]
    # A feeling with no time marker: the crisis lines come first.
    assert card["resources"][0]["name"] == "988 Suicide & Crisis Lifeline"


def test_oncall_set_in_the_admin_pages_and_makes_the_card_say_alerted(member, rooms, settings):
    settings.CRISIS_WEBHOOK_URL, settings.CRISIS_ONCALL_EMAILS = "", []
    pager = Pager()
    try:
        OnCall(webhook_url=pager.url, webhook_secret="admin-secret").save()
        card = send(member, "I want to die").crisis
        assert card["followup"] == "alerted"
        assert pager.arrived.wait(10)
        assert pager.received[0]["reason"] == "no facilitator on duty"
        assert pager.headers[0]["X-Kindred-Signature"].startswith("sha256=")
    finally:
        pager.close()


def test_an_overdose_after_two_older_suicide_items_is_first(make_member, rooms):
    from moderation.queue import open_items

    first, second, third = make_member(), make_member(), make_member()
    send(first, "I want to die")
    send(second, "I have thoughts of suicide")
    QueueItem.objects.update(created_at=timezone.now() - timedelta(hours=1))
    send(third, "I took too many pills and I feel really strange")
    items = open_items()
    assert [i["category"] for i in items] == ["overdose", "suicide", "suicide"]
    assert items[0]["subject"] == third.handle


def test_a_plan_or_a_time_comes_before_a_feeling(make_member, rooms):
    from moderation.queue import open_items

    feeling, plan = make_member(), make_member()
    send(feeling, "I want to die")
    send(plan, "I want to kill myself tonight")
    assert [i["subject"] for i in open_items()] == [plan.handle, feeling.handle]


def test_three_crisis_messages_from_one_member_are_one_item(member, facilitator, rooms):
    from moderation.queue import open_items
    from moderation.services import item_dismiss

    for body in ("I want to die", "I want to kill myself tonight", "I want to end my life"):
        send(member, body)
    items = [i for i in open_items() if i["kind"] == ItemKind.CRISIS]
    assert len(items) == 1
    lead = items[0]
    assert lead["urgency"] == 2  # the one with a time leads the person's item
    assert len(lead["also"]) == 2
    assert QueueItem.objects.filter(kind=ItemKind.CRISIS).count() == 3

    item_dismiss(actor_id=facilitator.pk, item_id=lead["id"], reason="spoke with them")
    assert not open_items()
    assert set(QueueItem.objects.values_list("state", flat=True)) == {ItemState.DISMISSED}


def test_claiming_one_of_a_members_items_acknowledges_all(member, facilitator, rooms, settings):
    from moderation.handoff import escalate_due
    from moderation.services import item_claim

    settings.CRISIS_WEBHOOK_URL, settings.CRISIS_ONCALL_EMAILS = "", []
    on_duty(facilitator.pk)
    send(member, "I want to die")
    send(member, "I want to kill myself")
    lead = QueueItem.objects.order_by("id").first()
    item_claim(actor_id=facilitator.pk, item_id=lead.pk)
    assert not QueueItem.objects.filter(acknowledged_at__isnull=True).exists()
    QueueItem.objects.update(created_at=timezone.now() - timedelta(hours=1))
    assert escalate_due() == 0


def test_deploy_check_warns_until_an_oncall_target_is_set(settings):
    from moderation.deploy_checks import NOBODY_TO_PAGE, oncall_configured

    settings.CRISIS_WEBHOOK_URL, settings.CRISIS_ONCALL_EMAILS = "", []
    assert [w.id for w in oncall_configured()] == [NOBODY_TO_PAGE]
    OnCall(emails="oncall@example.org").save()
    assert oncall_configured() == []


def test_dashboard_warns_when_crisis_items_have_nobody_to_page(
    member, facilitator, rooms, settings
):
    from django.test import Client

    settings.CRISIS_WEBHOOK_URL, settings.CRISIS_ONCALL_EMAILS = "", []
    send(member, "I want to die")
    client = Client()
    client.force_login(facilitator, backend="django.contrib.auth.backends.ModelBackend")
    html = client.get("/facilitators/").content.decode()
    assert "Nobody is paged for a crisis." in html and "1 crisis item waiting now" in html
    assert "so the on-call team isn't paged" not in html
    settings.CRISIS_WEBHOOK_URL = "http://127.0.0.1:9/page"
    html = client.get("/facilitators/").content.decode()
    assert "Nobody is paged for a crisis." not in html
    assert "so the on-call team isn't paged" in " ".join(html.split())


def test_the_safety_plan_page_keeps_the_plan_in_the_browser(db):
    from django.test import Client

    from tests.browser.test_pages_http import assert_no_inline_code

    html = Client().get("/safety-plan/").content.decode()
    assert 'id="safety-plan-form"' in html and "only on this device" in html
    # Nothing of the plan is sent to the server: the one form that posts is the
    # language picker every page has (it sends only "en" or "es").
    posting = [form for form in re.findall(r"<form[^>]*>", html) if 'method="post"' in form]
    assert all('action="/language/"' in form for form in posting)
    assert_no_inline_code(html)


def test_the_example_receiver_accepts_kindreds_signature_and_refuses_a_changed_body(settings):
    import importlib.util
    from pathlib import Path

    from moderation.paging import webhook_headers

    path = Path(__file__).resolve().parent.parent / "docs" / "examples" / "pager_receiver.py"
    spec = importlib.util.spec_from_file_location("pager_receiver", path)
    receiver = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(receiver)
    receiver.SECRET = b"shared-secret"
    body = b'{"event": "kindred.crisis.escalation", "item": 1}'
    headers = webhook_headers(body, secret="shared-secret")
    stamp, signature = headers["X-Kindred-Timestamp"], headers["X-Kindred-Signature"]
    assert receiver.signature_ok(stamp, signature, body)
    assert not receiver.signature_ok(stamp, signature, body.replace(b"1", b"2"))
    assert not receiver.signature_ok(str(int(stamp) - 3600), signature, body)


def test_a_crisis_item_is_dismissed_only_with_a_reason(member, facilitator, rooms):
    from core.errors import KindredError
    from moderation.services import item_dismiss

    send(member, "I want to die")
    item = QueueItem.objects.get(kind=ItemKind.CRISIS)
    with pytest.raises(KindredError) as refused:
        item_dismiss(actor_id=facilitator.pk, item_id=item.pk, reason="  ")
    assert refused.value.code == "reason_required"
    item.refresh_from_db()
    assert item.state == ItemState.OPEN
    item_dismiss(actor_id=facilitator.pk, item_id=item.pk, reason="a song lyric, checked with them")
    item.refresh_from_db()
    assert item.state == ItemState.DISMISSED
