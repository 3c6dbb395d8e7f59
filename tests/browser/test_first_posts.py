"""Issue 23 in the browser, at phone size: in a sensitive room, a new member's
first message waits for a quick look. Its author sees it marked kindly as
waiting, another member doesn't see it, and a facilitator releases it from the
dashboard: then everyone has it, and the mark is gone. axe finds nothing serious."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE, send, serious_axe_violations, wait_connected
from tests.browser.staff import LiveStaff, wait_dashboard

pytestmark = [pytest.mark.browser, pytest.mark.live]

# Salud mental: a sensitive room no other browser test posts or counts in.
ROOM = "/rooms/salud-mental/"
WAITING = "Waiting for a quick look from a facilitator. Only you can see it for now."


def message(page, text: str):
    return page.locator("#message-list li[data-id]").filter(has_text=text)


def restrict(staff: LiveStaff, handle: str) -> None:
    """Trust is off on the test server (everyone is level 1): a facilitator keeps
    this handle at level 0, as a brand-new handle is."""
    response = staff.client.post(
        "/api/moderation/actions/trust/",
        json={"handle": handle, "override": "restricted"},
        headers={"X-CSRFToken": staff.client.cookies["csrftoken"]},
    )
    assert response.status_code == 200, response.text


def test_a_first_post_waits_for_a_quick_look_and_a_facilitator_releases_it(pages):
    staff = LiveStaff(pages.server, "FacilFirstLook")
    facil = pages.open("/facilitators/", member=staff, viewport=PHONE)
    wait_dashboard(facil)
    newcomer = pages.member("WrenIsNewHere")
    restrict(staff, "WrenIsNewHere")
    reader = pages.open(ROOM, member=pages.member("OscarReadsOn"), viewport=PHONE)
    author = pages.open(ROOM, member=newcomer, viewport=PHONE)
    wait_connected(reader)
    wait_connected(author)
    # Told before posting, beside the composer; the member who isn't new is not.
    expect(author.locator("#composer-why")).to_have_text(
        "New here? In this room your first few messages wait for a quick look from a "
        "facilitator before everyone sees them."
    )
    expect(reader.locator("#composer-why")).to_be_hidden()

    first = "first time writing here, a hard week"
    send(author, first)
    mine = message(author, first)
    expect(mine.locator(".msg-held-note")).to_have_text(WAITING)
    expect(mine.get_by_role("button", name="React", exact=True)).to_have_count(0)
    assert serious_axe_violations(author) == []

    # The room goes on; the held message isn't in it (the hub keeps a room's order,
    # so it would have come before this one).
    send(reader, "welcome, whoever is new tonight")
    expect(message(reader, "welcome, whoever is new tonight")).to_have_count(1)
    expect(message(reader, first)).to_have_count(0)
    # Reloading keeps the mark: the first screen draws it as the client does.
    author.reload()
    wait_connected(author)
    expect(message(author, first).locator(".msg-held-note")).to_have_text(WAITING)

    entry = facil.locator("#queue-list li").filter(has_text=first)
    expect(entry).to_have_count(1)
    entry.get_by_role("button").click()
    detail = facil.locator("#item-detail")
    expect(detail.locator("#detail-heading")).to_have_text(
        "New member's first message, waiting for a look"
    )
    expect(detail.locator("#detail-member")).to_contain_text("Level 0")
    detail.get_by_role("button", name="Release into the room").click()
    dialog = facil.locator("#confirm-dialog")
    expect(dialog).to_contain_text("waiting for a quick look")
    assert serious_axe_violations(facil) == []
    dialog.get_by_role("button", name="Release message", exact=True).click()

    # Everyone has it now, in its place before the reply; the author's mark is gone,
    # and the item has left the queue.
    expect(message(reader, first)).to_have_count(1)
    ids = [
        int(i)
        for i in reader.locator("#message-list li[data-id]").evaluate_all(
            "nodes => nodes.map((n) => n.dataset.id)"
        )
    ]
    assert ids == sorted(ids)
    expect(message(author, first).locator(".msg-held-note")).to_have_count(0)
    expect(author.locator("#message-list .msg-held")).to_have_count(0)
    expect(entry).to_have_count(0)
    assert serious_axe_violations(reader) == []
