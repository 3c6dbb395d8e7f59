"""Moderation services: every action and state change, folding, limits, permissions, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import BannedDevice, Member
from core.errors import BadFrame, KindredError, NotAllowed
from moderation import reading, room_controls, services
from moderation.actions import action_parse
from moderation.models import AuditEntry, ItemKind, ItemState, Mute, QueueItem, Report
from rooms import services as room_services
from rooms.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(make_member):
    return make_member("LoudFinch")


def send(member, room, body="hello there", **kw):
    return room_services.message_send(
        member_id=member.pk, room_slug=room.slug, body=body, **kw
    ).message


def report(member, message, reason="harassment", **kw):
    return services.report_create(member_id=member.pk, message_id=message.id, reason=reason, **kw)


def test_a_report_files_one_item_and_further_reports_fold_into_it(
    member, make_member, author, room
):
    message = send(author, room)
    assert report(member, message) == {"type": "report.received", "message": message.id}
    other = make_member("KindLark")
    report(other, message, reason="spam")
    item = QueueItem.objects.get()
    assert item.kind == ItemKind.REPORT and item.state == ItemState.OPEN
    assert item.weight == pytest.approx(2.0)
    assert item.reports.count() == 2
    # The same member reporting again changes nothing.
    report(member, message)
    assert Report.objects.count() == 2 and QueueItem.objects.count() == 1


def test_reports_from_members_whose_reports_are_dismissed_weigh_less(
    member, make_member, author, room, facilitator
):
    for i in range(4):
        message = send(author, room, f"fine message {i}")
        report(member, message)
        services.item_dismiss(actor_id=facilitator.pk, item_id=QueueItem.objects.latest("id").pk)
    fresh = send(author, room, "another")
    report(member, fresh)
    assert QueueItem.objects.get(message_id=fresh.id).weight < 0.5


def test_cannot_report_own_message_or_unknown_or_other_rooms(member, author, rooms):
    mine = send(member, rooms["newcomers"])
    with pytest.raises(KindredError) as refused:
        report(member, mine)
    assert refused.value.code == "own_message"
    theirs = send(author, rooms["alcohol"])
    with pytest.raises(KindredError) as refused:
        report(member, theirs, room_slug="newcomers")
    assert refused.value.code == "not_found"
    with pytest.raises(KindredError) as refused:
        services.report_create(member_id=member.pk, message_id=10**12, reason="spam")
    assert refused.value.code == "not_found"
    assert not QueueItem.objects.exists()


def test_report_rate_limit(member, author, room, settings):
    settings.REPORT_RATE_LIMIT = "2/1h"
    settings.MESSAGE_RATE_LIMIT = "100/1s"
    messages = [send(author, room, f"m{i}") for i in range(3)]
    report(member, messages[0])
    report(member, messages[1])
    with pytest.raises(KindredError) as refused:
        report(member, messages[2])
    assert refused.value.code == "rate_limited" and refused.value.extra["retry_after"] > 0


def test_bad_reason_is_refused(member, author, room):
    with pytest.raises(KindredError) as refused:
        report(member, send(author, room), reason="because")
    assert refused.value.code == "bad_reason"


def test_members_can_never_act_or_read_the_queue(member, author, room):
    message = send(author, room)
    report(member, message)
    item = QueueItem.objects.get()
    calls = [
        lambda: reading.queue_snapshot(actor_id=member.pk),
        lambda: services.item_claim(actor_id=member.pk, item_id=item.pk),
        lambda: services.item_dismiss(actor_id=member.pk, item_id=item.pk),
        lambda: services.message_remove(actor_id=member.pk, message_id=message.id),
        lambda: services.member_warn(actor_id=member.pk, handle="LoudFinch", text="x"),
        lambda: services.member_mute(actor_id=member.pk, handle="LoudFinch", minutes=5),
        lambda: services.member_kick(actor_id=member.pk, handle="LoudFinch", room_slug=room.slug),
        lambda: services.member_ban(actor_id=member.pk, handle="LoudFinch"),
        lambda: room_controls.room_slow_mode(actor_id=member.pk, room_slug=room.slug, seconds=5),
        lambda: room_controls.room_lock(actor_id=member.pk, room_slug=room.slug, locked=True),
        lambda: room_controls.message_pin(
            actor_id=member.pk, room_slug=room.slug, message_id=message.id
        ),
        lambda: reading.item_context(actor_id=member.pk, item_id=item.pk),
        lambda: reading.audit_log(actor_id=member.pk),
        lambda: services.reach_out(actor_id=member.pk, item_id=item.pk),
    ]
    for call in calls:
        with pytest.raises(NotAllowed):
            call()
    assert not AuditEntry.objects.exists()
    assert QueueItem.objects.get().state == ItemState.OPEN


def test_claim_then_another_facilitator_cannot_claim(
    member, author, room, facilitator, make_member
):
    report(member, send(author, room))
    item = QueueItem.objects.get()
    services.item_claim(actor_id=facilitator.pk, item_id=item.pk)
    item.refresh_from_db()
    assert item.state == ItemState.CLAIMED and item.claimed_by == facilitator
    assert item.acknowledged_at is not None
    second = make_member("OtherFacil", role="facilitator")
    with pytest.raises(KindredError) as refused:
        services.item_claim(actor_id=second.pk, item_id=item.pk)
    assert refused.value.code == "claimed"


def test_remove_message_hides_it_and_resolving_tells_reporters(
    member, author, room, facilitator, monkeypatch
):
    from realtime import bus

    sent = []
    monkeypatch.setattr(bus, "publish_member", lambda mid, event: sent.append((mid, event)))
    message = send(author, room)
    report(member, message)
    item = QueueItem.objects.get()
    with django_capture_on_commit():
        services.message_remove(actor_id=facilitator.pk, message_id=message.id, item_id=item.pk)
    item.refresh_from_db()
    # Removing is one action on the item: it stays open until resolved.
    assert item.state == ItemState.OPEN
    assert not [e for mid, e in sent if mid == member.pk and e["frame"]["type"] == "notice"]
    with django_capture_on_commit():
        services.item_resolve(actor_id=facilitator.pk, item_id=item.pk, reason="removed it")
    item.refresh_from_db()
    assert item.state == ItemState.RESOLVED and item.resolution == "resolved"
    assert Message.objects.get(pk=message.id).removed_at is not None
    welcome = room_services.room_welcome(member_id=member.pk, room_slug=room.slug)
    assert message.id not in [m.id for m in welcome.history]
    frames = [event["frame"] for mid, event in sent if mid == member.pk]
    notice = [frame for frame in frames if frame["type"] == "notice"]
    assert notice and notice[0]["outcome"] == "action"
    assert "SteadyFacil" not in notice[0]["message"], "the moderator is not named"
    entry = AuditEntry.objects.get(action="remove_message")
    assert entry.actor_handle == "SteadyFacil" and entry.target_handle == "LoudFinch"
    assert entry.item_id == item.pk and entry.message_id == message.id


def test_dismiss_tells_reporters_no_action(member, author, room, facilitator, monkeypatch):
    from realtime import bus

    sent = []
    monkeypatch.setattr(bus, "publish_member", lambda mid, event: sent.append((mid, event)))
    report(member, send(author, room))
    item = QueueItem.objects.get()
    with django_capture_on_commit():
        services.item_dismiss(actor_id=facilitator.pk, item_id=item.pk, reason="banter")
    assert QueueItem.objects.get().state == ItemState.DISMISSED
    frames = [e["frame"] for m, e in sent if m == member.pk]
    assert [f["outcome"] for f in frames if f["type"] == "notice"] == ["no_action"]
    with pytest.raises(KindredError) as refused:
        services.item_dismiss(actor_id=facilitator.pk, item_id=item.pk)
    assert refused.value.code == "closed"


def test_mute_is_enforced_on_the_next_send_and_expires(author, room, rooms, facilitator):
    services.member_mute(
        actor_id=facilitator.pk, handle="LoudFinch", minutes=10, room_slug=room.slug
    )
    with pytest.raises(KindredError) as refused:
        send(author, room)
    assert refused.value.code == "muted" and refused.value.extra["until"].endswith("Z")
    send(author, rooms["alcohol"])  # a room mute is for that room only
    Mute.objects.update(until=timezone.now() - timedelta(seconds=1))
    send(author, room, "back again")


def test_site_wide_mute(author, rooms, facilitator):
    services.member_mute(actor_id=facilitator.pk, handle="LoudFinch", minutes=10)
    for room in rooms.values():
        with pytest.raises(KindredError):
            send(author, room)


def test_ban_refuses_the_member_and_their_browser(author, room, facilitator):
    Member.objects.filter(pk=author.pk).update(device_hash="a" * 64)
    services.member_ban(actor_id=facilitator.pk, handle="LoudFinch", reason="threats")
    author.refresh_from_db()
    assert author.is_banned
    assert BannedDevice.objects.filter(token_hash="a" * 64).exists()
    with pytest.raises(NotAllowed):
        send(author, room)


def test_facilitators_cannot_act_on_facilitators(facilitator, make_member):
    make_member("OtherFacil", role="facilitator")
    with pytest.raises(KindredError):
        services.member_ban(actor_id=facilitator.pk, handle="OtherFacil")


def test_slow_mode_lock_and_pin(member, room, facilitator):
    room_controls.room_slow_mode(actor_id=facilitator.pk, room_slug=room.slug, seconds=30)
    room_controls.room_lock(actor_id=facilitator.pk, room_slug=room.slug, locked=True)
    room.refresh_from_db()
    assert room.slow_mode_seconds == 30 and room.is_locked
    guidelines = send(facilitator, room, "Be kind. Share your own story.")
    room_controls.message_pin(
        actor_id=facilitator.pk, room_slug=room.slug, message_id=guidelines.id
    )
    welcome = room_services.room_welcome(member_id=member.pk, room_slug=room.slug)
    assert welcome.pinned.id == guidelines.id
    with pytest.raises(BadFrame, match="seconds: at most 3600 seconds"):
        action_parse(name="slow_mode", fields={"room": room.slug, "seconds": 3601})


def test_context_is_five_before_and_after(member, author, room, facilitator, settings):
    settings.MESSAGE_RATE_LIMIT = "100/1s"
    messages = [send(author, room, f"m{i}") for i in range(15)]
    report(member, messages[7])
    item = QueueItem.objects.get()
    context = reading.item_context(actor_id=facilitator.pk, item_id=item.pk)
    assert [m["id"] for m in context["messages"]] == [m.id for m in messages[2:13]]
    assert [m["reported"] for m in context["messages"]].index(True) == 5


def test_audit_log_is_complete_and_append_only(member, author, room, facilitator):
    message = send(author, room)
    report(member, message)
    item = QueueItem.objects.get()
    services.item_claim(actor_id=facilitator.pk, item_id=item.pk)
    services.member_warn(actor_id=facilitator.pk, handle="LoudFinch", text="Please be kind.")
    services.member_mute(actor_id=facilitator.pk, handle="LoudFinch", minutes=5)
    services.member_kick(actor_id=facilitator.pk, handle="LoudFinch", room_slug=room.slug)
    room_controls.room_slow_mode(actor_id=facilitator.pk, room_slug=room.slug, seconds=5)
    room_controls.room_lock(actor_id=facilitator.pk, room_slug=room.slug, locked=False)
    room_controls.message_pin(actor_id=facilitator.pk, room_slug=room.slug, message_id=message.id)
    services.message_remove(actor_id=facilitator.pk, message_id=message.id, item_id=item.pk)
    services.member_ban(actor_id=facilitator.pk, handle="LoudFinch")
    actions = [e["action"] for e in reading.audit_log(actor_id=facilitator.pk)]
    assert actions == [
        "ban",
        "remove_message",
        "pin",
        "unlock",
        "slow_mode",
        "kick",
        "mute",
        "warn",
        "claim",
    ]
    entry = AuditEntry.objects.first()
    entry.reason = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_contact_details_are_redacted_and_flagged(member, room):
    result = room_services.message_send(
        member_id=member.pk,
        room_slug=room.slug,
        body="text me on 555 123 4567 or mail jo@example.com, snap: jojo22",
    )
    body = result.message.frame()["body"]
    assert "555" not in body and "example.com" not in body and "jojo22" not in body
    assert body.count("[contact details removed]") == 3
    item = QueueItem.objects.get()
    assert item.kind == ItemKind.CONTACT_INFO and "phone" in item.category
    # Only the redacted text is stored, in the message and in its queue item.
    assert "555" not in Message.objects.get(pk=result.message.id).body
    assert "jojo22" not in item.excerpt and "example.com" not in item.excerpt


def test_helpline_numbers_are_never_redacted(member, room):
    body = room_services.message_send(
        member_id=member.pk,
        room_slug=room.slug,
        body="SAMHSA is 1-800-662-4357 and you can call or text 988",
    ).message.frame()["body"]
    assert "1-800-662-4357" in body and "988" in body
    assert not QueueItem.objects.exists()


def test_blocked_words_and_new_handle_links_are_flagged(member, room, settings):
    settings.LINK_MIN_HANDLE_AGE_MINUTES = 60
    room_services.message_send(member_id=member.pk, room_slug=room.slug, body="you nazi")
    room_services.message_send(
        member_id=member.pk, room_slug=room.slug, body="see https://example.org/pills"
    )
    kinds = sorted(QueueItem.objects.values_list("kind", flat=True))
    assert kinds == [ItemKind.BLOCKED_WORD, ItemKind.NEW_LINK]


def test_a_message_with_several_flags_gets_one_item_named_by_the_most_urgent(
    member, room, settings
):
    settings.LINK_MIN_HANDLE_AGE_MINUTES = 60
    settings.MESSAGE_RATE_LIMIT = "100/1s"
    sent = room_services.message_send(
        member_id=member.pk,
        room_slug=room.slug,
        body="you nazi, see https://example.org/pills or mail jo@example.com",
    )
    item = QueueItem.objects.get()
    # Contact details (priority 2, found before the blocked word) outrank the link.
    assert (item.kind, item.category) == (ItemKind.CONTACT_INFO, "email")
    assert item.weight == 3.0 and item.state == ItemState.OPEN
    assert item.message_id == sent.message.id and item.subject == member and item.room == room
    assert "jo@example.com" not in item.excerpt


def test_a_flagged_message_and_its_item_are_stored_by_one_statement(member, room, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.LINK_MIN_HANDLE_AGE_MINUTES = 60
    room_services.message_send(member_id=member.pk, room_slug=room.slug, body="warm up")
    with CaptureQueriesContext(connection) as queries:
        sent = room_services.message_send(
            member_id=member.pk, room_slug=room.slug, body="see https://example.org/x"
        )
    assert QueueItem.objects.get().message_id == sent.message.id
    if connection.vendor == "postgresql":
        # The read, then the message with its item in one statement: no
        # BEGIN ... COMMIT held open while the room is locked.
        assert len(queries) == 2, [q["sql"][:60] for q in queries]


def test_facilitators_are_told_of_a_new_item_as_it_is_stored(member, room, settings, monkeypatch):
    """The queue frame for a new flagged message is built from memory, without
    reading the item back; it must say exactly what a fresh read would."""
    from moderation import queue
    from realtime import bus

    settings.LINK_MIN_HANDLE_AGE_MINUTES = 60
    published = []
    monkeypatch.setattr(bus, "publish_topic", lambda topic, frame: published.append((topic, frame)))
    with django_capture_on_commit():
        room_services.message_send(
            member_id=member.pk, room_slug=room.slug, body="see https://example.org/x"
        )
    item = QueueItem.objects.get()
    assert published == [
        (queue.QUEUE_TOPIC, {"type": "queue.item", "item": queue.item_data(queue._load(item.pk))})
    ]


def test_repeatedly_hitting_the_rate_limit_is_flagged(member, room, settings):
    settings.MESSAGE_RATE_LIMIT = "1/1h"
    settings.RATE_LIMIT_FLAG_AFTER = "3/10m"
    room_services.message_send(member_id=member.pk, room_slug=room.slug, body="one")
    for _ in range(5):
        with pytest.raises(KindredError):
            room_services.message_send(member_id=member.pk, room_slug=room.slug, body="again")
    items = QueueItem.objects.filter(kind=ItemKind.RATE_LIMIT)
    assert items.count() == 1 and items.get().subject == member


def test_queue_order_is_priority_then_age(member, author, room, facilitator, settings):
    settings.MESSAGE_RATE_LIMIT = "100/1s"
    report(member, send(author, room, "rude"))
    room_services.message_send(
        member_id=author.pk, room_slug=room.slug, body="I want to kill myself"
    )
    items = reading.queue_snapshot(actor_id=facilitator.pk)
    assert [i["kind"] for i in items] == ["crisis", "report"]


def django_capture_on_commit():
    """Run on_commit callbacks at the end of the block (the test is in a transaction)."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def test_a_reopened_item_is_fresh(member, make_member, author, room, facilitator):
    message = send(author, room)
    report(member, message)
    item = QueueItem.objects.get()
    services.item_claim(actor_id=facilitator.pk, item_id=item.pk)
    services.item_dismiss(actor_id=facilitator.pk, item_id=item.pk)
    report(make_member("KindLark"), message, reason="unsafe")
    item.refresh_from_db()
    assert item.state == ItemState.OPEN
    assert item.claimed_by is None and item.acknowledged_at is None


def test_facilitators_see_what_reporters_wrote_newest_first_without_who(
    member, make_member, author, room, settings
):
    from moderation import queue

    settings.QUEUE_ITEM_NOTES_SHOWN = 2
    message = send(author, room)
    report(member, message, note="Third time tonight, aimed at me")
    report(make_member("KindLark"), message, reason="spam")  # no note: left out
    report(make_member("SoftRain"), message, reason="other", note="They DM'd me too")
    report(make_member("LateOwl"), message, note="please look")
    data = queue.item_data(queue._load(QueueItem.objects.get().pk))
    assert data["reports"] == 4
    assert [(n["reason"], n["note"]) for n in data["notes"]] == [
        ("harassment", "please look"),
        ("other", "They DM'd me too"),
    ]
    assert "LateOwl" not in str(data["notes"]) and "SoftRain" not in str(data["notes"])
