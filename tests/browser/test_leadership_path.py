"""From member to peer supporter, in the browser at phone size: a member who meets
the bar applies, takes the course, shadows (the hours faked), is approved by a
facilitator on the dashboard, sets a password from the inbox link, signs in at
/facilitators/login/, takes a drop-in chat, steps away, and is offered a debrief
after a chat with a crisis card. Every page is axe clean; with
``UPDATE_SCREENSHOTS=1`` the leadership pages go to docs/screenshots/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from leadership import course
from tests.browser.helpers import (
    PHONE,
    room_of_its_own,
    send,
    serious_axe_violations,
    wait_connected,
)
from tests.browser.staff import LiveStaff
from tests.browser.test_screenshots import out, shoot  # noqa: F401 (out is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.live]

HANDLE = "WillingWren"
PASSWORD = "gentle-river-morning-7731"
CRISIS = "I want to kill myself tonight"


def seasoned(server, handle: str) -> None:
    """The member joined 60 days ago and wrote on 12 different days (in a room of
    this test's own, so other tests' rooms keep their messages)."""
    room_of_its_own(server, "wrens-corner")
    server.database.manage(
        "shell",
        "-c",
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from community.models import Member\n"
        "from rooms.models import Message, Room\n"
        f"m = Member.objects.get(handle={handle!r})\n"
        "now = timezone.now()\n"
        "Member.objects.filter(pk=m.pk).update(created_at=now - timedelta(days=60))\n"
        "room = Room.objects.get(slug='wrens-corner')\n"
        "for day in range(12):\n"
        "    msg = Message.objects.create(room=room, author=m, body='hi', html='hi')\n"
        "    ago = now - timedelta(days=day, hours=1)\n"
        "    Message.objects.filter(pk=msg.pk).update(sent_at=ago)\n",
    )


def fake_shadow_hours(server, handle: str) -> None:
    server.database.manage(
        "shell",
        "-c",
        "from django.conf import settings\n"
        "from leadership.models import Application\n"
        f"Application.objects.filter(member__handle={handle!r}).update("
        "shadow_seconds=int(settings.LEADERSHIP_SHADOW_HOURS * 3600))\n",
    )


def axe_clean(page) -> None:
    assert serious_axe_violations(page) == [], page.url


def apply_and_learn(pages, out, member) -> None:  # noqa: F811
    page = pages.open("/me/", member=member, viewport=PHONE)
    page.get_by_role("link", name="Become a peer supporter").click()
    expect(page).to_have_url(re.compile(r"/leadership/$"))
    axe_clean(page)
    shoot(out, page, "leadership-apply", "phone")
    page.get_by_label("Why would you like to help? (optional)").fill(
        "People here stayed with me on the worst nights."
    )
    page.get_by_role("button", name="Apply to be a peer supporter").click()
    expect(page.locator("#application-status")).to_have_text("Step 1 of 3: the course.")
    for number, module in enumerate(course.MODULES):
        page.goto(f"/leadership/course/{module.slug}/")
        for question in module.questions:
            page.locator(f"#{question.key}-{question.answer}").check()
        page.get_by_role("button", name="Check my answers").click()
        expect(page.locator("#module-result")).to_contain_text("Well done")
        if number == 3:  # safe messaging, with its explanations shown
            axe_clean(page)
            shoot(out, page, "leadership-course", "phone")
    page.goto("/leadership/")
    expect(page.locator("#application-status")).to_have_text(
        "Step 2 of 3: shadowing the drop-in line."
    )
    page.get_by_role("link", name="Open the shadowing page").click()
    expect(page.locator("#shadow-time")).to_contain_text("Shadowed so far: 0 of")
    expect(page.locator("#needs-reply")).to_contain_text("crisis alerts waiting")
    axe_clean(page)
    shoot(out, page, "leadership-shadow", "phone")
    fake_shadow_hours(pages.server, HANDLE)
    page.reload()
    expect(page.locator("#shadow-time")).to_have_text(
        "Shadowing complete: a facilitator will review your application."
    )


def facilitator_approves(pages, out) -> None:  # noqa: F811
    facil = pages.open("/facilitators/", member=LiveStaff(pages.server, "FacilMentor"))
    facil.get_by_role("link", name="Peer supporter applications").click()
    row = facil.locator(".application-list li").filter(has_text=HANDLE)
    expect(row).to_contain_text("ready for review")
    row.get_by_role("link", name=HANDLE).click()
    expect(facil.locator("#review-course")).to_have_text("Course: complete.")
    expect(facil.locator("#review-record")).to_have_text("Nothing recorded about them.")
    expect(facil.locator(".motivation")).to_contain_text("stayed with me")
    axe_clean(facil)
    shoot(out, facil, "leadership-review", "desktop")
    facil.get_by_label("Approve, on probation with a mentor").check()
    facil.get_by_role("button", name="Send decision").click()
    expect(facil).to_have_url(re.compile(r"/facilitators/applications/$"))
    expect(facil.locator(".application-list li").filter(has_text=HANDLE)).to_have_count(0)


def set_password_and_sign_in(pages, out, member):  # noqa: F811
    page = pages.open("/chats/", member=member, viewport=PHONE)
    item = page.locator("#inbox-list li").filter(has_text="Welcome, peer supporter!")
    expect(item).to_contain_text("FacilMentor will be your mentor")
    item.get_by_role("link", name="Open").click()
    expect(page).to_have_url(re.compile(r"/leadership/password/[\w-]+/$"))
    page.get_by_label("New password").fill("password")
    page.get_by_label("The same password again").fill("password")
    page.get_by_role("button", name="Set password").click()
    expect(page.locator("#password-error")).to_contain_text("too common")
    axe_clean(page)
    page.get_by_label("New password").fill(PASSWORD)
    page.get_by_label("The same password again").fill(PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page).to_have_url(re.compile(r"/facilitators/login/"))
    expect(page.get_by_role("status")).to_contain_text("Your password is set.")
    page.get_by_label("Handle").fill(HANDLE)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Drop-in line")
    return page


def test_a_member_becomes_a_peer_supporter_and_is_cared_for(pages, out):  # noqa: F811
    member = pages.member(HANDLE)
    seasoned(pages.server, HANDLE)
    apply_and_learn(pages, out, member)
    facilitator_approves(pages, out)
    supporter = set_password_and_sign_in(pages, out, member)

    # On the supporter page: a shift, and who else is helping.
    supporter.goto("/leadership/")
    supporter.get_by_role("button", name="Start a shift").click()
    expect(supporter.locator("#shift-others")).to_contain_text("other supporter")
    expect(supporter.get_by_text("Your mentor is FacilMentor.")).to_be_visible()
    axe_clean(supporter)
    shoot(out, supporter, "leadership-supporter", "phone")

    # A member asks to talk; the new supporter takes the chat.
    seeker = pages.member("NeedsANightTalk")
    asked = seeker.client.post(
        "/api/dropin/", json={}, headers={"X-CSRFToken": seeker.client.cookies["csrftoken"]}
    )
    request_id = asked.json()["request"]
    supporter.goto("/facilitators/")
    offer = supporter.locator(f"#dropin-list li[data-request='{request_id}']")
    with supporter.context.expect_page() as opened:
        offer.get_by_role("button", name="Take this chat").click()
    chat = opened.value
    expect(chat).to_have_url(re.compile(r"/chats/\d+/$"))
    wait_connected(chat)

    seeker_page = pages.open(chat.url, member=seeker, viewport=PHONE)
    wait_connected(seeker_page)
    send(seeker_page, CRISIS)
    expect(seeker_page.locator("#crisis-dialog")).to_be_visible()
    expect(chat.locator("#message-list li[data-id]").filter(has_text="kill myself")).to_have_count(
        1
    )

    # Stepping away hands the member back with a note, then offers a debrief.
    chat.get_by_role("link", name="Step away").click()
    expect(chat).to_have_url(re.compile(r"/leadership/chats/\d+/step-away/$"))
    axe_clean(chat)
    shoot(out, chat, "leadership-step-away", "phone")
    chat.get_by_label("A note for whoever takes over (optional)").fill(
        "Crisis card shown; they said they'd call the line. Cravings too."
    )
    chat.get_by_role("button", name="Step away and hand over").click()
    expect(chat).to_have_url(re.compile(r"/leadership/debrief/\d+/$"))
    expect(chat.locator("#debrief-prompt")).to_contain_text("That chat had a crisis hand-off.")
    axe_clean(chat)
    shoot(out, chat, "leadership-debrief", "phone")
    chat.get_by_label("Shaken").check()
    chat.get_by_label("I'd like my mentor to get in touch").check()
    chat.get_by_role("button", name="Save my debrief").click()
    expect(chat.locator("#debrief-saved")).to_contain_text(
        "FacilMentor has been asked to get in touch."
    )

    # The member is back in line, at the front.
    status = seeker.client.get("/api/dropin/").json()
    assert status["status"] == "waiting" and status["place"] == 1
    # Leave the shared line and the shift as other tests expect to find them.
    seeker.client.delete(
        "/api/dropin/", headers={"X-CSRFToken": seeker.client.cookies["csrftoken"]}
    )
    supporter.goto("/leadership/")
    supporter.get_by_role("button", name="End my shift").click()
    expect(supporter.get_by_role("button", name="Start a shift")).to_be_visible()
