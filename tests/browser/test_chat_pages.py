"""One-on-one chats: asked for from a room, accepted from a notice, ended by a block;
and the chats page with its requests and refusals in words."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import send, serious_axe_violations, wait_connected

pytestmark = [pytest.mark.browser, pytest.mark.live]


def message(page, text: str):
    return page.locator("#message-list li[data-id]").filter(has_text=text)


def test_ask_from_the_room_accept_from_the_notice_chat_and_block(pages):
    ana = pages.member("AnaAsksToChat")
    ben = pages.member("BenIsOpenToChat")
    # Ben says he is open to a chat, from the room's "who is here" panel.
    ben_page = pages.open("/rooms/milestones/", member=ben)
    wait_connected(ben_page)
    ben_page.get_by_label("Open to a one-on-one chat").check()
    expect(ben_page.locator("#here-details .presence-status")).to_have_text(
        "You're open to one-on-one chats."
    )

    # Ana sees "Ask to chat" next to his handle (and not next to her own).
    ana_page = pages.open("/rooms/milestones/", member=ana)
    wait_connected(ana_page)
    expect(ana_page.locator("#here-list")).to_contain_text("BenIsOpenToChat")
    expect(ana_page.locator("#here-list .ask-chat")).to_have_count(1)
    ana_page.get_by_role("button", name="Ask to chat with BenIsOpenToChat, one-on-one").click()
    expect(ana_page.locator("#here-status")).to_contain_text("We've asked BenIsOpenToChat")

    # Ben gets a calm notice, and accepts.
    notice = ben_page.locator("#notices .chat-notice")
    expect(notice).to_contain_text("AnaAsksToChat would like a one-on-one chat with you.")
    expect(ben_page.locator("#status-announcer")).to_contain_text("AnaAsksToChat would like")
    assert serious_axe_violations(ben_page) == []
    notice.get_by_role("button", name="Accept the chat with AnaAsksToChat").click()
    expect(ben_page).to_have_url(re.compile(r"/chats/\d+/$"))
    chat_path = ben_page.url.removeprefix(pages.server.http)

    # Ana is told, and follows the link when she's ready.
    accepted = ana_page.locator("#notices .chat-notice")
    expect(accepted).to_contain_text("BenIsOpenToChat accepted your chat request.")
    accepted.get_by_role("link", name="Go to the chat").click()
    expect(ana_page).to_have_url(re.compile(re.escape(chat_path) + "$"))
    wait_connected(ana_page)
    wait_connected(ben_page)
    expect(ana_page.get_by_role("heading", level=1)).to_have_text("Chat with BenIsOpenToChat")
    expect(ben_page.locator("#chat-presence")).to_have_text("AnaAsksToChat is here now.")

    send(ana_page, "Thanks for saying yes. Rough week.")
    expect(message(ben_page, "Rough week")).to_have_count(1)
    send(ben_page, "Glad to. What's been the hardest part?")
    expect(message(ana_page, "hardest part")).to_have_count(1)
    assert serious_axe_violations(ana_page) == []

    # Ben blocks Ana: a confirmation first, then the chat ends for both.
    ben_page.get_by_role("button", name="Block this person").click()
    dialog = ben_page.get_by_role("dialog", name="Block AnaAsksToChat?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Block", exact=True).click()
    expect(ben_page.locator("#room-stopped")).to_contain_text(
        "You blocked AnaAsksToChat. This chat has ended."
    )
    expect(ben_page.locator("#message-input")).to_be_disabled()
    expect(ana_page.locator("#room-stopped")).to_contain_text("This chat has ended.")
    expect(ana_page.locator("#room-stopped")).not_to_contain_text("blocked")
    expect(
        ana_page.locator("#room-stopped").get_by_role("link", name="Back to your chats")
    ).to_be_visible()
    expect(ana_page.locator("#conn")).to_have_attribute("data-state", "stopped")
    expect(ana_page.locator("#message-input")).to_be_disabled()
    # And it stays ended.
    ana_page.reload()
    expect(ana_page.locator("#room-stopped")).to_contain_text("This chat has ended.")


def test_the_chats_page_asks_by_handle_and_answers_requests(pages):
    cal = pages.member("CalUsesChatsPage")
    dee = pages.member("DeeGetsAsked")
    page = pages.open("/chats/", member=cal)
    expect(page.locator("#open-empty")).to_be_visible()
    form = page.locator("#ask-form")

    form.get_by_label("Their handle").fill("NobodyByThisName")
    form.get_by_role("button", name="Ask to chat").click()
    expect(page.locator("#ask-error")).to_have_text(
        "NobodyByThisName isn't available for a one-on-one chat right now."
    )
    expect(form.get_by_label("Their handle")).to_have_attribute("aria-invalid", "true")

    form.get_by_label("Their handle").fill("DeeGetsAsked")
    form.get_by_role("button", name="Ask to chat").click()
    expect(page.locator("#ask-status")).to_have_text(
        "We've asked DeeGetsAsked. Their answer will show here."
    )
    expect(page.locator("#sent-list")).to_contain_text("You asked DeeGetsAsked")
    # Asking again is refused kindly.
    form.get_by_label("Their handle").fill("DeeGetsAsked")
    form.get_by_role("button", name="Ask to chat").click()
    expect(page.locator("#ask-error")).to_contain_text("You asked DeeGetsAsked recently")
    assert serious_axe_violations(page) == []

    # Dee sees the request on her chats page and declines it.
    dee_page = pages.open("/chats/", member=dee)
    incoming = dee_page.locator("#incoming-list li")
    expect(incoming).to_have_count(1)
    expect(incoming).to_contain_text("CalUsesChatsPage would like a one-on-one chat")
    incoming.get_by_role("button", name="Decline the chat with CalUsesChatsPage").click()
    expect(dee_page.locator("#list-status")).to_have_text(
        "You declined CalUsesChatsPage's request."
    )
    expect(dee_page.locator("#incoming-empty")).to_be_visible()
