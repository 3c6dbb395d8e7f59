"""The dashboard says which crisis detector stage flagged an item and why, and its
facilitator can tell the detector "not a crisis" or "a crisis we missed"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import send, serious_axe_violations, wait_connected
from tests.browser.staff import LiveStaff, wait_dashboard
from tests.test_crisis_feedback import stage2_only

pytestmark = [pytest.mark.browser, pytest.mark.live]

#: Messages the detector lets through (the first that still does is used).
UNFLAGGED = ("so tired of all of it honestly", "i dont see the point of anything lately")


def unflagged() -> str:
    from crisis import detect

    for text in UNFLAGGED:
        if not detect(text).flagged:
            return text
    pytest.fail("The detector now flags every UNFLAGGED message: add one it lets through.")


def test_the_detail_shows_the_model_verdict_and_not_a_crisis_closes_it(pages):
    text, before_text = stage2_only(), unflagged()
    staff = LiveStaff(pages.server, "FacilCrisis")
    facil = pages.open("/facilitators/", member=staff)
    wait_dashboard(facil)
    # Not late-night: the screenshots count the messages there.
    member = pages.open("/rooms/mental-health/", member=pages.member("IvyUpLate"))
    wait_connected(member)
    send(member, before_text)
    send(member, text)
    expect(member.locator("#crisis-dialog")).to_be_visible()

    entry = facil.locator("#queue-list li").filter(has_text="IvyUpLate").filter(has_text=text)
    expect(entry).to_have_count(1)
    entry.get_by_role("button").first.click()
    detail = facil.locator("#item-detail")
    expect(detail.locator("#detail-heading")).to_have_text("Crisis: thoughts of suicide")
    why = detail.locator("#detail-detection")
    expect(why).to_be_visible()
    expect(why).to_contain_text("Flagged by the model")
    expect(why).to_have_text(re.compile(r"Model score \d\.\d\d"))
    before = detail.locator(".ctx-msg").filter(has_text=before_text)
    expect(before).to_have_count(1)
    assert serious_axe_violations(facil) == []

    # The message before it, which the detector let through, was a crisis in the
    # facilitator's judgement.
    before.get_by_role(
        "button", name="Mark the message from IvyUpLate as a crisis the detector missed"
    ).click()
    missed = facil.get_by_role("dialog", name="A crisis the detector missed")
    expect(missed).to_be_visible()
    missed.get_by_label("What kind of crisis").select_option(label="Self-harm")
    assert serious_axe_violations(facil, "#missed-dialog") == []
    missed.get_by_role("button", name="Mark as missed crisis").click()
    expect(missed).to_be_hidden()
    expect(detail.locator("#detail-status")).to_contain_text("Noted as a missed crisis (self-harm)")

    # And the flagged one was not: one button, a confirmation, and it leaves the queue.
    detail.get_by_role("button", name="Not a crisis").click()
    confirm = facil.get_by_role("dialog", name="Not a crisis?")
    expect(confirm).to_contain_text("without anyone's handle")
    confirm.get_by_role("button", name="Not a crisis").click()
    expect(confirm).to_be_hidden()
    expect(detail.locator("#detail-status")).to_contain_text("Marked as not a crisis")
    expect(entry).to_have_count(0)
    expect(detail.locator("#detail-flags")).to_contain_text("not a crisis")

    facil.get_by_role("tab", name=re.compile("Audit log")).click()
    audit = facil.locator("#audit-list")
    expect(audit).to_contain_text("FacilCrisis marked item")
    expect(audit).to_contain_text("as not a crisis")
    expect(audit).to_contain_text("as a missed crisis (self-harm)")
