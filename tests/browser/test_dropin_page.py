"""The drop-in line: "Talk to someone now", a helper takes it, both land in one chat;
and the kind time-out, with the choice to stay in line or leave it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE, send, serious_axe_violations, wait_connected
from tests.browser.staff import LiveStaff, wait_dashboard

pytestmark = [pytest.mark.browser, pytest.mark.live]

ESTIMATE = re.compile(
    r"We don't have enough recent chats to estimate a wait\.|Recent waits have been"
)


def message(page, text: str):
    return page.locator("#message-list li[data-id]").filter(has_text=text)


def test_talk_to_someone_now_reaches_an_on_duty_facilitator(pages):
    staff = LiveStaff(pages.server, "FacilDropIn")
    facil = pages.open("/facilitators/", member=staff)
    wait_dashboard(facil)
    duty = facil.get_by_role("switch", name="On duty")
    if not duty.is_checked():
        duty.check()
    expect(facil.locator("#duty-state")).to_have_text("You're on duty.")

    # The home page's button leads here; a visitor joins first and comes back.
    member = pages.open("/", viewport=PHONE)
    member.get_by_role("link", name="Talk to someone now").click()
    expect(member).to_have_url(re.compile(r"/join/\?next=%2Fdropin%2F$"))
    # (Asking first without the box ticked also waits for the page's script.)
    member.locator("#join-button").click()
    expect(member.locator("#accept-error")).to_contain_text("tick the box")
    member.get_by_label("I've read the guidelines").check()
    member.locator("#join-button").click()
    member.get_by_role("link", name="Continue").click()
    expect(member).to_have_url(re.compile(r"/dropin/$"))

    # The crisis lines are on the page before anything is pressed, emergency first.
    help_list = member.locator(".dropin-help .resource")
    expect(help_list.first).to_have_class(re.compile(r"resource-emergency"))
    member.get_by_role("button", name="Talk to someone now").click()
    waiting = member.locator("#waiting-panel")
    expect(waiting).to_be_visible()
    expect(member.locator("#waiting-heading")).to_be_focused()
    expect(member.locator("#place")).to_have_text("You're next in line.")
    expect(member.locator("#estimate")).to_have_text(ESTIMATE)
    expect(member.locator("#helpers")).to_contain_text("available to take chats right now")
    expect(member.get_by_role("link", name="Late-night drop-in")).to_be_visible()
    assert serious_axe_violations(member) == []

    # The facilitator is offered it (without the member's handle) and takes it.
    expect(facil.locator("#dropin-count")).to_have_text("1")
    expect(facil.locator("#dash-announcer")).to_contain_text(
        "Someone is waiting in the drop-in line."
    )
    facil.get_by_role("tab", name=re.compile("Drop-in line")).click()
    offer = facil.locator("#dropin-list li")
    expect(offer).to_have_count(1)
    expect(offer).to_contain_text("Waiting less than a minute")
    with facil.context.expect_page() as opened:
        offer.get_by_role("button", name="Take this chat").click()
    chat = opened.value
    expect(chat).to_have_url(re.compile(r"/chats/\d+/$"))
    expect(facil.locator("#dropin-status")).to_contain_text("The chat is open in a new tab.")
    expect(facil.locator("#dropin-list li")).to_have_count(0)

    # The member's page notices within a few seconds and goes to the same chat.
    expect(member).to_have_url(chat.url, timeout=15_000)
    wait_connected(member)
    wait_connected(chat)
    expect(member.get_by_role("heading", level=1)).to_have_text("Chat with FacilDropIn")
    expect(member.locator(".room-description")).to_contain_text(
        "FacilDropIn took your drop-in request"
    )
    send(chat, "Hi, I'm FacilDropIn. I'm glad you reached out. What's going on tonight?")
    expect(message(member, "glad you reached out")).to_have_count(1)
    send(member, "Couldn't sleep and the cravings are bad.")
    expect(message(chat, "cravings are bad")).to_have_count(1)

    duty.uncheck()
    expect(facil.locator("#duty-state")).to_have_text("You're off duty.")


def test_nobody_free_yet_says_so_kindly_and_lets_the_member_choose(pages):
    page = pages.open(goto=False, member=pages.member("EliWaitsLong"), viewport=PHONE)
    page.clock.install()
    page.goto("/dropin/")
    page.get_by_role("button", name="Talk to someone now").click()
    expect(page.locator("#waiting-panel")).to_be_visible()

    page.clock.fast_forward("10:05")
    timeout = page.locator("#timeout-panel")
    expect(timeout).to_be_visible()
    expect(timeout).to_contain_text("nobody has been free to take your chat yet")
    expect(page.locator("#dropin-announcer")).to_contain_text("You're still in line.")
    # Staying is the first, primary choice; the crisis lines are right there.
    expect(timeout.get_by_role("button").first).to_have_text("Stay in line")
    expect(page.locator(".dropin-help .resource-emergency")).to_be_visible()
    timeout.get_by_role("button", name="Stay in line").click()
    expect(page.locator("#waiting-panel")).to_be_visible()

    # Leaving is one button, and coming back is always possible.
    page.locator("#waiting-panel").get_by_role("button", name="Leave the line").click()
    expect(page.locator("#start-panel")).to_be_visible()
    expect(page.locator("#start-status")).to_have_text(
        "You've left the line. You can come back whenever you like."
    )


def test_a_peer_supporter_sees_only_the_line_and_takes_a_chat_over_http(pages):
    waiting = pages.member("FinInLine")
    response = waiting.client.post(
        "/api/dropin/", json={}, headers={"X-CSRFToken": waiting.client.cookies["csrftoken"]}
    )
    assert response.status_code == 201, response.text

    supporter = pages.open("/facilitators/", member=LiveStaff(pages.server, "SupporterSage"))
    expect(supporter.get_by_role("heading", level=1)).to_have_text("Drop-in line")
    expect(supporter.locator("#queue-list")).to_have_count(0)
    expect(supporter.get_by_role("tab")).to_have_count(0)
    expect(supporter.get_by_label("Open to a one-on-one chat")).to_be_visible()
    offer = supporter.locator("#dropin-list li")
    expect(offer).to_have_count(1)
    assert serious_axe_violations(supporter) == []
    with supporter.context.expect_page() as opened:
        offer.get_by_role("button", name="Take this chat").click()
    chat = opened.value
    expect(chat).to_have_url(re.compile(r"/chats/\d+/$"))
    expect(supporter.locator("#dropin-status")).to_contain_text("You're with FinInLine.")

    # The member, coming back to the page, is pointed to the chat.
    member = pages.open("/dropin/", member=waiting, viewport=PHONE)
    expect(member.locator("#matched-panel")).to_be_visible()
    expect(member.locator("#matched-text")).to_have_text("SupporterSage took your request.")
    member.get_by_role("link", name="Go to your chat").click()
    expect(member).to_have_url(chat.url)
    wait_connected(member)
