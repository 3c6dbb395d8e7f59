"""Meetings in the browser, at phone size and axe clean: the home page says what starts
soon, a member asks for a reminder and finds it in their updates, and a host runs a
meeting (opening, pin, check-in round with a raised hand and the floor, the end) while a
member follows along live. Screenshots for docs/web.md (see test_screenshots.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    PHONE,
    room_of_its_own,
    send,
    serious_axe_violations,
    wait_connected,
)
from tests.browser.staff import LiveStaff
from tests.browser.test_accessibility import SMALL_TARGETS
from tests.browser.test_screenshots import out, shoot  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.live]


def csrf_post(member, path: str, body: dict | None = None) -> dict:
    response = member.client.post(
        path, json=body or {}, headers={"X-CSRFToken": member.client.cookies["csrftoken"]}
    )
    assert response.status_code < 300, response.text
    return response.json()


def schedule(staff, slug: str, start: datetime, title: str) -> int:
    made = csrf_post(
        staff,
        "/api/meetings/",
        {
            "room": slug,
            "title": title,
            "format": "check_in",
            "hosts": [staff.handle],
            "date": start.date().isoformat(),
            "time": start.strftime("%H:%M"),
            "duration_minutes": 60,
        },
    )
    return made["id"]


def heartbeat(server, now: datetime | None = None) -> None:
    """The heartbeat's meeting duty, run now (at *now*, for a controlled time)."""
    at = f"datetime.fromisoformat({now.isoformat()!r})" if now else "None"
    server.database.manage(
        "shell",
        "-c",
        "from datetime import datetime; from meetings.duties import meetings_due; "
        f"meetings_due(now={at})",
    )


def test_home_says_starting_soon_and_a_reminder_reaches_the_inbox(pages, out):  # noqa: F811
    staff = LiveStaff(pages.server, "FacilAudits")
    room_of_its_own(pages.server, "evening-room")
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=21)
    meeting = schedule(staff, "evening-room", start, "Evening check-in")
    try:
        me = pages.member("RemindOtter")
        home = pages.open("/", member=me, viewport=PHONE, locale="en-US")
        soon = home.locator(".meetings-soon")
        expect(soon).to_contain_text(
            re.compile(r"Starting in 2[01] min: Evening check-in, Evening room")
        )
        assert serious_axe_violations(home) == []
        shoot(out, home, "home-meetings", "phone", full_page=False)

        page = pages.open("/meetings/", member=me, viewport=PHONE, locale="en-US")
        card = page.locator(f'.meeting-card[data-meeting="{meeting}"]')
        remind = card.get_by_role("button", name="Remind me")
        remind.click()
        expect(card.get_by_role("button", name="Reminder on")).to_have_attribute(
            "aria-pressed", "true"
        )
        # Shown in the member's own time, not as the server's UTC fallback.
        expect(card.locator("time")).not_to_contain_text("UTC")
        assert serious_axe_violations(page) == []
        assert page.evaluate(SMALL_TARGETS) == []
        shoot(out, page, "meetings", "phone")

        heartbeat(pages.server, now=start - timedelta(minutes=10))
        updates = pages.open("/chats/", member=me, viewport=PHONE, locale="en-US")
        expect(updates.locator("#inbox-list")).to_contain_text(
            "Starting in 10 min: Evening check-in, Evening room"
        )
    finally:
        csrf_post(staff, f"/api/meetings/{meeting}/remove/")


def test_a_host_runs_a_meeting_and_a_member_follows_live(pages, out):  # noqa: F811
    staff = LiveStaff(pages.server, "FacilAudits")
    path = room_of_its_own(pages.server, "meeting-room")
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=1)
    meeting = schedule(staff, "meeting-room", start, "Morning check-in")
    try:
        heartbeat(pages.server)
        me = pages.member("FollowOtter")
        member = pages.open(path, member=me, viewport=PHONE, locale="en-US")
        wait_connected(member)
        banner = member.locator("#meeting")
        expect(banner).to_contain_text("Morning check-in · Check-in round")
        expect(member.locator("#meeting-status")).to_have_text(
            "Starting now: waiting for the host (FacilAudits)."
        )
        host = pages.open(path, member=staff, viewport=PHONE, locale="en-US")
        wait_connected(host)
        host.get_by_text("Host controls").click()
        controls = host.locator("#meeting-host")

        def press(name: str) -> None:
            controls.get_by_role("button", name=name, exact=True).click()
            expect(host.locator("#meeting-error")).to_have_text("")

        press("Start the meeting")
        expect(member.locator("#meeting-status")).to_have_text(
            "Meeting in progress, hosted by FacilAudits."
        )
        press("Read the opening")
        expect(member.locator("#message-list")).to_contain_text("Welcome, everyone.")
        press("Pin the reading")
        expect(member.locator("#pinned")).to_be_visible()
        expect(member.locator("#pinned-body")).to_contain_text("Welcome, everyone.")
        press("Start the check-in round")
        expect(member.locator("#meeting-floor")).to_contain_text("raise your hand to share")
        # Written before it is their turn: it waits (the meeting's default setting).
        send(member, "Two weeks today. Grateful to be here.")
        expect(member.locator("#composer-error")).to_contain_text("someone else's turn")
        member.get_by_role("button", name="Raise my hand").click()
        expect(host.locator("#meeting-floor")).to_contain_text("Hands up: FollowOtter")
        expect(host.locator("#message-list")).not_to_contain_text("Two weeks today.")
        press("Give the floor to the next hand")
        expect(member.locator("#meeting-floor")).to_contain_text("you have the floor")
        # The floor is theirs: the waiting message goes by itself.
        expect(host.locator("#message-list")).to_contain_text("Two weeks today.")
        assert serious_axe_violations(member) == []
        member.evaluate("() => document.getElementById('meeting').scrollIntoView()")
        shoot(out, member, "room-meeting", "phone", full_page=False)
        member.get_by_role("button", name="I'm done sharing").click()
        expect(member.locator("#meeting-floor")).not_to_contain_text("you have the floor")
        assert serious_axe_violations(host) == []
        assert host.evaluate(SMALL_TARGETS) == [] and member.evaluate(SMALL_TARGETS) == []
        host.evaluate("() => document.getElementById('meeting-host').scrollIntoView()")
        shoot(out, host, "room-meeting-host", "phone", full_page=False)
        press("End the round")
        host.locator("#meeting-closing").fill("Thank you all. Same time tomorrow.")
        press("End the meeting")
        expect(member.locator("#meeting-status")).to_have_text(
            "The meeting has ended. The room is open chat again."
        )
        expect(member.locator("#message-list")).to_contain_text("Same time tomorrow.")
        expect(member.locator("#pinned")).to_be_hidden()
        # What happened, for anyone who came late.
        member.get_by_text("What has happened so far").click()
        expect(member.locator("#meeting-log")).to_contain_text("FollowOtter had the floor")
    finally:
        csrf_post(staff, f"/api/meetings/{meeting}/remove/")


