"""The facilitators' dashboard, live: reports arrive in the queue, removals reach members,
crisis alerts lead to a chat with the member."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import send, serious_axe_violations, wait_connected
from tests.browser.staff import LiveStaff, ensure_staff, sign_in_in_browser, wait_dashboard

pytestmark = [pytest.mark.browser, pytest.mark.live]


def message(page, text: str):
    return page.locator("#message-list li[data-id]").filter(has_text=text)


def queue_item(page, text: str):
    return page.locator("#queue-list li").filter(has_text=text)


def test_a_report_reaches_the_queue_live_and_a_removal_reaches_every_member(pages):
    # The facilitator signs in through the form, and lands on the dashboard.
    ensure_staff(pages.server.database)
    facil = pages.open("/facilitators/")
    expect(facil).to_have_url(re.compile(r"/facilitators/login/\?next=/facilitators/$"))
    sign_in_in_browser(facil, "FacilRemoves")
    expect(facil).to_have_url(re.compile(r"/facilitators/$"))
    wait_dashboard(facil)

    author = pages.open("/rooms/mental-health/", member=pages.member("AnaWritesIt"))
    reporter = pages.open("/rooms/mental-health/", member=pages.member("BoReportsIt"))
    wait_connected(author)
    wait_connected(reporter)
    send(author, "before the trouble")
    send(author, "you are all pathetic, give up already")
    send(author, "after the trouble")
    for page in (author, reporter):
        expect(message(page, "after the trouble")).to_have_count(1)

    # A member reports it from the room...
    item = message(reporter, "you are all pathetic")
    item.get_by_role("button", name="Options for the message from AnaWritesIt").click()
    item.get_by_role("button", name="Report", exact=True).click()
    reporter.locator("#report-note").fill("Third time tonight <b>aimed at me</b>")
    reporter.locator("#report-dialog").get_by_role("button", name="Send report").click()
    expect(reporter.locator("#report-status")).to_have_text(
        "Thank you. A facilitator will look at it."
    )
    reporter.locator("#report-dialog").get_by_role("button", name="Close").click()

    # ...and it appears in the facilitator's queue, live.
    entry = queue_item(facil, "you are all pathetic")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("Report: harassment")
    expect(entry).to_contain_text("AnaWritesIt")
    expect(facil.locator("#dash-announcer")).to_contain_text("New in the queue: Report: harassment")

    # Selecting it shows the message and its context, the reported one marked.
    entry.get_by_role("button").click()
    detail = facil.locator("#item-detail")
    expect(detail).to_be_focused()
    expect(detail.locator("#detail-heading")).to_have_text("Report: harassment")
    expect(detail.locator("#detail-body")).to_have_text("you are all pathetic, give up already")
    # What the reporter wrote, as they wrote it (text, never markup), without their handle.
    notes = detail.locator("#detail-notes li")
    expect(notes).to_have_text(["harassment: Third time tonight <b>aimed at me</b>"])
    expect(detail.locator("#detail-notes b")).to_have_count(0)
    expect(detail.locator("#detail-notes-wrap")).not_to_contain_text("BoReportsIt")
    reported = detail.locator(".ctx-reported")
    expect(reported).to_have_count(1)
    expect(reported).to_contain_text("This item's message")
    expect(detail.locator(".ctx-msg").filter(has_text="before the trouble")).to_have_count(1)
    expect(detail.locator(".ctx-msg").filter(has_text="after the trouble")).to_have_count(1)
    assert serious_axe_violations(facil) == []

    # One click, a confirmation, and it is gone from every member's screen.
    detail.get_by_role("button", name="Remove message").click()
    dialog = facil.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Reason, for the audit log").fill("insults")
    dialog.get_by_role("button", name="Remove message").click()
    expect(dialog).to_be_hidden()
    for page in (author, reporter):
        expect(message(page, "you are all pathetic")).to_have_count(0)
        expect(message(page, "after the trouble")).to_have_count(1)
    expect(facil.locator("#detail-status")).to_have_text(
        "Message removed. The item stays open until you resolve it."
    )
    # The author is told privately; the item stays open until it is resolved.
    expect(author.locator("#private-notice")).to_contain_text("About your message")
    expect(queue_item(facil, "you are all pathetic")).to_have_count(1)
    detail.get_by_role("button", name="Resolve…").click()
    dialog.get_by_label("Reason, for the audit log").fill("removed the insults")
    dialog.get_by_role("button", name="Resolve").click()
    expect(queue_item(facil, "you are all pathetic")).to_have_count(0)
    expect(detail.locator("#detail-flags")).to_contain_text("This item has left the queue")
    # The reporter hears what became of their report.
    expect(reporter.locator("#private-notice")).to_contain_text("About your report")

    # The audit log has it.
    facil.get_by_role("tab", name=re.compile("Audit log")).click()
    expect(facil.locator("#audit-list")).to_contain_text(
        "FacilRemoves removed a message by AnaWritesIt"
    )
    expect(facil.locator("#audit-list")).to_contain_text("Reason: insults")


def test_a_crisis_alert_leads_to_a_chat_with_the_member(pages):
    staff = LiveStaff(pages.server, "FacilCrisis")
    facil = pages.open("/facilitators/", member=staff)
    wait_dashboard(facil)
    duty = facil.get_by_role("switch", name="On duty")
    if not duty.is_checked():
        duty.check()
    expect(facil.locator("#duty-state")).to_have_text("You're on duty.")

    member = pages.open("/rooms/mental-health/", member=pages.member("ZoeNeedsHelp"))
    wait_connected(member)
    send(member, "i want to kill myself tonight")
    expect(member.locator("#crisis-dialog")).to_be_visible()

    alert = facil.locator("#alert-list .crisis-alert").filter(has_text="ZoeNeedsHelp")
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text("Crisis: thoughts of suicide")
    expect(facil.locator("#alert-announcer")).to_contain_text("Crisis alert: ZoeNeedsHelp")
    # The queue has it, marked as a crisis in words, not only colour. (Not
    # necessarily on top: crisis items are ordered by urgency, and the shared
    # test database may hold more urgent ones from other tests.)
    mine = facil.locator("#queue-list li").filter(has_text="ZoeNeedsHelp")
    expect(mine.first).to_contain_text("Crisis: thoughts of suicide")

    with facil.context.expect_page() as opened:
        alert.get_by_role("button", name="Reach out to ZoeNeedsHelp").click()
    chat = opened.value
    expect(chat).to_have_url(re.compile(r"/chats/\d+/$"))
    wait_connected(chat)
    expect(alert).to_contain_text("You claimed it")

    # The member is told, calmly, with a link to the chat.
    member.keyboard.press("Escape")
    notice = member.locator("#notices .chat-notice")
    expect(notice).to_contain_text("FacilCrisis, a facilitator, would like to check in with you")
    notice.get_by_role("link", name="Open the chat").click()
    expect(member).to_have_url(chat.url)
    wait_connected(member)
    expect(member.locator("#chat-presence")).to_have_text("FacilCrisis is here now.")
    send(chat, "Hi Zoe, I'm here. How are you doing right now?")
    expect(message(member, "I'm here")).to_have_count(1)

    # Either of them can leave; the other is told who left.
    member.get_by_role("button", name="Leave chat").click()
    leave = member.get_by_role("dialog", name="Leave this chat?")
    leave.get_by_role("button", name="Leave chat").click()
    expect(member.locator("#room-stopped")).to_contain_text(
        "You left the chat. This chat has ended."
    )
    expect(member.locator("#room-stopped")).to_be_focused()
    expect(chat.locator("#room-stopped")).to_contain_text("ZoeNeedsHelp left the chat.")

    duty.uncheck()
    expect(facil.locator("#duty-state")).to_have_text("You're off duty.")


def test_warn_mute_and_room_controls_from_the_dashboard(pages):
    staff = LiveStaff(pages.server, "FacilAudits")
    facil = pages.open("/facilitators/", member=staff)
    wait_dashboard(facil)
    member = pages.open("/rooms/milestones/", member=pages.member("GusSharesDetails"))
    wait_connected(member)
    send(member, "email me any time at gus.recovery@example.com")
    send(member, "or call me on 555 201 7788")
    # Contact details are redacted in what the room, and the queue, shows.
    expect(queue_item(facil, "gus.recovery@example.com")).to_have_count(0)
    items = facil.locator("#queue-list li").filter(has_text="GusSharesDetails")
    expect(items).to_have_count(2)

    # Warn, from the first item: the member reads the words, privately.
    items.filter(has_text="email me").get_by_role("button").click()
    detail = facil.locator("#item-detail")
    expect(detail.locator("#detail-heading")).to_have_text("Contact details: email")
    detail.get_by_role("button", name="Warn…").click()
    warn = facil.get_by_role("dialog", name="Warn GusSharesDetails")
    warn.get_by_label("What they'll read").fill("Please keep contact details out of the rooms.")
    warn.get_by_role("button", name="Send warning").click()
    expect(warn).to_be_hidden()
    expect(member.locator("#private-notice")).to_contain_text("A message from the facilitators")
    expect(member.locator("#private-notice-text")).to_have_text(
        "Please keep contact details out of the rooms."
    )
    expect(items).to_have_count(2)  # a warning doesn't close the item

    # Mute, from the second: ten minutes, in this room only.
    items.filter(has_text="or call me").get_by_role("button").click()
    detail.get_by_role("button", name="Mute…").click()
    mute = facil.get_by_role("dialog", name="Mute GusSharesDetails")
    mute.get_by_label("For how long").select_option(label="10 minutes")
    expect(mute.get_by_label("In Milestones only")).to_be_checked()
    mute.get_by_role("button", name="Mute", exact=True).click()
    expect(detail.locator("#detail-status")).to_contain_text(
        "GusSharesDetails is muted in Milestones until"
    )
    send(member, "can anyone hear me")
    expect(member.locator("#composer-error")).to_contain_text("Muted in Milestones until")

    # Room controls, reached with the keyboard: lock (confirmed), unlock, slow mode.
    facil.get_by_role("tab", name=re.compile("Queue")).focus()
    facil.keyboard.press("ArrowRight")
    facil.keyboard.press("ArrowRight")
    rooms_tab = facil.get_by_role("tab", name="Rooms")
    expect(rooms_tab).to_be_focused()
    expect(rooms_tab).to_have_attribute("aria-selected", "true")
    row = facil.locator('[data-room="milestones"]')
    row.get_by_role("button", name="Lock Milestones").click()
    confirm = facil.get_by_role("dialog", name="Lock Milestones?")
    confirm.get_by_role("button", name="Lock room").click()
    expect(member.locator("#room-notice")).to_have_text(
        "This room is locked for now. You can still read along."
    )
    expect(member.locator("#message-input")).to_be_disabled()
    row.get_by_role("button", name="Unlock Milestones").click()
    expect(member.locator("#message-input")).to_be_enabled()
    row.get_by_label("Slow mode", exact=True).select_option(label="30 seconds")
    row.get_by_role("button", name="Set slow mode in Milestones").click()
    expect(member.locator("#room-notice")).to_have_text(
        "Slow mode is on: one message every 30 seconds."
    )
    expect(row.locator(".room-state")).to_have_text("Open · slow mode 30 s")
    row.get_by_label("Slow mode", exact=True).select_option(label="Off")
    row.get_by_role("button", name="Set slow mode in Milestones").click()
    expect(member.locator("#room-notice")).to_be_hidden()
