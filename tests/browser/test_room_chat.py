"""Two members chatting in a room, in two browser contexts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import SocketTap, send, wait_connected

pytestmark = [pytest.mark.browser, pytest.mark.live]


def message(page, text: str):
    return page.locator("#message-list li[data-id]").filter(has_text=text)


def test_two_members_chat_and_see_each_other(pages):
    # The first member arrives as a visitor and joins through the page.
    ada = pages.open("/rooms/alcohol/")
    expect(ada).to_have_url(re.compile(r"/join/\?next=%2Frooms%2Falcohol%2F$"))
    ada.get_by_role("textbox", name="Handle (optional)").fill("AdaBrowser")
    ada.locator("#join-button").click()
    expect(ada.locator("#accept-error")).to_contain_text("tick the box")
    ada.get_by_label("I've read the guidelines").check()
    ada.locator("#join-button").click()
    expect(ada.locator("#phrase-handle")).to_have_text("AdaBrowser")
    assert len(ada.locator("#phrase").inner_text().split()) == 6
    ada.get_by_role("link", name="Continue to the room").click()
    expect(ada).to_have_url(re.compile(r"/rooms/alcohol/$"))
    wait_connected(ada)

    ben = pages.open("/rooms/alcohol/", member=pages.member("BenBrowser"))
    wait_connected(ben)

    # Each sees the other in the presence list.
    expect(ada.locator("#here-list")).to_contain_text("BenBrowser")
    expect(ben.locator("#here-list")).to_contain_text("AdaBrowser")
    expect(ben.locator("#here-list")).to_contain_text("BenBrowser (you)")
    expect(ada.locator("#here-count")).to_have_text("2")

    send(ada, "Day 12 today. Hard evening but still here.")
    expect(message(ben, "Day 12 today")).to_have_count(1)
    expect(message(ada, "Day 12 today")).to_have_count(1)
    expect(ada.locator(".msg-pending")).to_have_count(0)
    # Announced to the other member, not re-announced to the sender.
    expect(ben.locator("#announcer")).to_contain_text("AdaBrowser: Day 12 today")
    send(ben, "Proud of you. Evenings are the worst for me too.")
    expect(message(ada, "Proud of you")).to_have_count(1)
    expect(ada.locator("#announcer")).to_contain_text("BenBrowser: Proud of you")
    expect(ada.locator("#announcer")).not_to_contain_text("Day 12")

    # Ordered by id, each id once.
    ids = [
        int(i)
        for i in ada.locator("#message-list li").evaluate_all(
            "items => items.map(li => li.dataset.id)"
        )
    ]
    assert ids == sorted(ids) and len(ids) == len(set(ids)) == 2

    # Leaving is seen too.
    ben.context.close()
    expect(ada.locator("#here-list")).not_to_contain_text("BenBrowser")
    expect(ada.locator("#here-count")).to_have_text("1")


def test_blocking_hides_their_messages(pages):
    cleo = pages.member("CleoBlocks")
    dev = pages.member("DevIsBlocked")
    dev_page = pages.open("/rooms/family-and-allies/", member=dev)
    wait_connected(dev_page)
    send(dev_page, "first from dev")
    send(dev_page, "second from dev")
    expect(dev_page.locator("#message-list li[data-id]")).to_have_count(2)

    page = pages.open("/rooms/family-and-allies/", member=cleo)
    wait_connected(page)
    expect(message(page, "from dev")).to_have_count(2)
    first = message(page, "first from dev")
    first.get_by_role("button", name="Options for the message from DevIsBlocked").click()
    first.get_by_role("button", name="Block DevIsBlocked").click()
    dialog = page.locator("#block-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Block", exact=True)).to_be_focused()
    dialog.get_by_role("button", name="Block", exact=True).click()
    expect(dialog).to_be_hidden()
    expect(message(page, "from dev")).to_have_count(0)
    expect(page.locator("#history-status")).to_contain_text("You blocked DevIsBlocked")

    # New messages and history stay hidden.
    send(dev_page, "third from dev")
    expect(message(dev_page, "third from dev")).to_have_count(1)
    send(page, "after blocking")
    expect(message(page, "after blocking")).to_have_count(1)
    page.reload()
    wait_connected(page)
    expect(message(page, "after blocking")).to_have_count(1)
    expect(message(page, "from dev")).to_have_count(0)


def test_report_dialog_sends_a_report(pages):
    eve = pages.member("EveReports")
    fox = pages.member("FoxIsReported")
    fox_page = pages.open("/rooms/milestones/", member=fox)
    wait_connected(fox_page)
    send(fox_page, "message to report")
    expect(message(fox_page, "message to report")).to_have_count(1)

    page = pages.open("/rooms/milestones/", member=eve)
    wait_connected(page)
    item = message(page, "message to report")
    menu_button = item.get_by_role("button", name="Options for the message from FoxIsReported")
    menu_button.click()
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    # Escape closes the menu and gives focus back.
    page.keyboard.press("Escape")
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    expect(menu_button).to_be_focused()
    menu_button.click()
    item.get_by_role("button", name="Report", exact=True).click()
    dialog = page.locator("#report-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#report-quote")).to_contain_text("FoxIsReported: message to report")
    dialog.get_by_label("Spam, selling or sourcing").check()
    dialog.get_by_label("Anything a facilitator should know?").fill("keeps posting links")
    dialog.get_by_role("button", name="Send report").click()
    expect(dialog.locator("#report-status")).to_have_text(
        "Thank you. A facilitator will look at it."
    )
    expect(dialog.get_by_role("button", name="Send report")).to_be_hidden()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    expect(menu_button).to_be_focused()


def test_server_frames_update_the_room_and_stop_codes_are_obeyed(pages):
    page = pages.open(goto=False, member=pages.member("OlaSeesNotices"))
    tap = SocketTap(page)
    page.goto("/rooms/newcomers/")
    wait_connected(page)

    room = {
        "slug": "newcomers",
        "title": "Newcomers",
        "description": "Say hello.",
        "kind": "topic",
        "locked": True,
        "slow_mode_seconds": 0,
    }
    tap.send_to_page({"type": "room", "room": room})
    expect(page.locator("#room-notice")).to_have_text(
        "This room is locked for now. You can still read along."
    )
    expect(page.locator("#message-input")).to_be_disabled()
    tap.send_to_page({"type": "room", "room": {**room, "locked": False, "slow_mode_seconds": 30}})
    expect(page.locator("#room-notice")).to_have_text(
        "Slow mode is on: one message every 30 seconds."
    )
    expect(page.locator("#message-input")).to_be_enabled()

    pinned = {
        "type": "message",
        "id": 1,
        "room": "newcomers",
        "author": "SteadyFacil",
        "body": "Be gentle with yourself tonight.<br>We're glad you're here.",
        "sent_at": "2026-11-22T03:14:15Z",
        "nonce": None,
    }
    tap.send_to_page({"type": "pinned", "message": pinned})
    expect(page.locator("#pinned")).to_contain_text("Be gentle with yourself tonight.")
    expect(page.locator("#pinned-meta")).to_have_text("Pinned message from SteadyFacil")
    tap.send_to_page({"type": "removed", "id": 1})
    expect(page.locator("#pinned")).to_be_hidden()

    tap.send_to_page(
        {"type": "notice", "kind": "warning", "message": "<b>Please</b> keep it kind in here."}
    )
    expect(page.locator("#private-notice")).to_contain_text("A message from the facilitators")
    expect(page.locator("#private-notice-text")).to_have_text("<b>Please</b> keep it kind in here.")

    # Kicked (4001): told in words, no automatic reconnect, a way back when ready.
    tap.close_page(4001)
    expect(page.locator("#room-stopped")).to_contain_text("asked you to step out")
    expect(page.locator("#conn")).to_have_attribute("data-state", "stopped")
    expect(page.get_by_role("button", name="Rejoin the room")).to_be_visible()
    assert len(tap.routes) == 1, "no reconnect after 4001"

    # No session (4401): off to join, and back here afterwards.
    page.get_by_role("button", name="Rejoin the room").click()
    wait_connected(page)
    tap.close_page(4401)
    expect(page).to_have_url(re.compile(r"/join/\?next=%2Frooms%2Fnewcomers%2F$"))
