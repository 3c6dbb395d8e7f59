"""A server restart mid-conversation: the page comes back and shows every message once."""

from __future__ import annotations

import re
import signal

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    SocketGate,
    reconnect_now,
    room_of_its_own,
    send,
    wait_connected,
)

pytestmark = [pytest.mark.browser, pytest.mark.live]

# A room of its own: the seeded rooms carry other tests' messages.
ROOM = "restart-mid-conversation"


def shown_ids(page) -> list[int]:
    return [
        int(value)
        for value in page.locator("#message-list li[data-id]").evaluate_all(
            "items => items.map(li => li.dataset.id)"
        )
    ]


def test_page_survives_a_server_restart_and_shows_each_message_once(pages, kindred_server):
    server = kindred_server
    room_of_its_own(server, ROOM)
    gina = pages.member("GinaStays")
    hal = pages.member("HalWhileAway")
    # Gina's page reaches the server through a gate the test can close, so that
    # Hal's messages are certainly sent while she is away.
    page = pages.open(goto=False, member=gina)
    gate = SocketGate(page)
    page.goto(f"/rooms/{ROOM}/")
    wait_connected(page)
    hal_page = pages.open(f"/rooms/{ROOM}/", member=hal)
    wait_connected(hal_page)
    send(page, "before the restart, from Gina")
    send(hal_page, "before the restart, from Hal")
    expect(page.locator("#message-list li[data-id]")).to_have_count(2)

    # The server dies without a goodbye, and Gina stays away.
    gate.open = False
    server.kill(signal.SIGKILL)
    expect(page.locator("#conn")).to_have_attribute("data-state", "reconnecting")
    expect(page.locator("#conn-text")).to_have_text(re.compile(r"Reconnecting"))
    # What she writes meanwhile waits, visibly, and is not lost.
    send(page, "written while the server was down")
    pending = page.locator(".msg-pending").filter(has_text="written while the server")
    expect(pending).to_have_count(1)
    expect(pending).to_contain_text("Sending…")

    # A new process on the same port and the same database.
    server.start()
    reconnect_now(hal_page)
    wait_connected(hal_page)
    for n in range(1, 4):
        send(hal_page, f"while Gina was away {n}")
    expect(hal_page.locator("#message-list li[data-id]")).to_have_count(5)
    expect(page.locator("#message-list")).not_to_contain_text("while Gina was away")

    # Gina comes back: the gap is filled, her waiting message is sent once.
    gate.open = True
    reconnect_now(page)
    wait_connected(page)
    expect(page.locator("#message-list li[data-id]")).to_have_count(6)
    expect(page.locator(".msg-pending")).to_have_count(0)
    expect(page.locator("#status-announcer")).to_contain_text("while you were away")

    stored = gina.client.get(f"/api/rooms/{ROOM}/messages/?after=0").json()["messages"]
    assert len(stored) == 6, [m["body"] for m in stored]
    assert shown_ids(page) == sorted(m["id"] for m in stored)
    for message in stored:
        assert page.locator(f'#message-list [data-id="{message["id"]}"]').count() == 1

    # And it carries on live.
    send(hal_page, "welcome back")
    latest = page.locator("#message-list li[data-id]").filter(has_text="welcome back")
    expect(latest).to_have_count(1)
