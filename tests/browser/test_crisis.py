"""The crisis card: private to its sender, calm, and one tap from a call or a text."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from crisis import card_for
from tests.browser.helpers import SocketTap, send, serious_axe_violations, wait_connected

pytestmark = [pytest.mark.browser, pytest.mark.live]


def test_crisis_frame_shows_an_accessible_card_with_call_and_text_links(pages):
    page = pages.open(goto=False, member=pages.member("IvyCard"))
    tap = SocketTap(page)
    page.goto("/rooms/newcomers/")
    wait_connected(page)
    page.locator("#message-input").focus()

    tap.send_to_page(card_for("suicide", "US"))
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_accessible_name("Help is here, right now")
    expect(page.locator("#crisis-title")).to_be_focused()
    expect(dialog).to_contain_text("Kindred is a peer community, not a crisis service")
    expect(dialog.locator('a[href="tel:988"]')).to_have_text("Call 988")
    expect(dialog.locator('a[href="sms:741741?&body=HOME"]')).to_have_text("Text HOME to 741741")
    expect(dialog.locator('a[href="sms:988"]')).to_have_text("Text 988")
    expect(dialog.locator('a[href="https://988lifeline.org"]')).to_be_visible()
    expect(dialog.locator('a[href="tel:911"]')).to_have_text("Call 911")
    assert serious_axe_violations(page) == []

    # Escape closes it and puts the member back where they were typing.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator("#message-input")).to_be_focused()
    # The lines stay one tap away.
    page.get_by_role("button", name="Show the crisis lines again").click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()

    # Text in the frame is text, never markup.
    tap.send_to_page(
        {
            "type": "crisis",
            "category": "overdose",
            "message": "<img src=x onerror=window.__xss=1>call now",
            "resources": [
                {"name": "<b>Line</b>", "phone": "999", "text": None, "url": None, "hours": "24/7"}
            ],
        }
    )
    expect(dialog).to_be_visible()
    expect(page.locator("#crisis-message")).to_have_text(
        "<img src=x onerror=window.__xss=1>call now"
    )
    expect(dialog.locator(".resource-name")).to_have_text("<b>Line</b>")
    assert page.evaluate("typeof window.__xss") == "undefined"


def test_crisis_message_shows_the_card_to_its_sender_only(pages):
    sender = pages.open("/rooms/mental-health/", member=pages.member("JunoInCrisis"))
    other = pages.open("/rooms/mental-health/", member=pages.member("KaiNearby"))
    wait_connected(sender)
    wait_connected(other)
    send(sender, "I want to kill myself tonight")
    dialog = sender.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=5_000)
    expect(dialog.locator('a[href^="tel:"]').first).to_be_visible()
    expect(sender.locator("#crisis-title")).to_be_focused()
    # The other member gets no card (they may or may not see the message, by room policy).
    send(other, "checking in")
    expect(other.locator("#message-list li[data-id]").filter(has_text="checking in")).to_have_count(
        1
    )
    expect(other.locator("#crisis-dialog")).to_be_hidden()


def test_the_card_is_ready_once_the_member_writes_and_opens_even_if_its_code_cannot_load(pages):
    # The card's code loads on the first keystroke (conversation/mount.js), so a card that
    # comes while the connection drops still shows its lines in full.
    page = pages.open(goto=False, member=pages.member("IvyOffline"))
    tap = SocketTap(page)
    page.goto("/rooms/newcomers/")
    wait_connected(page)
    with page.expect_response("**/ui/crisis*.js"):
        page.locator("#message-input").press_sequentially("I")
    page.route("**/*.js", lambda route: route.abort())
    tap.send_to_page(card_for("suicide", "US"))
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator('a[href="tel:988"]')).to_have_text("Call 988")

    # Should the code not load at all, the card still opens, with its words and the
    # way to every crisis line.
    other = pages.open(goto=False, member=pages.member("IvyNoCode"))
    other_tap = SocketTap(other)
    other.route("**/ui/crisis*.js", lambda route: route.abort())
    other.goto("/rooms/newcomers/")
    wait_connected(other)
    other_tap.send_to_page(card_for("suicide", "US"))
    dialog = other.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(other.locator("#crisis-title")).to_be_focused()
    expect(other.locator("#crisis-message")).to_contain_text("not a crisis service")
    expect(dialog.locator('a[href^="/resources/"]')).to_be_visible()
