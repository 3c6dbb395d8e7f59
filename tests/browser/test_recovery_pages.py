"""Recovery together, at phone size and axe clean: set a start date, check in on a
hard day and reach the drop-in line in one tap; share a milestone and see another
member celebrate it (and "me too") live; become partners and see the nudge.

With ``UPDATE_SCREENSHOTS=1`` the screenshots go to docs/screenshots/ (docs/web.md)."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE, serious_axe_violations, wait_connected
from tests.browser.test_settings_page import csrf_post

pytestmark = [pytest.mark.browser, pytest.mark.live]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def out(tmp_path) -> Path:
    folder = DOCS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shoot(out: Path, page, name: str, *, full_page: bool = True) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (
        f"{name} scrolls sideways at phone size"
    )
    page.screenshot(path=str(out / f"{name}-phone.png"), full_page=full_page)


def ready(page):
    """The recovery page with its forms wired (a click before would submit the plain form)."""
    expect(page.locator("#recovery-page")).to_have_attribute("data-ready", "1")
    return page


def days_ago(days: int) -> str:
    return (datetime.now(UTC).date() - timedelta(days=days)).isoformat()


def test_set_a_date_then_a_hard_day_reaches_the_drop_in_line_in_one_tap(pages, out):
    me = pages.member("DawnSparrow")
    home = pages.open("/", member=me, viewport=PHONE)
    # Offered on arrival, once a day.
    expect(home.locator("#checkin-prompt")).to_contain_text("How are you today?")
    home.get_by_role("link", name="Check in").click()
    expect(home).to_have_url(re.compile(r"/recovery/#checkin$"))
    page = ready(home)

    page.get_by_label("What are you recovering from?").fill("alcohol")
    page.get_by_label("The day you started").fill(days_ago(90))
    page.get_by_role("button", name="Add", exact=True).click()
    journey = page.locator(".journey").first
    expect(journey.locator(".journey-count")).to_have_text("90")
    expect(journey).to_contain_text("Total days in recovery: 90")
    expect(journey.locator(".milestone-offer")).to_contain_text("Day 90 free from alcohol")
    ready(page)
    assert serious_axe_violations(page) == []
    shoot(out, page, "recovery")

    page.get_by_label("A hard day", exact=True).check()
    page.get_by_label("Anything you want support with?").fill("Cravings are loud tonight.")
    page.get_by_role("button", name="Check in").click()
    help_box = page.locator("#hard-day")
    expect(help_box).to_be_visible()
    expect(help_box.get_by_role("link")).to_have_text(
        ["Talk to someone now", "The late-night room", "Crisis lines"]
    )
    assert serious_axe_violations(page) == []
    shoot(out, page, "recovery-hard-day", full_page=False)
    help_box.get_by_role("link", name="Talk to someone now").click()
    expect(page).to_have_url(re.compile(r"/dropin/$"))

    # The chart has today's bar; a slip restarts gently, never a red zero.
    page.goto("/recovery/")
    ready(page)
    expect(page.locator(".checkin-chart rect")).to_have_count(1)
    page.locator(".journey-more summary").first.click()
    page.get_by_role("button", name="Start again from today").click()
    again = page.locator(".journey").first
    expect(again).to_contain_text("Day 1 again. You came back, and that counts.")
    expect(again).to_contain_text("Times you came back: 1")
    expect(again).to_contain_text("Total days in recovery: 90")


def test_a_shared_milestone_is_celebrated_live_by_another_member(pages, out):
    sharer, friend = pages.member("BrightFinch"), pages.member("KindMeadow")
    csrf_post(sharer, "/api/recovery/", {"label": "gambling", "started_on": days_ago(7)})
    sharer_room = pages.open("/rooms/milestones/", member=sharer, viewport=PHONE)
    wait_connected(sharer_room)

    page = ready(pages.open("/recovery/", member=sharer, viewport=PHONE))
    offer = page.locator(".milestone-offer")
    expect(offer).to_contain_text("Day 7 free from gambling")
    offer.get_by_role("button", name="Share in Milestones").click()
    expect(page.locator(".milestone-offer")).to_have_count(0)

    room = pages.open("/rooms/milestones/", member=friend, viewport=PHONE)
    wait_connected(room)
    shared = room.locator(".msg-milestone").last
    expect(shared).to_contain_text("Day 7 free from gambling")
    expect(shared).to_contain_text("BrightFinch")
    assert days_ago(7) not in shared.inner_text()
    # Reactions nobody gave yet wait behind "React".
    expect(shared.get_by_role("button", name="Me too")).to_be_hidden()
    shared.get_by_role("button", name="React to the message from BrightFinch").click()
    shared.get_by_role("button", name="Celebrating you").click()
    shared.get_by_role("button", name="Me too").click()
    expect(shared.get_by_role("button", name="Celebrating you · 1")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(shared.get_by_role("button", name="Me too · 1")).to_be_visible()
    assert serious_axe_violations(room) == []
    shoot(out, room, "milestone-celebrated", full_page=False)

    # The sharer sees it live, on the page they had open.
    mine = sharer_room.locator(".msg-milestone").last
    expect(mine.get_by_role("button", name="Celebrating you · 1")).to_be_visible()
    expect(mine.get_by_role("button", name="Me too · 1")).to_be_visible()
    who = sharer.client.get(f"/api/messages/{mine.get_attribute('data-id')}/reactions/").json()
    assert who["who"] == {"celebrate": ["KindMeadow"], "me_too": ["KindMeadow"]}


def test_partners_agree_and_a_hard_day_nudges_with_support_one_tap_away(pages, out):
    me, partner = pages.member("SteadyHeron"), pages.member("GentleBirch")
    page = ready(pages.open("/recovery/", member=me, viewport=PHONE))
    page.get_by_label("Ask someone by their handle").fill("GentleBirch")
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(page.locator("#partner-list")).to_contain_text("Waiting for GentleBirch to say yes.")

    theirs = ready(pages.open("/recovery/", member=partner, viewport=PHONE))
    asks = theirs.locator("#partner-list")
    expect(asks).to_contain_text("SteadyHeron asks you to be partners.")
    asks.get_by_role("button", name="Yes").click()
    expect(theirs.locator("#partner-list")).to_contain_text("Not checked in today")
    ready(theirs)
    theirs.get_by_label("A very hard day").check()
    theirs.get_by_role("button", name="Check in").click()
    expect(theirs.locator("#hard-day")).to_be_visible()

    updates = pages.open("/chats/", member=me, viewport=PHONE)
    expect(updates.locator("#inbox-list")).to_contain_text(
        "GentleBirch is having a hard day. A word from you could help."
    )
    # The nudge opens the page with "Send a word of support" as the next tap.
    nudge = updates.locator(".inbox-item", has_text="GentleBirch is having a hard day")
    nudge.get_by_role("link", name="Open").click()
    page = ready(updates)
    row = page.locator(".partner", has_text="GentleBirch")
    expect(row.get_by_role("button", name="Send a word of support")).to_be_focused()
    expect(row).to_contain_text("Today: A very hard day")
    expect(row).to_contain_text("1 day check-in streak")
    assert serious_axe_violations(page) == []
    page.locator("#partners").scroll_into_view_if_needed()
    shoot(out, page, "recovery-partners", full_page=False)
    row.get_by_role("button", name="Send a word of support").click()
    expect(page.locator("#partner-status")).to_have_text("Sent. They'll see it in their inbox.")
    inbox = partner.client.get("/api/inbox/").json()["items"]
    assert "SteadyHeron is thinking of you and sends a word of support" in inbox[0]["text"]
