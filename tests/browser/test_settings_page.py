"""The settings page (/me/) and the header's "Chats" count, at phone size: unblock,
sign out here, sign out everywhere (an open room tab is closed too), delete the
handle in two steps; "Updates for you" on /chats/ clears the count."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE, send, serious_axe_violations, wait_connected

pytestmark = [pytest.mark.browser, pytest.mark.live]


def csrf_post(member, path: str, body: dict) -> dict:
    response = member.client.post(
        path, json=body, headers={"X-CSRFToken": member.client.cookies["csrftoken"]}
    )
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_unblock_and_the_inbox_count_at_phone_size(pages):
    me, rude, asker = pages.member("SettingsOtter"), pages.member("RudeCrow"), pages.member()
    csrf_post(me, "/api/blocks/", {"handle": "RudeCrow"})
    csrf_post(asker, "/api/chats/", {"to": "SettingsOtter"})
    page = pages.open("/me/", member=me, viewport=PHONE)
    expect(page.locator("#nav-chats")).to_have_text("Chats · 1 new")
    expect(page.locator("#blocks-list")).to_contain_text("RudeCrow")
    assert serious_axe_violations(page) == []
    page.get_by_role("button", name="Unblock RudeCrow").click()
    expect(page.locator("#blocks-status")).to_have_text("You no longer block RudeCrow.")
    expect(page.locator("#blocks-empty")).to_be_visible()
    assert me.client.get("/api/blocks/").json() == {"blocked": []}
    assert rude.handle == "RudeCrow"

    # A room tab is open while the member reads their updates on /chats/.
    room = pages.open("/rooms/newcomers/", member=me, viewport=PHONE)
    wait_connected(room)
    expect(room.locator("#nav-chats")).to_have_text("Chats · 1 new")
    page.get_by_role("link", name=re.compile("^Chats")).click()
    expect(page.locator("#inbox-list")).to_contain_text(
        f"{asker.handle} would like a one-on-one chat with you."
    )
    expect(page.locator("#nav-chats")).to_have_text("Chats")
    expect(room.locator("#nav-chats")).to_have_text("Chats")
    assert serious_axe_violations(page) == []


def test_sign_out_of_this_device(pages):
    me = pages.member()
    page = pages.open("/me/", member=me, viewport=PHONE)
    page.get_by_role("button", name="Sign out of this device").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("#nav-me")).to_have_count(0)
    assert page.request.get("/api/session/").status == 401


def test_sign_out_everywhere_closes_the_other_tabs_too(pages):
    me = pages.member()
    room = pages.open("/rooms/newcomers/", member=me, viewport=PHONE)
    wait_connected(room)
    page = pages.open("/me/", member=me, viewport=PHONE)
    page.get_by_role("button", name="Sign out everywhere").click()
    page.get_by_role("button", name="Yes, sign out everywhere").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(room).to_have_url(re.compile(r"/join/\?next="))
    assert me.client.get("/api/session/").status_code == 401


def test_delete_my_handle_in_two_steps(pages):
    me = pages.member()
    page = pages.open("/me/", member=me, viewport=PHONE)
    page.get_by_role("button", name="Delete my handle…").click()
    expect(page.locator("#delete-detail")).to_contain_text("everything you wrote")
    page.get_by_role("button", name="Keep my handle").click()
    expect(page.locator("#delete-confirm-box")).to_be_hidden()
    assert me.client.get("/api/session/").status_code == 200
    page.get_by_role("button", name="Delete my handle…").click()
    page.get_by_role("button", name="Yes, delete everything").click()
    expect(page).to_have_url(re.compile(r"/\?deleted=1$"))
    assert me.client.get("/api/session/").status_code == 401


def test_chats_says_which_chat_has_new_messages(pages):
    me, other = pages.member(), pages.member()
    chat = csrf_post(me, "/api/chats/", {"to": other.handle})["chat"]
    csrf_post(other, f"/api/chats/{chat}/accept/", {})
    theirs = pages.open(f"/chats/{chat}/", member=other, viewport=PHONE)
    wait_connected(theirs)
    send(theirs, "are you around?")
    expect(theirs.locator("#message-list li[data-id]")).to_have_count(1)
    page = pages.open("/chats/", member=me, viewport=PHONE)
    row = page.locator("#open-list li").filter(has_text=f"Chat with {other.handle}")
    expect(row).to_contain_text("New messages since you were there")
    expect(page.locator("#inbox-list")).to_contain_text(f"New message from {other.handle}")
    expect(page.locator("#inbox-list")).not_to_contain_text("are you around")
