"""On a phone Enter adds a new line and Send sends, so a message can have two paragraphs."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE, room_of_its_own, wait_connected

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_a_two_paragraph_message_from_a_touch_screen(pages):
    me = pages.member()
    room = room_of_its_own(pages.server, "composer-on-phones")
    page = pages.open(room, member=me, viewport=PHONE, has_touch=True, is_mobile=True)
    wait_connected(page)
    box = page.locator("#message-input")
    box.click()
    box.press_sequentially("First paragraph.")
    box.press("Enter")
    box.press("Enter")
    box.press_sequentially("Second paragraph.")
    expect(box).to_have_value("First paragraph.\n\nSecond paragraph.")
    written = page.locator("#message-list li[data-id]").filter(has_text="First paragraph.")
    expect(written).to_have_count(0)
    page.get_by_role("button", name="Send").tap()
    sent = page.locator("#message-list li[data-id]").filter(has_text="Second paragraph.")
    expect(sent).to_have_count(1)
    expect(sent.locator("br")).to_have_count(2)
    expect(box).to_have_value("")


def test_enter_still_sends_with_a_keyboard(pages):
    page = pages.open(room_of_its_own(pages.server, "composer-on-phones"), member=pages.member())
    wait_connected(page)
    page.locator("#message-input").fill("One line")
    page.locator("#message-input").press("Enter")
    expect(page.locator("#message-list li[data-id]").filter(has_text="One line")).to_have_count(1)


def test_a_tap_on_send_before_the_script_has_loaded_keeps_the_message_out_of_the_url(pages):
    """On a slow phone the page shows before its script runs. Send waits for the
    script: tapped earlier, the browser would submit the form its own way and put
    the message in the page's address (history, server logs), and lose it."""
    held = []
    room = room_of_its_own(pages.server, "composer-on-phones")
    page = pages.open(
        member=pages.member(), viewport=PHONE, has_touch=True, is_mobile=True, goto=False
    )
    released = []

    def gate(route):
        route.continue_() if released else held.append(route)

    page.route(re.compile(r"\.js(\?|$)"), gate)
    page.goto(room, wait_until="commit")
    send = page.get_by_role("button", name="Send")
    expect(send).to_be_disabled()
    page.locator("#message-input").fill("typed before the script ran")
    send.tap(force=True)  # a disabled button: the tap does nothing
    assert "typed" not in page.url
    expect(page.locator("#message-input")).to_have_value("typed before the script ran")
    assert held, "the page's scripts were never asked for"
    released.append(True)
    for route in held:
        route.continue_()
    expect(send).to_be_enabled()
    wait_connected(page)
    send.tap()
    sent = page.locator("#message-list li[data-id]").filter(has_text="typed before the script ran")
    expect(sent).to_have_count(1)
    assert "typed" not in page.url
