"""axe-core audit of each page: no serious or critical violations (axe ships in a PyPI package)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE, send, serious_axe_violations, wait_connected

pytestmark = [pytest.mark.browser, pytest.mark.live]


@pytest.mark.parametrize("path", ["/", "/join/", "/resources/", "/resources/?country=other"])
def test_public_pages_have_no_serious_axe_violations(pages, path):
    page = pages.open(path)
    expect(page.get_by_role("link", name="Need help now? Crisis lines")).to_be_visible()
    assert serious_axe_violations(page) == []


def test_room_page_has_no_serious_axe_violations(pages):
    other = pages.open("/rooms/newcomers/", member=pages.member("LeoAudited"))
    page = pages.open("/rooms/newcomers/", member=pages.member("MiaAudits"))
    wait_connected(other)
    wait_connected(page)
    send(other, "Hi all, first time here. https://example.org has helped me.")
    send(page, "Welcome! Glad you found us.")
    expect(page.locator("#message-list li[data-id]")).to_have_count(2)
    # With a message menu open too.
    page.get_by_role("button", name="Options for the message from LeoAudited").click()
    expect(page.get_by_role("button", name="Block LeoAudited")).to_be_visible()
    assert serious_axe_violations(page) == []


def test_room_page_on_a_phone_is_operable_by_keyboard(pages):
    page = pages.open("/rooms/newcomers/", member=pages.member("NoaKeys"), viewport=PHONE)
    wait_connected(page)
    # The skip link leads to the content; the crisis link is reachable first.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Need help now? Crisis lines")).to_be_focused()
    page.locator("#message-input").focus()
    page.keyboard.type("typed with the keyboard")
    page.keyboard.press("Enter")
    expect(page.locator("#message-list li[data-id]").filter(has_text="typed with")).to_have_count(1)
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert serious_axe_violations(page) == []
