"""Screenshots of the main pages at phone (360×800) and desktop (1280×800) sizes.

With ``UPDATE_SCREENSHOTS=1`` they are written to docs/screenshots/ (for the
README); otherwise to a temporary folder, so that an ordinary test run does not
rewrite tracked images (the message times differ on every run). Either way the
test checks that each page fits its width: no sideways scrolling on a phone.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from crisis import card_for
from tests.browser.helpers import DESKTOP, PHONE, SocketTap, send, wait_connected

pytestmark = [pytest.mark.browser, pytest.mark.live]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SIZES = {"phone": PHONE, "desktop": DESKTOP}
CONVERSATION = [
    ("lark", "Can't sleep again. Day 9 and the cravings are loud tonight."),
    ("river", "I'm here. Day 9 is a big deal. What usually gets you through the next hour?"),
    ("lark", "Tea and a long shower, I think. Thank you for answering."),
    ("river", "That sounds like a good plan. Writing down why I started helped me too."),
    ("lark", "Going to try both. I'll check back in after."),
]


@pytest.fixture
def out(tmp_path) -> Path:
    folder = DOCS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shoot(out: Path, page, name: str, size: str, *, full_page: bool = True) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"], (
        f"{name} scrolls sideways at {size} size"
    )
    page.screenshot(path=str(out / f"{name}-{size}.png"), full_page=full_page)


def test_screenshots_of_the_main_pages(pages, out):
    river = pages.member("QuietRiver")
    lark = pages.member("MorningLark")
    lark_page = pages.open("/rooms/late-night/", member=lark)
    wait_connected(lark_page)
    rooms = {}
    taps = {}
    for size, viewport in SIZES.items():
        page = pages.open(goto=False, member=river, viewport=viewport, locale="en-US")
        taps[size] = SocketTap(page)
        page.goto("/rooms/late-night/")
        wait_connected(page)
        rooms[size] = page
    for who, text in CONVERSATION:
        sender = lark_page if who == "lark" else rooms["desktop"]
        send(sender, text)
        expect(sender.locator("#message-list li[data-id]").filter(has_text=text)).to_have_count(1)
    for size, page in rooms.items():
        expect(page.locator("#message-list li[data-id]")).to_have_count(len(CONVERSATION))
        expect(page.locator("#here-list")).to_contain_text("MorningLark")
        page.locator("#message-input").fill("Rooting for you.")
        shoot(out, page, "room", size, full_page=False)

    for size, page in rooms.items():
        taps[size].send_to_page(card_for("suicide", "US"))
        expect(page.locator("#crisis-dialog")).to_be_visible()
        shoot(out, page, "crisis-card", size, full_page=False)

    for size, viewport in SIZES.items():
        home = pages.open("/", viewport=viewport, locale="en-US")
        expect(home.locator('[data-room-online="late-night"]')).not_to_have_text("0")
        shoot(out, home, "home", size)
        join = pages.open("/join/?next=/rooms/late-night/", viewport=viewport, locale="en-US")
        shoot(out, join, "join", size)
        resources = pages.open("/resources/", viewport=viewport, locale="en-US")
        expect(resources.get_by_role("heading", level=1)).to_have_text(
            "Crisis lines in the United States"
        )
        shoot(out, resources, "resources", size)

    written = sorted(p.name for p in out.glob("*.png"))
    for name in ("home", "join", "room", "crisis-card", "resources"):
        for size in SIZES:
            assert f"{name}-{size}.png" in written
