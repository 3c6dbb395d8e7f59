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


# Every control's tap target (the control, or for a box its label too) at least
# 44x44 CSS px. Links inside a sentence are exempt, as WCAG 2.5.5 exempts them.
SMALL_TARGETS = """() => {
  const small = [];
  const controls = "a[href], button, input, select, textarea, summary";
  for (const node of document.querySelectorAll(controls)) {
    const box = node.getBoundingClientRect();
    const style = getComputedStyle(node);
    if (!box.width || !box.height || style.visibility === "hidden") continue;
    if (node.matches(".skip-link") || node.closest(".visually-hidden")) continue;
    if (node.tagName === "A" && style.display === "inline") continue;
    let { width, height } = box;
    for (const label of node.labels || []) {
      const area = label.closest(".check, .duty") || label;
      const around = area.getBoundingClientRect();
      width = Math.max(width, around.width);
      height = Math.max(height, around.height);
    }
    if (width < 43.5 || height < 43.5) {
      const name = (node.textContent || node.name || node.id).trim();
      small.push(`${node.tagName} "${name}" ${Math.round(width)}x${Math.round(height)}`);
    }
  }
  return small;
}"""


def test_every_tap_target_is_at_least_44_px_on_a_phone(pages):
    for path in ("/", "/join/", "/resources/"):
        page = pages.open(path, viewport=PHONE)
        assert page.evaluate(SMALL_TARGETS) == [], path
    other = pages.open("/rooms/newcomers/", member=pages.member("TapOther"), viewport=PHONE)
    page = pages.open("/rooms/newcomers/", member=pages.member("TapTester"), viewport=PHONE)
    wait_connected(other)
    wait_connected(page)
    send(other, "A message with a menu next to it.")
    mine = page.locator("#message-list li[data-id]").filter(has_text="with a menu next to it")
    expect(mine.get_by_role("button", name="Options for the message from TapOther")).to_be_visible()
    page.locator("#here-details summary").click()
    expect(page.locator("#here-details input[type=checkbox]").first).to_be_visible()
    assert page.evaluate(SMALL_TARGETS) == []
