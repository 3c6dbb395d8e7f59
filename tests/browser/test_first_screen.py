"""A room's first screen comes in its HTML (rooms/pages.py, templates/_message.html):
its newest messages show before any script or socket, and the socket then resumes after
the last of them, so every message is shown once, none lost (issue 30)."""

from __future__ import annotations

import asyncio
import json
import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    PHONE,
    SocketGate,
    reconnect_now,
    room_of_its_own,
    send,
    wait_connected,
)
from tests.live import LiveMember, next_frame

pytestmark = [pytest.mark.browser, pytest.mark.live]

IN_PAGE = 50  # HISTORY_IN_PAGE's default
ON_CONNECT = 50  # HISTORY_ON_CONNECT's default


def post(member: LiveMember, slug: str, bodies: list[str]) -> None:
    """Sends *bodies* into the room over a socket of *member*'s own, each acked."""

    async def run() -> None:
        ws = await member.connect(f"/ws/rooms/{slug}/")
        try:
            await next_frame(ws, "welcome")
            for n, body in enumerate(bodies):
                nonce = f"{slug}-{body}-{n}"[:64]
                await ws.send(json.dumps({"type": "message", "body": body, "nonce": nonce}))
                await next_frame(ws, "ack")
        finally:
            await ws.close()

    # Playwright's sync API holds this thread's event loop; the socket gets its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, run()).result()


# An element's tag, classes and attribute names (not values), and its children's.
SHAPE = """function shape(node) {
  return [node.tagName, node.className, [...node.attributes].map(a => a.name).sort().join(" "),
          [...node.children].map(shape)];
}"""


AT_BOTTOM = """() => {
  const doc = document.documentElement;
  return window.scrollY > 0 && window.scrollY + window.innerHeight >= doc.scrollHeight - 2;
}"""


def shown(page) -> list[tuple[int, str]]:
    return page.locator("#message-list li[data-id]").evaluate_all(
        "items => items.map(li => [Number(li.dataset.id),"
        " li.querySelector('.msg-body').textContent])"
    )


def test_the_first_screen_is_in_the_html_and_the_socket_resumes_after_it_once(
    pages, kindred_server
):
    slug = room_of_its_own(kindred_server, "first-screen").split("/")[2]
    path = f"/rooms/{slug}/"
    writer = pages.member("ScreenWriter")
    reader = pages.member("ScreenReader")
    early = [f"early {n}" for n in range(1, IN_PAGE + 6)]
    post(writer, slug, early)

    # Without scripts at all, the page shows the newest messages, oldest first.
    static = pages.open(path, member=reader, viewport=PHONE, java_script_enabled=False)
    expect(static.locator("#message-list li[data-id]")).to_have_count(IN_PAGE)
    assert [body for _, body in shown(static)] == early[-IN_PAGE:]
    expect(static.locator("#message-list li").first).to_contain_text("ScreenWriter")
    # And it opens at the newest of them, as the script would scroll it: the first paint
    # is the screen the member reads, not the oldest messages and then a jump.
    assert static.evaluate(AT_BOTTOM), "the room opens at its newest message"

    # With scripts, but the socket held back: the same messages, taken over in place.
    page = pages.open(goto=False, member=reader, viewport=PHONE)
    gate = SocketGate(page, open=False)
    page.goto(path)
    expect(page.locator("#conn")).to_have_attribute("data-state", "reconnecting")
    first_screen = shown(page)
    assert [body for _, body in first_screen] == early[-IN_PAGE:]
    # The client wrote each time in the reader's own words (the server leaves it empty).
    expect(page.locator("#message-list time.msg-time").first).to_have_text(re.compile(r"\d"))

    # More than the welcome's history arrives while the page waits: the oldest of it
    # reaches the page only through the resume after the last message it showed.
    later = [f"later {n}" for n in range(1, ON_CONNECT + 6)]
    post(writer, slug, later)
    gate.open = True
    reconnect_now(page)
    wait_connected(page)
    expected = early[-IN_PAGE:] + later
    expect(page.locator("#message-list li[data-id]")).to_have_count(len(expected))
    now = shown(page)
    assert [body for _, body in now] == expected
    ids = [message_id for message_id, _ in now]
    assert ids == sorted(set(ids)), "each message once, in order"
    assert now[:IN_PAGE] == first_screen
    # The server's markup is the client's: the same elements, classes and attributes
    # (templates/_message.html must follow MessageList._fill).
    server_built, client_built = (
        page.locator(f'#message-list li[data-id="{ids[n]}"]').evaluate(SHAPE) for n in (0, -1)
    )
    assert server_built == client_built

    # And it goes on live, once.
    send(page, "hello from the reader")
    expect(page.locator("#message-list li[data-id]")).to_have_count(len(expected) + 1)
    expect(page.locator("#message-list")).to_contain_text("hello from the reader")
    assert len(shown(page)) == len(expected) + 1


def test_a_blocked_handle_is_not_in_the_page_and_bodies_stay_escaped(pages, kindred_server):
    slug = room_of_its_own(kindred_server, "first-screen-safety").split("/")[2]
    path = f"/rooms/{slug}/"
    pest = pages.member("ScreenPest")
    reader = pages.member("ScreenKeeper")
    post(pest, slug, ["<img src=x onerror=alert(1)> see https://example.org/a?b=<c>"])
    served = reader.client.get(path).text
    assert "<img" not in served and "&lt;img src=x" in served
    assert '<a href="https://example.org/a?b=" rel="nofollow noopener noreferrer ugc"' in served

    reader.client.post(
        "/api/blocks/",
        json={"handle": "ScreenPest"},
        headers={"X-CSRFToken": reader.client.cookies["csrftoken"]},
    ).raise_for_status()
    served = reader.client.get(path).text
    assert "ScreenPest" not in served
    anonymous = httpx.get(f"{kindred_server.http}{path}", follow_redirects=False)
    assert anonymous.status_code in (302, 303) and "ScreenPest" not in anonymous.text