def test_a_facilitator_schedules_a_weekly_meeting_with_the_form(pages):
    staff = LiveStaff(pages.server, "FacilAudits")
    room_of_its_own(pages.server, "form-room")
    page = pages.open("/meetings/", member=staff, viewport=PHONE, locale="en-US")
    form = page.locator("#meeting-form")
    form.get_by_label("Title").fill("Weekend share")
    form.get_by_label("Room").select_option("form-room")
    form.get_by_label("Format", exact=True).select_option("open_share")
    form.get_by_label("First date").fill("2030-01-05")
    form.get_by_label("Start time").fill("10:30")
    form.get_by_label("Time zone").select_option("Europe/Madrid")
    form.get_by_label("Repeats").select_option("weekly")
    form.get_by_label("Saturday").check()
    form.get_by_label("Sunday").check()
    assert serious_axe_violations(page) == []
    assert page.evaluate(SMALL_TARGETS) == []
    form.get_by_role("button", name="Schedule it").click()
    expect(page.locator("#meeting-form-status")).to_have_text(re.compile("Scheduled"))
    listed = staff.client.get("/api/meetings/?room=form-room").json()["meetings"]
    assert listed == []  # 2030 is beyond the coming week; the schedule is stored:
    calendar = staff.client.get("/meetings/calendar.ics").text
    assert "SUMMARY:Weekend share (Form room)" in calendar
    assert "RRULE:FREQ=WEEKLY;BYDAY=SA,SU" in calendar
    assert "DTSTART;TZID=Europe/Madrid:20300105T103000" in calendar
    made = [line for line in calendar.splitlines() if line.startswith("UID:meeting-")]
    for uid in made:
        meeting_id = uid.split("-")[1].split("@")[0]
        csrf_post(staff, f"/api/meetings/{meeting_id}/remove/")


def test_with_a_side_conversation_others_messages_show_as_asides(pages):
    staff = LiveStaff(pages.server, "FacilAudits")
    path = room_of_its_own(pages.server, "side-room")
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=1)
    made = csrf_post(
        staff,
        "/api/meetings/",
        {
            "room": "side-room",
            "title": "Side share",
            "hosts": [staff.handle],
            "date": start.date().isoformat(),
            "time": start.strftime("%H:%M"),
            "during_round": "side",
        },
    )
    try:
        heartbeat(pages.server)
        sid = staff.client.get("/api/meetings/rooms/side-room/").json()["meeting"]["session"]
        ana, ben = pages.member("AnaFloor"), pages.member("BenAside")
        for action, body in (("start", {}), ("round", {"on": True})):
            csrf_post(staff, f"/api/meetings/sessions/{sid}/{action}/", body)
        csrf_post(ana, f"/api/meetings/sessions/{sid}/hand/", {"up": True})
        csrf_post(staff, f"/api/meetings/sessions/{sid}/floor/")
        ana_page = pages.open(path, member=ana, viewport=PHONE, locale="en-US")
        ben_page = pages.open(path, member=ben, viewport=PHONE, locale="en-US")
        wait_connected(ana_page)
        wait_connected(ben_page)
        send(ana_page, "It's been a long week.")
        send(ben_page, "Sending you strength, Ana.")
        items = ana_page.locator("#message-list li[data-id]")
        expect(items.filter(has_text="Sending you strength")).to_have_class(re.compile("msg-aside"))
        expect(items.filter(has_text="long week")).not_to_have_class(re.compile("msg-aside"))
        late = pages.open(path, member=pages.member("LateJoiner"), viewport=PHONE, locale="en-US")
        wait_connected(late)
        late_items = late.locator("#message-list li[data-id]")
        expect(late_items.filter(has_text="Sending you strength")).to_have_class(
            re.compile("msg-aside")
        )
        assert serious_axe_violations(late) == []
    finally:
        csrf_post(staff, f"/api/meetings/{made['id']}/remove/")
