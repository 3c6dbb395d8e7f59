"""The crisis hand-off end to end: card, delivery, queue, alert, reach-out, escalation."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from channels.db import database_sync_to_async

from core.errors import KindredError
from moderation.models import ItemKind, QueueItem
from tests.conftest import communicator, receive_each, receive_until

pytestmark = [pytest.mark.django_db(transaction=True)]

CRISIS = "I want to kill myself tonight"


class Pager:
    """A local stand-in for an on-call pager: records every JSON POST it gets."""

    def __init__(self, fail_first: int = 0) -> None:
        self.received: list[dict] = []
        self.headers: list[dict[str, str]] = []
        self.fail_first = fail_first
        self.arrived = threading.Event()
        pager = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if pager.fail_first > 0:
                    pager.fail_first -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                pager.received.append(json.loads(body))
                pager.headers.append({**dict(self.headers.items()), "body": body.decode()})
                self.send_response(204)
                self.end_headers()
                pager.arrived.set()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/page"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def pages_finished() -> bool:
    return not any(t.name == "crisis-escalation" for t in threading.enumerate())


def wait_until(condition, timeout: float = 10.0) -> bool:
    """Poll *condition* until it holds (True) or *timeout* passes (False)."""
    pause = threading.Event()
    for _ in range(int(timeout / 0.02)):
        if condition():
            return True
        pause.wait(0.02)
    return condition()


@pytest.fixture(autouse=True)
def pages_done_before_teardown():
    """A page runs in a background thread and records ``paged_at`` when it gets
    through; let it finish before the database is flushed under it."""
    yield
    assert wait_until(pages_finished, timeout=30)


@pytest.fixture
def pager(settings):
    pager = Pager()
    settings.CRISIS_WEBHOOK_URL = pager.url
    yield pager
    pager.close()


async def replies_until(ws, last: str) -> list[dict]:
    """The replies to a send (``crisis``, ``ack``, ``error``) up to *last*, in
    order; other frames (presence, the room's messages) may come in between."""
    replies: list[dict] = []
    while not replies or replies[-1]["type"] != last:
        frame = await ws.receive_json_from(timeout=5)
        if frame["type"] in ("crisis", "ack", "error"):
            replies.append(frame)
    return replies


async def room_socket(member, slug="late-night"):
    ws = await communicator(f"/ws/rooms/{slug}/", member)
    connected, _ = await ws.connect()
    assert connected
    await receive_until(ws, "welcome")
    return ws


async def test_card_to_sender_only_message_delivered_item_and_alert(
    member, make_member, facilitator, rooms, hub, pager
):
    other = await database_sync_to_async(make_member)("KindLark")
    wf = await room_socket(facilitator, slug="newcomers")
    await wf.send_json_to({"type": "duty", "on": True})
    await receive_until(wf, "status")
    wm = await room_socket(member)
    wo = await room_socket(other)
    await wm.send_json_to({"type": "message", "body": CRISIS, "nonce": "c1"})
    got = await receive_each(wm, "crisis", "ack", "message")
    card = got["crisis"]
    assert card["category"] == "suicide"
    assert "988" in json.dumps(card["resources"])
    assert (
        "not alone" in card["message"] or "don't have to go through this alone" in card["message"]
    )
    # Still delivered to the room: being heard matters.
    delivered = await receive_until(wo, "message")
    assert delivered["body"] == CRISIS and delivered["id"] == got["ack"]["id"]
    # Nobody else gets the card: the next frame the other member sees after a ping is pong.
    await wo.send_json_to({"type": "ping"})
    seen = []
    while (frame := await wo.receive_json_from(timeout=5))["type"] != "pong":
        seen.append(frame["type"])
    assert "crisis" not in seen
    alert = await receive_until(wf, "crisis.alert")
    assert alert["handle"] == "QuietOtter" and alert["room"] == "late-night"
    assert alert["message"]["id"] == got["ack"]["id"] and alert["category"] == "suicide"
    item = await database_sync_to_async(QueueItem.objects.get)(kind=ItemKind.CRISIS)
    assert item.priority == 0
    # Somebody was on duty: nothing escalated yet.
    assert item.escalated_at is None and pager.received == []
    # The member is never punished by the detector.
    await wm.send_json_to({"type": "message", "body": "sorry, just a hard night"})
    assert (await receive_until(wm, "ack"))["id"] > got["ack"]["id"]
    for ws in (wf, wm, wo):
        await ws.disconnect()


async def test_reach_out_opens_a_chat_with_the_member(member, facilitator, rooms, hub, pager):
    wm = await room_socket(member)
    await wm.send_json_to({"type": "message", "body": CRISIS})
    await receive_until(wm, "crisis")
    item = await database_sync_to_async(QueueItem.objects.get)(kind=ItemKind.CRISIS)
    mod = await communicator("/ws/moderation/", facilitator)
    await mod.connect()
    await receive_until(mod, "queue")
    await mod.send_json_to({"type": "reach_out", "item": item.pk})
    opened = await receive_until(mod, "chat.opened")
    assert opened["with"] == "QuietOtter"
    invite = await receive_until(wm, "chat.opened")
    assert invite["chat"] == opened["chat"] and invite["from"] == "SteadyFacil"
    chat = await communicator(f"/ws/chats/{opened['chat']}/", member)
    connected, _ = await chat.connect()
    assert connected
    assert (await receive_until(chat, "welcome"))["room"]["kind"] == "direct"
    await database_sync_to_async(item.refresh_from_db)()
    assert item.acknowledged_at is not None and item.acknowledged_by_id == facilitator.pk
    for ws in (wm, mod, chat):
        await ws.disconnect()


async def test_nobody_on_duty_escalates_to_the_pager_at_once(member, rooms, hub, pager):
    wm = await room_socket(member)
    await wm.send_json_to({"type": "message", "body": CRISIS})
    await receive_until(wm, "crisis")
    assert await database_sync_to_async(pager.arrived.wait)(10)
    page = pager.received[0]
    assert page["event"] == "kindred.crisis.escalation" and page["category"] == "suicide"
    assert page["handle"] == "QuietOtter" and page["reason"] == "no facilitator on duty"
    assert await database_sync_to_async(wait_until)(pages_finished)
    item = await database_sync_to_async(QueueItem.objects.get)(kind=ItemKind.CRISIS)
    assert item.paged_at is not None, "the page got through"
    await wm.disconnect()


def test_unacknowledged_alert_escalates_after_the_delay_once(
    member, rooms, pager, settings, mailoutbox
):
    from datetime import timedelta

    from django.utils import timezone

    from moderation.handoff import escalate_due
    from rooms.services import message_send

    settings.CRISIS_ONCALL_EMAILS = ["oncall@example.org"]
    settings.CRISIS_ESCALATE_AFTER = 180
    # A facilitator is on duty, so the alert waits for acknowledgement.
    from realtime.presence import Arrival, get_store

    get_store().connect(
        Arrival(
            conn_id="f1",
            member_id=999_999,
            handle="Someone",
            room="mod:queue",
            role="facilitator",
            invisible=False,
            open_to_chat=False,
            on_duty=True,
        )
    )
    message_send(member_id=member.pk, room_slug="late-night", body=CRISIS)
    item = QueueItem.objects.get(kind=ItemKind.CRISIS)
    assert escalate_due() == 0, "not yet due"
    QueueItem.objects.filter(pk=item.pk).update(created_at=timezone.now() - timedelta(minutes=4))
    assert escalate_due() == 1
    assert escalate_due() == 0, "escalated once"
    assert pager.arrived.wait(10)
    assert pager.received[0]["reason"] == "not acknowledged in time"
    for _ in range(200):
        if mailoutbox:
            break
        threading.Event().wait(0.05)
    assert mailoutbox and mailoutbox[0].to == ["oncall@example.org"]


def test_webhook_failures_are_retried(settings):
    from moderation.paging import post_webhook as _post_webhook

    pager = Pager(fail_first=2)
    settings.CRISIS_WEBHOOK_ATTEMPTS = 4
    try:
        assert _post_webhook(pager.url, {"event": "test"}) is True
        assert pager.received == [{"event": "test"}]
    finally:
        pager.close()


def test_the_card_is_shown_once_per_30_minutes_per_category(member, rooms):
    from rooms.services import message_send

    first = message_send(member_id=member.pk, room_slug="late-night", body=CRISIS)
    second = message_send(member_id=member.pk, room_slug="late-night", body="I want to die")
    other = message_send(member_id=member.pk, room_slug="late-night", body="I took too many pills")
    assert first.crisis is not None and second.crisis is None
    assert other.crisis is not None and other.crisis["category"] == "overdose"
    # The facilitator side still updates: every message is in the queue.
    assert QueueItem.objects.filter(kind=ItemKind.CRISIS).count() == 3


def test_overdose_card_leads_with_emergency_services_and_naloxone(member, rooms):
    from rooms.services import message_send

    card = message_send(
        member_id=member.pk, room_slug="late-night", body="I think I overdosed"
    ).crisis
    assert card["category"] == "overdose"
    assert "911" in (card["resources"][0].get("phone") or "")
    assert "naloxone" in card["message"].lower()


def test_country_choice_changes_the_resources(make_member, rooms):
    from rooms.services import message_send

    uk = make_member("TeaDrinker", country="GB")
    card = message_send(member_id=uk.pk, room_slug="late-night", body=CRISIS).crisis
    assert "116 123" in json.dumps(card["resources"])


def test_rooms_that_hold_crisis_messages(member, make_member, rooms):
    from rooms.services import message_send, room_welcome

    room = rooms["late-night"]
    room.hold_crisis_messages = True
    room.save()
    result = message_send(member_id=member.pk, room_slug="late-night", body=CRISIS)
    assert result.held and result.crisis is not None
    other = make_member("KindLark")
    history = room_welcome(member_id=other.pk, room_slug="late-night").history
    assert result.message.id not in [m.id for m in history]
    # Its author still sees it, marked as held.
    own = room_welcome(member_id=member.pk, room_slug="late-night").history
    assert [(m.id, m.frame().get("held")) for m in own] == [(result.message.id, True)]
    assert QueueItem.objects.get(kind=ItemKind.CRISIS).message_id == result.message.id
    # A facilitator releases it to the room; the crisis item stays open.
    from moderation.services import message_release

    facilitator = make_member("NightFacil", role="facilitator")
    message_release(actor_id=facilitator.pk, message_id=result.message.id)
    history = room_welcome(member_id=other.pk, room_slug="late-night").history
    assert [m.id for m in history] == [result.message.id]
    assert QueueItem.objects.get(kind=ItemKind.CRISIS).state == "open"


@pytest.mark.parametrize("why", ["muted", "rate_limited", "not_allowed_yet", "locked"])
def test_a_refused_message_in_crisis_still_gets_the_card_and_an_alert(
    member, facilitator, rooms, settings, why
):
    from moderation.services import member_mute
    from rooms.services import message_send

    room = rooms["late-night"]
    if why == "muted":
        member_mute(actor_id=facilitator.pk, handle="QuietOtter", minutes=10)
    elif why == "rate_limited":
        settings.MESSAGE_RATE_LIMIT = "1/1h"
        message_send(member_id=member.pk, room_slug="late-night", body="hi")
    elif why == "not_allowed_yet":
        room.members_only_after_minutes = 30
        room.save()
    else:
        room.is_locked = True
        room.save()
    with pytest.raises(KindredError) as refused:
        message_send(member_id=member.pk, room_slug="late-night", body=CRISIS)
    assert refused.value.code == why
    assert refused.value.crisis is not None and refused.value.crisis["category"] == "suicide"
    item = QueueItem.objects.get(kind=ItemKind.CRISIS)
    assert item.subject == member and "kill myself" in item.excerpt and item.priority == 0


async def test_refused_crisis_message_card_arrives_before_the_error(
    member, facilitator, rooms, hub
):
    from moderation.services import member_mute

    await database_sync_to_async(member_mute)(
        actor_id=facilitator.pk, handle="QuietOtter", minutes=10
    )
    wm = await room_socket(member)
    await wm.send_json_to({"type": "message", "body": CRISIS})
    # The join's presence batch (0.25 s after the welcome) may come first on a busy
    # machine; it says nothing about the order of the card and the refusal.
    first = await wm.receive_json_from(timeout=5)
    while first["type"] == "presence":
        first = await wm.receive_json_from(timeout=5)
    assert first["type"] == "crisis"
    assert (await receive_until(wm, "error"))["code"] == "muted"
    await wm.disconnect()


def test_reach_out_twice_reuses_the_open_chat(member, facilitator, rooms):
    from moderation.services import reach_out
    from rooms.services import message_send

    message_send(member_id=member.pk, room_slug="late-night", body=CRISIS)
    item = QueueItem.objects.get(kind=ItemKind.CRISIS)
    first = reach_out(actor_id=facilitator.pk, item_id=item.pk)
    again = reach_out(actor_id=facilitator.pk, item_id=item.pk)
    assert first["chat"] == again["chat"]


# --- a page that does not get through is tried again ------------------------------


def unacknowledged_crisis_item(member):
    from rooms.services import message_send

    message_send(member_id=member.pk, room_slug="late-night", body=CRISIS)
    return QueueItem.objects.get(kind=ItemKind.CRISIS)


def test_an_escalation_whose_page_failed_is_paged_again(member, rooms, settings):
    from datetime import timedelta

    from django.utils import timezone

    from moderation.handoff import escalate_due

    settings.CRISIS_WEBHOOK_ATTEMPTS = 1
    settings.CRISIS_PAGE_RETRY_SECONDS = 120
    down = Pager(fail_first=1_000)  # the pager is down: every page is refused
    settings.CRISIS_WEBHOOK_URL = down.url
    try:
        # Nobody on duty: escalated at once, and the page fails.
        item = unacknowledged_crisis_item(member)
        assert wait_until(pages_finished)
    finally:
        down.close()
    item.refresh_from_db()
    assert item.escalated_at is not None and item.paged_at is None
    assert escalate_due() == 0, "not again before CRISIS_PAGE_RETRY_SECONDS"

    up = Pager()
    settings.CRISIS_WEBHOOK_URL = up.url
    try:
        QueueItem.objects.filter(pk=item.pk).update(
            escalated_at=timezone.now() - timedelta(minutes=3)
        )
        assert escalate_due() == 1
        assert up.arrived.wait(10)
        assert up.received[0]["item"] == item.pk
        assert up.received[0]["reason"] == "the page before did not get through"
        assert wait_until(pages_finished)
        assert QueueItem.objects.get(pk=item.pk).paged_at is not None
        QueueItem.objects.filter(pk=item.pk).update(
            escalated_at=timezone.now() - timedelta(minutes=3)
        )
        assert escalate_due() == 0, "paged: not again"
        assert len(up.received) == 1
    finally:
        up.close()


def test_an_acknowledged_item_is_not_paged_again(member, rooms, settings, facilitator):
    from datetime import timedelta

    from django.utils import timezone

    from moderation.handoff import acknowledge, escalate_due

    settings.CRISIS_WEBHOOK_ATTEMPTS = 1
    down = Pager(fail_first=1_000)
    settings.CRISIS_WEBHOOK_URL = down.url
    try:
        item = unacknowledged_crisis_item(member)
        assert wait_until(pages_finished)
        acknowledge(item=item, actor=facilitator)
        QueueItem.objects.filter(pk=item.pk).update(
            escalated_at=timezone.now() - timedelta(minutes=3)
        )
        assert escalate_due() == 0
    finally:
        down.close()


def test_a_send_that_fails_to_store_does_not_use_up_the_card(member, rooms):
    """The card travels with the stored message's ack; if the store fails the
    member never saw it, so their retry must still bring it."""
    from django.db import DatabaseError, connection

    from rooms.services import message_send

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION kindred_test_fail() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'disk full'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER kindred_test_fail BEFORE INSERT ON rooms_message "
                "FOR EACH ROW EXECUTE FUNCTION kindred_test_fail()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER kindred_test_fail BEFORE INSERT ON rooms_message "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )
    try:
        with pytest.raises(DatabaseError):
            message_send(member_id=member.pk, room_slug="late-night", body=CRISIS, nonce="n1")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "DROP TRIGGER kindred_test_fail"
                + (" ON rooms_message" if connection.vendor == "postgresql" else "")
            )
            if connection.vendor == "postgresql":
                cursor.execute("DROP FUNCTION kindred_test_fail()")
    retry = message_send(member_id=member.pk, room_slug="late-night", body=CRISIS, nonce="n1")
    assert retry.crisis is not None and retry.crisis["category"] == "suicide"


def test_a_signed_page_can_be_checked_by_its_receiver(settings):
    import hashlib
    import hmac
    import time

    from moderation.paging import post_webhook as _post_webhook

    settings.CRISIS_WEBHOOK_SECRET = "s3cret-for-the-pager"
    pager = Pager()
    try:
        before = int(time.time())
        assert _post_webhook(pager.url, {"event": "kindred.crisis.escalation", "item": 7})
    finally:
        pager.close()
    got = pager.headers[0]
    stamp = got["X-Kindred-Timestamp"]
    assert before <= int(stamp) <= int(time.time())
    expected = hmac.new(
        b"s3cret-for-the-pager", f"{stamp}.{got['body']}".encode(), hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(got["X-Kindred-Signature"], "sha256=" + expected)


def test_without_a_secret_no_signature_is_sent(settings):
    from moderation.paging import post_webhook as _post_webhook

    settings.CRISIS_WEBHOOK_SECRET = ""
    pager = Pager()
    try:
        assert _post_webhook(pager.url, {"event": "test"})
    finally:
        pager.close()
    assert "X-Kindred-Signature" not in pager.headers[0]
