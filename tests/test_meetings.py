"""Meetings: scheduling, reminders, meeting mode through the one message path, and
"no host, no meeting" (meetings/), with the heartbeat's duty run at chosen times."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from community import inbox
from community.models import Role
from core.errors import KindredError, NotAllowed
from meetings import mode, services
from meetings.duties import meetings_due
from meetings.models import Meeting, Session, SessionState
from moderation.models import ItemKind, QueueItem
from rooms.models import Message, Room
from rooms.services import message_send

pytestmark = pytest.mark.django_db


def client_for(member) -> Client:
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    return client


def post(client: Client, url: str, body: dict | None = None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def host(make_member):
    return make_member("EveningHost", role=Role.FACILITATOR)


def at_minute(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def schedule_at(host, start: datetime, **fields) -> Meeting:
    """A one-off meeting in the Alcohol room at *start* (UTC, whole minutes)."""
    made = services.meeting_create(
        actor_id=host.pk,
        room_slug="alcohol",
        title=fields.pop("title", "Evening check-in"),
        hosts=[host.handle],
        starts_on=start.date().isoformat(),
        start_time=start.strftime("%H:%M"),
        time_zone="UTC",
        duration_minutes=fields.pop("duration_minutes", 60),
        format=fields.pop("format", "check_in"),
        **fields,
    )
    return Meeting.objects.get(pk=made["id"])


# --- scheduling -------------------------------------------------------------------------


def test_a_facilitator_schedules_a_meeting_over_the_api_and_a_member_cannot(rooms, host, member):
    body = {
        "room": "alcohol",
        "title": "Evening check-in",
        "format": "check_in",
        "hosts": [host.handle],
        "date": "2026-12-07",
        "time": "19:00",
        "time_zone": "Europe/Madrid",
        "duration_minutes": 60,
        "recurrence": "weekly",
        "weekdays": [0, 3],
    }
    answer = post(client_for(host), "/api/meetings/", body)
    assert answer.status_code == 201, answer.content
    made = answer.json()
    assert made["local_time"] == "19:00" and made["time_zone"] == "Europe/Madrid"
    assert made["weekdays"] == [0, 3] and made["hosts"] == ["EveningHost"]
    assert post(client_for(member), "/api/meetings/", body).status_code == 403
    wrong = [
        {**body, "time_zone": "Nowhere/Else"},
        {**body, "weekdays": []},
        {**body, "hosts": [member.handle]},  # hosts run the room's controls: facilitators
        {**body, "duration_minutes": 2},
        {**body, "time": "25:00"},
    ]
    for bad in wrong:
        assert post(client_for(host), "/api/meetings/", bad).status_code == 400, bad


def test_the_home_page_says_what_starts_soon_and_the_list_is_per_room(rooms, host, member):
    start = at_minute(timezone.now()) + timedelta(minutes=21)
    schedule_at(host, start)
    page = client_for(member).get("/").content.decode()
    assert "Starting in 20 min: Evening check-in, Alcohol" in page or (
        "Starting in 21 min: Evening check-in, Alcohol" in page
    )
    listed = client_for(member).get("/api/meetings/?room=alcohol").json()["meetings"]
    assert [m["title"] for m in listed][:1] == ["Evening check-in"]
    assert listed[0]["state"] == "scheduled" and listed[0]["reminded"] is False
    assert client_for(member).get("/api/meetings/?room=opioids").json()["meetings"] == []
    room_page = client_for(member).get("/rooms/alcohol/").content.decode()
    assert "Meetings in this room" in room_page and "Remind me" in room_page
    assert "Evening check-in" in client_for(member).get("/meetings/").content.decode()


# --- reminders --------------------------------------------------------------------------


def test_a_reminder_arrives_in_the_inbox_ten_minutes_before_once(rooms, host, member):
    start = at_minute(timezone.now()) + timedelta(hours=2)
    meeting = schedule_at(host, start)
    answer = post(client_for(member), f"/api/meetings/{meeting.pk}/remind/", {"on": True})
    assert answer.json() == {"meeting": meeting.pk, "reminded": True, "minutes_before": 10}
    meetings_due(now=start - timedelta(minutes=30))
    assert inbox.inbox_list(member_id=member.pk)["items"] == []
    meetings_due(now=start - timedelta(minutes=10))
    meetings_due(now=start - timedelta(minutes=9))  # the next heartbeat: no second notice
    items = inbox.inbox_list(member_id=member.pk)["items"]
    assert [(i["text"], i["url"]) for i in items] == [
        ("Starting in 10 min: Evening check-in, Alcohol", "/rooms/alcohol/")
    ]
    # Turned off: the next occurrence (none here) would bring nothing; the host got none.
    post(client_for(member), f"/api/meetings/{meeting.pk}/remind/", {"on": False})
    assert inbox.inbox_list(member_id=host.pk)["items"] == []


# --- no host, no meeting ----------------------------------------------------------------


def test_no_host_the_meeting_runs_late_then_is_cancelled_kindly(rooms, host, make_member):
    on_duty = make_member("NightShift", role=Role.FACILITATOR, on_duty=True)
    off_duty = make_member("OffShift", role=Role.FACILITATOR)
    start = at_minute(timezone.now()) - timedelta(minutes=1)
    schedule_at(host, start)
    meetings_due(now=start + timedelta(minutes=1))
    session = Session.objects.get()
    assert session.state == SessionState.WAITING
    meetings_due(now=start + timedelta(minutes=4))
    assert Session.objects.get().state == SessionState.WAITING
    meetings_due(now=start + timedelta(minutes=5))
    meetings_due(now=start + timedelta(minutes=6))
    assert Session.objects.get().state == SessionState.LATE
    alerts = inbox.inbox_list(member_id=on_duty.pk)["items"]
    assert len(alerts) == 1 and "No host yet for Evening check-in in Alcohol" in alerts[0]["text"]
    assert inbox.inbox_list(member_id=off_duty.pk)["items"] == []
    meetings_due(now=start + timedelta(minutes=15))
    session = Session.objects.get()
    assert session.state == SessionState.CANCELLED
    assert [e["what"] for e in session.log] == ["host_late", "cancelled"]
    # A cancelled meeting can't be started any more.
    with pytest.raises(KindredError):
        mode.meeting_start(member_id=host.pk, session_id=session.pk)


def test_a_host_who_arrives_in_time_keeps_the_meeting(rooms, host):
    start = at_minute(timezone.now()) - timedelta(minutes=1)
    schedule_at(host, start)
    meetings_due(now=start)
    session = Session.objects.get()
    mode.meeting_start(member_id=host.pk, session_id=session.pk)
    meetings_due(now=start + timedelta(minutes=20))
    assert Session.objects.get().state == SessionState.LIVE


# --- meeting mode -----------------------------------------------------------------------


@pytest.fixture
def live(rooms, host):
    start = at_minute(timezone.now()) - timedelta(minutes=2)
    schedule_at(host, start)
    meetings_due(now=start + timedelta(minutes=2))
    session = Session.objects.get()
    mode.meeting_start(member_id=host.pk, session_id=session.pk)
    return session


def send(member, body: str, nonce: str | None = None):
    return message_send(member_id=member.pk, room_slug="alcohol", body=body, nonce=nonce)


def test_a_member_cannot_run_the_hosts_controls(live, member):
    for call in (mode.meeting_start, mode.meeting_opening, mode.meeting_end):
        with pytest.raises(NotAllowed):
            call(member_id=member.pk, session_id=live.pk)


def test_the_host_reads_and_pins_the_opening_turns_slow_mode_on_and_ends(live, host, member):
    room = Room.objects.get(slug="alcohol")
    state = mode.meeting_opening(member_id=host.pk, session_id=live.pk)
    reading = Message.objects.get(pk=state["reading"])
    # The opening went through the one message path: stored in the room, by the host.
    assert reading.author_id == host.pk and reading.room_id == room.pk
    assert "raise your hand" in reading.body  # the check-in format's template
    mode.meeting_pin_reading(member_id=host.pk, session_id=live.pk)
    mode.meeting_slow_mode(member_id=host.pk, session_id=live.pk, on=True)
    room.refresh_from_db()
    assert room.pinned_message_id == reading.pk and room.slow_mode_seconds == 30
    late_joiner = client_for(member).get("/api/meetings/rooms/alcohol/").json()["meeting"]
    assert [e["what"] for e in late_joiner["log"]] == ["started", "opening", "pinned", "slow_on"]
    assert late_joiner["host"] == "EveningHost" and late_joiner["format"] == "check_in"
    ended = mode.meeting_end(member_id=host.pk, session_id=live.pk, text="Thank you, all.")
    assert ended["state"] == "ended"
    room.refresh_from_db()
    assert room.pinned_message_id is None and room.slow_mode_seconds == 0
    last = Message.objects.filter(room=room).latest("pk")
    assert (last.author_id, last.body) == (host.pk, "Thank you, all.")
    # The room is open chat again.
    assert send(member, "Thanks everyone").message.html == "Thanks everyone"
    assert client_for(member).get("/api/meetings/rooms/alcohol/").json() == {"meeting": None}


def test_a_check_in_round_gives_the_floor_in_order_and_others_wait(live, host, make_member):
    ana, ben, cal = (make_member(h) for h in ("AnaShares", "BenShares", "CalWaits"))
    mode.meeting_round(member_id=host.pk, session_id=live.pk, on=True)
    mode.hand_raise(member_id=ben.pk, session_id=live.pk)
    mode.hand_raise(member_id=ana.pk, session_id=live.pk)
    state = mode.hand_raise(member_id=ben.pk, session_id=live.pk)  # twice: one hand
    assert state["hands"] == ["BenShares", "AnaShares"] and state["floor"] is None
    with pytest.raises(KindredError) as waiting:
        send(cal, "Can I say something?", "cal-1")
    assert waiting.value.code == "floor_held" and waiting.value.extra["retry_after"] == 5
    # The host may speak at any time.
    send(host, "Ben, you're first.")
    state = mode.floor_give(member_id=host.pk, session_id=live.pk)
    assert state["floor"] == "BenShares" and state["hands"] == ["AnaShares"]
    assert send(ben, "A hard week, but I'm here.").message.author == "BenShares"
    for other in (ana, cal):
        with pytest.raises(KindredError):
            send(other, "me too")
    mode.floor_done(member_id=ben.pk, session_id=live.pk)
    state = mode.floor_give(member_id=host.pk, session_id=live.pk)
    assert state["floor"] == "AnaShares" and state["hands"] == []
    send(ana, "Day 12 today.")
    state = mode.meeting_round(member_id=host.pk, session_id=live.pk, on=False)
    assert state["round"] is False and state["floor"] is None
    # Cal's waiting message goes now, the same nonce as the refused try.
    assert send(cal, "Can I say something?", "cal-1").message.author == "CalWaits"
    said = list(
        Message.objects.filter(room=live.room).order_by("pk").values_list("body", flat=True)
    )
    assert said == [
        "Ben, you're first.",
        "A hard week, but I'm here.",
        "Day 12 today.",
        "Can I say something?",
    ]
    whats = [(e["what"], e["handle"]) for e in Session.objects.get().log]
    assert ("floor", "BenShares") in whats and ("floor", "AnaShares") in whats


def test_a_crisis_message_held_by_the_round_still_reaches_a_facilitator(live, host, member):
    mode.meeting_round(member_id=host.pk, session_id=live.pk, on=True)
    with pytest.raises(KindredError) as refused:
        send(member, "I want to kill myself tonight")
    assert refused.value.code == "floor_held"
    assert refused.value.crisis is not None  # the card still comes, before anything waits
    assert QueueItem.objects.filter(kind=ItemKind.CRISIS, subject=member).exists()


def test_attendance_is_opt_in_and_private(live, member, make_member):
    other = make_member("SomeoneElse")
    assert post(client_for(member), f"/api/meetings/sessions/{live.pk}/attend/").status_code == 200
    mine = client_for(member).get("/api/meetings/attended/").json()["attended"]
    assert [a["title"] for a in mine] == ["Evening check-in"]
    assert "Meetings you attended" in client_for(member).get("/meetings/").content.decode()
    assert "Meetings you attended" not in client_for(other).get("/meetings/").content.decode()
    assert client_for(other).get("/api/meetings/attended/").json() == {"attended": []}


def test_a_session_action_that_does_not_exist_is_not_found(live, host):
    answer = post(client_for(host), f"/api/meetings/sessions/{live.pk}/dance/")
    assert answer.status_code == 404
    assert post(Client(), f"/api/meetings/sessions/{live.pk}/start/").status_code == 401


def test_the_room_and_meetings_pages_carry_no_inline_code(live, member):
    from tests.browser.test_pages_http import assert_no_inline_code

    for path in ("/rooms/alcohol/", "/meetings/", "/"):
        html = client_for(member).get(path).content.decode()
        assert_no_inline_code(html)
    room = client_for(member).get("/rooms/alcohol/").content.decode()
    assert "data-state=" in room and "&quot;state&quot;: &quot;live&quot;" in room


def test_a_muted_member_is_told_they_are_muted_even_during_a_round(live, host, member):
    from moderation.models import Mute

    mode.meeting_round(member_id=host.pk, session_id=live.pk, on=True)
    Mute.objects.create(member=member, room=None, until=timezone.now() + timedelta(minutes=10))
    with pytest.raises(KindredError) as refused:
        send(member, "hello")
    assert refused.value.code == "muted"


def test_with_a_side_conversation_others_speak_during_the_round(rooms, host, make_member):
    start = at_minute(timezone.now()) - timedelta(minutes=2)
    schedule_at(host, start, during_round="side")
    meetings_due(now=start + timedelta(minutes=2))
    session = Session.objects.get()
    mode.meeting_start(member_id=host.pk, session_id=session.pk)
    state = mode.meeting_round(member_id=host.pk, session_id=session.pk, on=True)
    assert state["during_round"] == "side"
    ana, ben = make_member("AnaShares"), make_member("BenAside")
    mode.hand_raise(member_id=ana.pk, session_id=session.pk)
    mode.floor_give(member_id=host.pk, session_id=session.pk)
    assert send(ana, "My turn").message.author == "AnaShares"
    # Not held: the room gets it, and the log lets every client mark it as an aside.
    assert send(ben, "Go Ana!").message.author == "BenAside"
    assert Message.objects.filter(room=session.room, author=ben).count() == 1


def test_a_meeting_its_host_never_ended_closes_and_gives_the_room_back(live, host):
    room = live.room
    mode.meeting_opening(member_id=host.pk, session_id=live.pk)
    mode.meeting_pin_reading(member_id=host.pk, session_id=live.pk)
    mode.meeting_slow_mode(member_id=host.pk, session_id=live.pk, on=True)
    mode.meeting_round(member_id=host.pk, session_id=live.pk, on=True)
    meetings_due(now=live.ends_at + timedelta(minutes=29))
    assert Session.objects.get().state == SessionState.LIVE
    meetings_due(now=live.ends_at + timedelta(minutes=30))
    session = Session.objects.get()
    assert (session.state, session.round_active) == (SessionState.ENDED, False)
    room.refresh_from_db()
    assert room.pinned_message_id is None and room.slow_mode_seconds == 0
