"""The crisis card's follow-up in both states, "check on me later" from the card,
and the member's own safety plan shown first on the card; at phone size, axe clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from crisis import card_for
from tests.browser.helpers import PHONE, SocketTap, serious_axe_violations, wait_connected

pytestmark = [pytest.mark.browser, pytest.mark.live]


def room_with_tap(pages, handle: str, path: str = "/rooms/newcomers/"):
    page = pages.open(goto=False, member=pages.member(handle), viewport=PHONE)
    tap = SocketTap(page)
    page.goto(path)
    wait_connected(page)
    return page, tap


def body_order(page) -> list[str]:
    return page.eval_on_selector("#crisis-body", "b => [...b.children].map((c) => c.id)")


def test_card_with_nobody_available_says_so_and_leads_with_the_lines(pages):
    page, tap = room_with_tap(pages, "LateNightLark")
    tap.send_to_page(card_for("suicide", "GB", followup="later"))
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#crisis-followup")).to_contain_text(
        "No one from the Kindred community is available right now"
    )
    expect(dialog).not_to_contain_text("has been told")
    assert body_order(page) == ["crisis-followup", "crisis-resources", "crisis-message"]
    expect(dialog.locator('a[href="tel:116123"]')).to_be_visible()
    expect(page.locator("#crisis-country")).to_have_attribute(
        "href", "/resources/?country=GB#country-heading"
    )
    assert serious_axe_violations(page, "#crisis-dialog") == []


def test_card_with_someone_alerted_says_a_facilitator_was_told(pages):
    page, tap = room_with_tap(pages, "DayShiftDove")
    tap.send_to_page(card_for("suicide", "US", followup="alerted"))
    expect(page.locator("#crisis-followup")).to_contain_text("has been told and will check in")
    assert body_order(page) == ["crisis-message", "crisis-followup", "crisis-resources"]
    assert serious_axe_violations(page, "#crisis-dialog") == []


def test_check_on_me_later_from_the_card(pages):
    page, tap = room_with_tap(pages, "AskLaterAsh")
    tap.send_to_page(card_for("self_harm", "US", followup="later"))
    dialog = page.get_by_role("dialog")
    group = dialog.get_by_role("group", name="Check on me later")
    expect(group).to_be_visible()
    group.get_by_role("button", name="In 1 hour").click()
    expect(group.get_by_role("status")).to_contain_text("Asked for ")
    expect(group.get_by_role("status")).to_contain_text("wait in your inbox")
    box = group.get_by_role("button", name="In 1 hour").bounding_box()
    assert box["height"] >= 44
    assert serious_axe_violations(page, "#crisis-dialog") == []


def test_the_safety_plan_stays_on_the_device_and_shows_first_on_the_card(pages):
    member = pages.member("PlanAheadPine")
    page = pages.open("/safety-plan/", member=member, viewport=PHONE)
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.get_by_label("My warning signs").fill("Not sleeping, skipping meetings")
    page.get_by_label("My reasons to stay").fill("My sister and my dog")
    page.get_by_role("button", name="Save on this device").click()
    expect(page.get_by_role("status")).to_contain_text("Saved on this device")
    assert posts == []  # nothing left the browser
    assert serious_axe_violations(page) == []

    tap = SocketTap(page)
    page.goto("/rooms/newcomers/")
    wait_connected(page)
    tap.send_to_page(card_for("suicide", "US", followup="later"))
    plan = page.get_by_role("region", name="Your safety plan")
    expect(plan).to_be_visible()
    expect(plan).to_contain_text("My sister and my dog")
    first = page.eval_on_selector(
        "#crisis-dialog",
        "d => [...d.children].find((c) => !c.hidden && c.id !== 'crisis-title').id",
    )
    assert first == "crisis-plan"
    assert serious_axe_violations(page, "#crisis-dialog") == []


def test_the_dashboard_shows_one_row_per_person_most_urgent_first_with_the_wait(pages):
    from tests.browser.helpers import send
    from tests.browser.staff import LiveStaff, wait_dashboard

    staff = LiveStaff(pages.server, "FacilCrisis")
    facil = pages.open("/facilitators/", member=staff)
    wait_dashboard(facil)
    writer = pages.open("/rooms/mental-health/", member=pages.member("TwoMessagesTess"))
    other = pages.open("/rooms/mental-health/", member=pages.member("OverdoseOlly"))
    wait_connected(writer)
    wait_connected(other)
    send(writer, "I want to die")
    expect(writer.locator("#crisis-dialog")).to_be_visible()
    writer.locator("#crisis-dialog").get_by_role("button", name="Close").click()
    send(writer, "I want to end my life")
    send(other, "I took too many pills and I feel really strange")

    rows = facil.locator("#queue-list li")
    tess = rows.filter(has_text="TwoMessagesTess")
    expect(tess).to_have_count(1)
    expect(tess).to_contain_text("1 more message from them")
    expect(tess).to_contain_text("Waiting less than a minute")
    expect(rows.first).to_contain_text("OverdoseOlly")
    assert serious_axe_violations(facil, "#queue-list") == []
    # Leave the shared queue as it was for the other dashboard tests.
    pages.server.database.manage(
        "shell",
        "-c",
        "from moderation.models import QueueItem\n"
        "QueueItem.objects.filter(subject__handle__in=['TwoMessagesTess', 'OverdoseOlly'])"
        ".update(state='dismissed')\n",
    )


def test_check_on_me_later_when_the_drop_in_line_times_out(pages):
    page, tap = room_with_tap(pages, "WaitedTooLongWren")
    tap.send_to_page(
        {
            "type": "dropin.timeout",
            "request": 7,
            "message": "We're sorry: nobody has been free to take your chat yet.",
            "room": "late-night",
            "resources": card_for("suicide", "US")["resources"],
        }
    )
    group = page.get_by_role("group", name="Check on me later")
    expect(group).to_be_visible()
    group.get_by_role("button", name="Tomorrow at 9 a.m.").click()
    expect(group.get_by_role("status")).to_contain_text("Asked for ")
    assert serious_axe_violations(page, "#notices") == []
