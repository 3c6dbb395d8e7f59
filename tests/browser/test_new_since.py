"""A room marks what is new since this browser was last there, and links elsewhere."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    PHONE,
    room_of_its_own,
    send,
    serious_axe_violations,
    wait_connected,
)

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_new_since_you_were_here(pages):
    me, other = pages.member(), pages.member()
    room = room_of_its_own(pages.server, "since-you-were-here")
    page = pages.open(room, member=other, viewport=PHONE)
    wait_connected(page)
    send(page, "said before you came")
    expect(page.locator("#message-list li[data-id]").filter(has_text="before")).to_have_count(1)
    mine = pages.open(room, member=me, viewport=PHONE)
    wait_connected(mine)
    expect(mine.locator(".msg-first-new")).to_have_count(0)  # a first visit marks nothing
    mine.goto("/me/")
    send(page, "said while you were away")
    expect(page.locator("#message-list li[data-id]").filter(has_text="away")).to_have_count(1)
    mine.goto(room)
    wait_connected(mine)
    expect(mine.locator(".msg-first-new")).to_contain_text("said while you were away")
    elsewhere = mine.get_by_role("navigation", name="Other rooms and your chats")
    elsewhere.locator("summary").click()
    expect(elsewhere.get_by_role("link", name="Your one-on-one chats")).to_be_visible()
    expect(elsewhere.get_by_role("link", name="Milestones")).to_be_visible()
    assert serious_axe_violations(mine) == []
    assert json.dumps(mine.evaluate("() => Object.keys(localStorage)")) == json.dumps(
        ["kindred:seen:since-you-were-here"]
    )
