"""Deleting my own message, from a room and from a chat, at phone size: it goes from
my screen and, live, from the other member's."""

from __future__ import annotations

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


def csrf_post(member, path: str, body: dict | None = None) -> dict:
    response = member.client.post(
        path, json=body or {}, headers={"X-CSRFToken": member.client.cookies["csrftoken"]}
    )
    assert response.status_code in (200, 201), response.text
    return response.json()


def delete_own(page, text: str) -> None:
    mine = page.locator("#message-list li[data-id]").filter(has_text=text)
    mine.get_by_role("button", name="Options for your message").click()
    assert serious_axe_violations(page, "#message-list") == []
    mine.get_by_role("button", name="Delete").click()
    mine.get_by_role("button", name="Yes, delete it for everyone").click()


@pytest.mark.parametrize("where", ["room", "chat"])
def test_delete_my_message(pages, where):
    me, other = pages.member(), pages.member()
    if where == "room":
        path = room_of_its_own(pages.server, "delete-my-message")
    else:
        chat = csrf_post(me, "/api/chats/", {"to": other.handle})["chat"]
        csrf_post(other, f"/api/chats/{chat}/accept/")
        path = f"/chats/{chat}/"
    mine_page = pages.open(path, member=me, viewport=PHONE)
    their_page = pages.open(path, member=other, viewport=PHONE)
    wait_connected(mine_page)
    wait_connected(their_page)
    text = f"This was meant for another {where}"
    send(mine_page, text)
    theirs = their_page.locator("#message-list li[data-id]").filter(has_text=text)
    expect(theirs).to_have_count(1)
    delete_own(mine_page, text)
    expect(mine_page.locator("#message-list li").filter(has_text=text)).to_have_count(0)
    expect(theirs).to_have_count(0)
    expect(mine_page.locator("#message-input")).to_be_focused()
    their_page.reload()
    wait_connected(their_page)
    expect(their_page.locator("#message-list li").filter(has_text=text)).to_have_count(0)
