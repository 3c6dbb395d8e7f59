""" "Ask to chat" follows live (issue 22), and invisibility looks like leaving (issue
29, item 14): two members in one room, on phones, nobody reloads."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE, serious_axe_violations, wait_connected

pytestmark = [pytest.mark.browser, pytest.mark.live]

ROOM = "/rooms/newcomers/"


def open_here(page) -> None:
    """On a phone "who is here" is folded away: open it as a member would."""
    if not page.locator("#here-details").evaluate("d => d.open"):
        page.locator("#here-details summary").click()


def test_ask_to_chat_appears_and_goes_live_and_invisible_is_a_leave(pages):
    ana = pages.open(ROOM, member=pages.member("AnaWatching"), viewport=PHONE)
    ben = pages.open(ROOM, member=pages.member("BenChoosing"), viewport=PHONE)
    wait_connected(ana)
    wait_connected(ben)
    open_here(ana)
    open_here(ben)
    here = ana.locator("#here-list")
    expect(here).to_contain_text("BenChoosing")
    expect(ana.locator("#here-count")).to_have_text("2")
    ask = ana.get_by_role("button", name="Ask to chat with BenChoosing, one-on-one")
    expect(ask).to_have_count(0)

    # Ben turns "open to chat" on: Ana's button appears without a reload.
    ben.get_by_label("Open to a one-on-one chat").check()
    expect(ask).to_be_visible()
    assert serious_axe_violations(ana) == []
    ana.screenshot(path="docs/screenshots/room-ask-to-chat-live-phone.png")

    # And off again: it goes.
    ben.get_by_label("Open to a one-on-one chat").uncheck()
    expect(ask).to_have_count(0)
    expect(here).to_contain_text("BenChoosing")

    # Ben goes invisible: to Ana exactly as if he had left, the count included.
    ben.get_by_label("Open to a one-on-one chat").check()
    expect(ask).to_be_visible()
    ben.get_by_label("Appear invisible").check()
    expect(here).not_to_contain_text("BenChoosing")
    expect(ana.locator("#here-count")).to_have_text("1")
    expect(ana.locator("#here-more")).to_be_hidden()
    expect(ask).to_have_count(0)

    # Back: listed again, and still open to a chat.
    ben.get_by_label("Appear invisible").uncheck()
    expect(here).to_contain_text("BenChoosing")
    expect(ana.locator("#here-count")).to_have_text("2")
    expect(ask).to_be_visible()
    assert serious_axe_violations(ana) == []
    assert serious_axe_violations(ben) == []
