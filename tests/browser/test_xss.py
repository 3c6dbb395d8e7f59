"""The XSS corpus, sent through the room page, never runs script in any page showing it.

Checked in the pages themselves: an init script records every dialog
(``alert(1)``) and every Content-Security-Policy violation, and afterwards
``window.__xss`` must still be undefined in the sender's and a reader's page.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import wait_connected
from tests.xss_corpus import XSS_PAYLOADS

pytestmark = [pytest.mark.browser, pytest.mark.live]

WATCH = """
window.__dialogs = [];
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || ''));
});
"""

SUBMIT_ALL = """
(payloads) => {
  const box = document.getElementById('message-input');
  for (const payload of payloads) {
    box.value = payload;
    box.dispatchEvent(new Event('input', {bubbles: true}));
    document.getElementById('composer').requestSubmit();
  }
}
"""

ONLY_SAFE_MARKUP = """
() => [...document.querySelectorAll('#message-list .msg-body *')]
  .filter((el) => !(el.tagName === 'BR'
    || (el.tagName === 'A' && /^https?:/i.test(el.getAttribute('href')))))
  .map((el) => el.outerHTML)
"""


def watch(page, dialogs: list[str]) -> None:
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(WATCH)


def test_xss_corpus_never_executes(pages):
    dialogs: list[str] = []
    # Two members share the sending (each page sends one message at a time),
    # and a third only reads.
    senders = [
        pages.open(goto=False, member=pages.member("XssSenderOne")),
        pages.open(goto=False, member=pages.member("XssSenderTwo")),
    ]
    reader = pages.open(goto=False, member=pages.member("XssReader"))
    everyone = [*senders, reader]
    for page in everyone:
        watch(page, dialogs)
        page.goto("/rooms/opioids/")
        wait_connected(page)

    # Typed into each composer and submitted, one after another.
    payloads = [payload for _family, payload in XSS_PAYLOADS]
    for index, sender in enumerate(senders):
        sender.evaluate(SUBMIT_ALL, payloads[index :: len(senders)])

    total = len(payloads)
    for page in everyone:
        expect(page.locator("#message-list li[data-id]")).to_have_count(total, timeout=30_000)
        expect(page.locator(".msg-pending")).to_have_count(0)
        assert page.evaluate(ONLY_SAFE_MARKUP) == []
    # Shown as text: the markup is there for people to read, not interpreted.
    expect(reader.locator("#message-list")).to_contain_text("<script>window.__xss=1</script>")

    # The history path renders the same bodies: read the whole room back.
    reader.reload()
    wait_connected(reader)
    earlier = reader.locator("#load-earlier")
    while earlier.is_visible():
        shown = reader.locator("#message-list li[data-id]").count()
        earlier.click()
        expect(reader.locator("#message-list li[data-id]")).not_to_have_count(shown)
        expect(reader.locator("#history-status")).to_contain_text("Loaded")
    expect(reader.locator("#message-list li[data-id]")).to_have_count(total)
    assert reader.evaluate(ONLY_SAFE_MARKUP) == []

    for page in everyone:
        assert page.evaluate("typeof window.__xss") == "undefined"
        assert page.evaluate("typeof top.__xss") == "undefined"
        assert page.evaluate("window.__cspViolations") == []
    assert dialogs == []
