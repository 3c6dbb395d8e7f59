"""Issue 23 in the browser, at phone size: an open item keeps every action (mute,
then remove, then unmute, then resolve), the author of a removed message is told
kindly, a muted member sees where and until when instead of "Try again", a ban
can be lifted from the dashboard, and facilitators and peer supporters carry a
badge in rooms and in the "here now" list. axe finds nothing serious."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE, send, serious_axe_violations, wait_connected
from tests.browser.staff import LiveStaff, wait_dashboard

pytestmark = [pytest.mark.browser, pytest.mark.live]

# The live database is shared by the package's tests: Stimulants is a room no other
# browser test counts messages in.

#: Every action an open report about a member's live message in a topic room offers.
OPEN_ACTIONS = ["Sanction…", "Warn…", "Mute…", "Kick from room", "Resolve…", "Dismiss"]


def message(page, text: str):
    return page.locator("#message-list li[data-id]").filter(has_text=text)


def report(reporter, message_id: int) -> None:
    response = reporter.client.post(
        "/api/reports/",
        json={"message": message_id, "reason": "harassment"},
        headers={"X-CSRFToken": reporter.client.cookies["csrftoken"]},
    )
    assert response.status_code == 201, response.text


def said(page, text: str) -> int:
    node = message(page, text)
    expect(node).to_have_count(1)
    return int(node.get_attribute("data-id"))


def open_item(facil, text: str):
    entry = facil.locator("#queue-list li").filter(has_text=text)
    expect(entry).to_have_count(1)
    entry.get_by_role("button").click()
    return facil.locator("#item-detail")


def action(detail, name: str):
    return detail.locator("#item-actions").get_by_role("button", name=name, exact=True)


def confirm(facil, button: str, reason: str | None = None) -> None:
    dialog = facil.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    if reason is not None:
        dialog.get_by_label(re.compile("Reason, for the audit log")).fill(reason)
    dialog.get_by_role("button", name=button, exact=True).click()
    expect(dialog).to_be_hidden()


def test_an_open_item_keeps_every_action_and_the_author_is_told_kindly(pages):
    staff = LiveStaff(pages.server, "FacilSanctions")
    facil = pages.open("/facilitators/", member=staff, viewport=PHONE)
    wait_dashboard(facil)
    author_member = pages.member("CalebSaysIt")
    author = pages.open("/rooms/stimulants/", member=author_member, viewport=PHONE)
    wait_connected(author)
    send(author, "nobody here will ever stay sober")
    report(pages.member(), said(author, "nobody here will ever stay sober"))

    detail = open_item(facil, "nobody here will ever stay sober")
    for name in ["Remove message", *OPEN_ACTIONS]:
        expect(action(detail, name)).to_be_visible()
    expect(detail.locator("#detail-member")).to_contain_text("next sanction: a warning")

    # Mute: the item stays open with every action, Unmute among them now.
    action(detail, "Mute…").click()
    mute = facil.get_by_role("dialog", name="Mute CalebSaysIt")
    mute.get_by_label("For how long").select_option(label="10 minutes")
    mute.get_by_role("button", name="Mute", exact=True).click()
    expect(detail.locator("#detail-status")).to_contain_text("The item stays open")
    expect(action(detail, "Unmute")).to_be_visible()
    for name in ["Remove message", *OPEN_ACTIONS]:
        expect(action(detail, name)).to_be_visible()
    expect(detail.locator("#detail-history")).to_contain_text("FacilSanctions muted them")
    expect(detail.locator("#detail-member")).to_contain_text("muted until")

    # The muted member is told where and until when, beside the composer, at once and
    # when they post; no "Try again".
    expect(author.locator("#composer-why")).to_contain_text(
        re.compile(r"Muted in Stimulants until \d")
    )
    send(author, "why can't I talk")
    expect(author.locator("#composer-error")).to_contain_text(
        re.compile(r"Muted in Stimulants until \d")
    )
    failed = author.locator("#message-list li.msg-failed")
    expect(failed).to_have_count(1)
    expect(failed.get_by_role("button", name="Try again")).to_have_count(0)
    failed.get_by_role("button", name="Discard").click()

    # Remove: gone from the room, the author told privately and kindly, the item still open.
    action(detail, "Remove message").click()
    confirm(facil, "Remove message", reason="That could hurt someone early in recovery.")
    expect(message(author, "nobody here will ever stay sober")).to_have_count(0)
    notice = author.locator("#private-notice")
    expect(notice).to_contain_text("About your message")
    expect(notice).to_contain_text("A facilitator removed one of your messages in Stimulants")
    expect(notice).to_contain_text("That could hurt someone early in recovery.")
    expect(notice).to_contain_text("You're still welcome here")
    assert serious_axe_violations(author) == []
    expect(facil.locator("#queue-list li").filter(has_text="CalebSaysIt")).to_have_count(1)
    for name in OPEN_ACTIONS:
        expect(action(detail, name)).to_be_visible()
    expect(detail.locator("#detail-history")).to_contain_text("removed the message")
    assert serious_axe_violations(facil) == []

    # Unmute: audited, the member can post again at once.
    action(detail, "Unmute").click()
    confirm(facil, "Unmute")
    expect(detail.locator("#detail-status")).to_have_text("CalebSaysIt can post again.")
    expect(action(detail, "Unmute")).to_be_hidden()
    expect(author.locator("#composer-why")).to_be_hidden()
    send(author, "sorry, rough night")
    expect(message(author, "sorry, rough night")).to_have_count(1)

    # Resolve, with a reason: only now does the item leave the queue.
    action(detail, "Resolve…").click()
    confirm(facil, "Resolve", reason="removed, muted, talked it through")
    expect(facil.locator("#queue-list li").filter(has_text="CalebSaysIt")).to_have_count(0)
    facil.get_by_role("tab", name=re.compile("Audit log")).click()
    log = facil.locator("#audit-list")
    expect(log).to_contain_text("FacilSanctions lifted the mute of CalebSaysIt")
    expect(log).to_contain_text("FacilSanctions resolved item")


def test_unban_and_badges_in_rooms_and_here_now(pages):
    staff = LiveStaff(pages.server, "FacilSanctions")
    facil = pages.open("/facilitators/", member=staff, viewport=PHONE)
    wait_dashboard(facil)
    supporter = LiveStaff(pages.server, "SupporterSage")
    member = pages.open("/rooms/stimulants/", member=pages.member("DanaReadsAlong"), viewport=PHONE)
    wait_connected(member)
    in_room = pages.open("/rooms/stimulants/", member=staff, viewport=PHONE)
    wait_connected(in_room)
    helper = pages.open("/rooms/stimulants/", member=supporter, viewport=PHONE)
    wait_connected(helper)
    send(in_room, "Welcome, everyone. I'm around tonight if you need me.")
    send(helper, "Glad you're here.")

    mine = message(member, "I'm around tonight")
    expect(mine.locator(".team-badge")).to_have_text("Facilitator")
    expect(message(member, "Glad you're here").locator(".team-badge")).to_have_text(
        "Peer supporter"
    )
    member.locator("#here-details summary").click()
    here = member.locator("#here-list li")
    expect(here.filter(has_text="FacilSanctions").locator(".team-badge")).to_have_text(
        "Facilitator"
    )
    expect(here.filter(has_text="SupporterSage").locator(".team-badge")).to_have_text(
        "Peer supporter"
    )
    expect(here.filter(has_text="DanaReadsAlong").locator(".team-badge")).to_have_count(0)
    assert serious_axe_violations(member) == []

    # A ban, then Unban from the same item: audited, and the member can come back.
    troll_member = pages.member("EliTrollsHere")
    troll = pages.open("/rooms/stimulants/", member=troll_member, viewport=PHONE)
    wait_connected(troll)
    send(troll, "this room is a joke")
    report(pages.member(), said(troll, "this room is a joke"))
    detail = open_item(facil, "this room is a joke")
    action(detail, "Ban…").click()
    confirm(facil, "Ban EliTrollsHere", reason="repeated insults")
    expect(troll.locator("#room-stopped")).to_be_visible()
    expect(action(detail, "Unban…")).to_be_visible()
    expect(action(detail, "Ban…")).to_be_hidden()
    expect(detail.locator("#detail-member")).to_contain_text("banned now")
    action(detail, "Unban…").click()
    confirm(facil, "Unban EliTrollsHere", reason="spoke with them")
    expect(detail.locator("#detail-status")).to_have_text("EliTrollsHere's ban is lifted.")
    expect(action(detail, "Ban…")).to_be_visible()
    assert serious_axe_violations(facil) == []
    troll.reload()
    wait_connected(troll)
    send(troll, "I'm sorry about earlier")
    expect(message(troll, "I'm sorry about earlier")).to_have_count(1)
