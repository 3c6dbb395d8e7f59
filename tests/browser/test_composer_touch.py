"""On a phone Enter adds a new line and Send sends, so a message can have two paragraphs."""

from __future__ import annotations

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
