"""Screenshots of the dashboard (desktop and phone), the drop-in line and a chat (phone).

As in test_screenshots.py: written to docs/screenshots/ only with
``UPDATE_SCREENSHOTS=1``, else to a temporary folder; either way each page must fit
its width (no sideways scrolling).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, PHONE, send, wait_connected
from tests.browser.staff import LiveStaff, wait_dashboard
from tests.browser.test_screenshots import out, shoot  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.live]


def csrf_post(member, path: str, body: dict) -> dict:
    response = member.client.post(
        path, json=body, headers={"X-CSRFToken": member.client.cookies["csrftoken"]}
    )
    assert response.status_code < 300, response.text
    return response.json()


def test_screenshots_of_the_dashboard_the_drop_in_line_and_a_chat(pages, out):  # noqa: F811
    staff = LiveStaff(pages.server, "FacilShots")
    boards = {}
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        boards[size] = pages.open("/facilitators/", member=staff, viewport=viewport, locale="en-US")
        wait_dashboard(boards[size])
        duty = boards[size].get_by_role("switch", name="On duty")
        if not duty.is_checked():
            duty.check()
        expect(boards[size].locator("#duty-state")).to_have_text("You're on duty.")

    # Something for the queue: a report, contact details, and a crisis message.
    rowan = pages.member("RowanSharp")
    skye = pages.member("SkyeNotices")
    lark = pages.member("LarkAtNight")
    room = pages.open("/rooms/milestones/", member=rowan, locale="en-US")
    wait_connected(room)
    send(room, "Nobody in this room is ever going to stay clean, you're all kidding yourselves.")
    reported = room.locator("#message-list li[data-id]").filter(has_text="kidding yourselves")
    expect(reported).to_have_count(1)
    csrf_post(
        skye,
        "/api/reports/",
        {"message": int(reported.get_attribute("data-id")), "reason": "harassment"},
    )
    send(room, "DM me if you want to talk, rowan.recovery@example.com")
    lark_page = pages.open("/rooms/mental-health/", member=lark, locale="en-US")
    wait_connected(lark_page)
    send(lark_page, "I want to end my life tonight, I can't keep doing this")
    expect(lark_page.locator("#crisis-dialog")).to_be_visible()

    for size, board in boards.items():
        for text in ("kidding yourselves", "DM me if you want to talk", "end my life tonight"):
            expect(board.locator("#queue-list li").filter(has_text=text)).to_have_count(1)
        expect(board.locator("#alert-list .crisis-alert")).to_have_count(1)
        reported_item = board.locator("#queue-list li").filter(has_text="kidding yourselves")
        reported_item.get_by_role("button").click()
        expect(board.locator("#context-list .ctx-reported")).to_have_count(1)
        board.evaluate("window.scrollTo(0, 0)")
        shoot(out, board, "dashboard", size, full_page=True)
    boards["desktop"].get_by_role("switch", name="On duty").uncheck()
    expect(boards["desktop"].locator("#duty-state")).to_have_text("You're off duty.")

    # A member waiting in the drop-in line, on a phone.
    waiting = pages.open(
        "/dropin/", member=pages.member("MiloWaiting"), viewport=PHONE, locale="en-US"
    )
    waiting.get_by_role("button", name="Talk to someone now").click()
    expect(waiting.locator("#place")).to_contain_text("in line")
    waiting.evaluate("window.scrollTo(0, 0)")
    shoot(out, waiting, "dropin", "phone", full_page=True)
    waiting.locator("#waiting-panel").get_by_role("button", name="Leave the line").click()
    expect(waiting.locator("#start-panel")).to_be_visible()

    # A one-on-one chat, on a phone.
    asked = csrf_post(skye, "/api/chats/", {"to": "LarkAtNight"})
    csrf_post(lark, f"/api/chats/{asked['chat']}/accept/", {})
    path = f"/chats/{asked['chat']}/"
    other = pages.open(path, member=skye, locale="en-US")
    phone = pages.open(path, member=lark, viewport=PHONE, locale="en-US")
    wait_connected(other)
    wait_connected(phone)
    for sender, text in (
        (other, "Hey, I saw your message earlier. Want to talk for a bit?"),
        (phone, "Yes please. It's been a long night."),
        (other, "I'm here. No rush. What's on your mind?"),
    ):
        send(sender, text)
        expect(phone.locator("#message-list li[data-id]").filter(has_text=text)).to_have_count(1)
    expect(phone.locator("#chat-presence")).to_have_text("SkyeNotices is here now.")
    phone.locator("#message-input").fill("Thank you for asking.")
    shoot(out, phone, "chat", "phone", full_page=False)

    written = sorted(p.name for p in out.glob("*.png"))
    for name in ("dashboard-desktop", "dashboard-phone", "dropin-phone", "chat-phone"):
        assert f"{name}.png" in written
