"""Fast checks of the server-rendered pages with Django's test client (no browser)."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from django.test import Client

from core.web import browser_country, safe_next
from crisis.lines import sms_href, tel_href
from kindred.styles import style_src_hashes

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style>", re.IGNORECASE | re.DOTALL)


def assert_no_inline_code(html: str, csp: str | None = None) -> None:
    """No inline script, handler or style attribute. The one inline stylesheet
    (kindred/styles.py) is allowed only by its hash in the policy's style-src."""
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html).group(0)
    assert not INLINE_HANDLER.search(html), INLINE_HANDLER.search(html).group(0)
    assert not INLINE_STYLE.search(html), INLINE_STYLE.search(html).group(0)
    blocks = STYLE_BLOCK.findall(html)
    assert len(blocks) <= 1, "one inline stylesheet at most"
    allowed = csp if csp is not None else " ".join(style_src_hashes())
    for css in blocks:
        digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed, "the stylesheet's hash is in style-src"


@pytest.mark.parametrize("path", ["/", "/join/", "/resources/", "/resources/?country=GB"])
def test_public_pages_render_without_inline_code(rooms, path):
    response = Client().get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert_no_inline_code(html, response.headers["Content-Security-Policy"])
    assert 'href="/resources/"' in html, "the crisis-lines link is on every page"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_home_lists_rooms_and_the_way_to_talk_now(rooms):
    html = Client().get("/").content.decode()
    assert 'href="/dropin/"' in html and "Talk to someone now" in html
    assert "not a crisis service" in html
    assert 'data-room-online="newcomers"' in html
    assert 'src="/static/kindred/home.js"' in html


def test_room_page_renders_for_a_member(rooms, member_client, member):
    response = member_client.get("/rooms/newcomers/")
    assert response.status_code == 200
    html = response.content.decode()
    assert_no_inline_code(html)
    assert 'data-socket-path="/ws/rooms/newcomers/"' in html
    assert f'data-me="{member.handle}"' in html
    assert "<h1" in html and "Newcomers" in html
    assert 'type="module" src="/static/kindred/room.js"' in html


def test_unknown_room_is_a_404_page(rooms, member_client):
    for client in (member_client, Client()):
        response = client.get("/rooms/no-such-room/")
        assert response.status_code == 404
        html = response.content.decode()
        assert "No such room" in html
        assert_no_inline_code(html)


def test_a_direct_chat_room_is_not_a_topic_page(rooms, member_client):
    from rooms.models import Room, RoomKind

    Room.objects.create(slug="direct-1-2", title="chat", kind=RoomKind.DIRECT)
    assert member_client.get("/rooms/direct-1-2/").status_code == 404


def test_visitors_are_sent_to_join_and_back(rooms):
    response = Client().get("/rooms/late-night/")
    assert response.status_code == 302
    assert response["Location"] == "/join/?next=%2Frooms%2Flate-night%2F"
    html = Client().get(response["Location"]).content.decode()
    assert 'data-next="/rooms/late-night/"' in html


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/rooms/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/rooms/x/\nSet-Cookie:x",
        "/api/session/logout/",
        "/join/",
        "rooms/newcomers/",
        "",
    ],
)
def test_join_refuses_open_redirects(rooms, next_url):
    html = Client().get("/join/", {"next": next_url}).content.decode()
    # The newcomers' room in their language (rooms.pages.start).
    assert 'data-next="/start/"' in html
    assert "evil.example" not in html
    assert safe_next(next_url) == "/start/"


def test_join_keeps_same_site_paths():
    assert safe_next("/rooms/alcohol/") == "/rooms/alcohol/"
    assert safe_next("/") == "/"
    assert safe_next("/resources/?country=GB") == "/resources/?country=GB"


def test_join_page_sets_the_csrf_cookie_and_shows_the_guidelines(rooms):
    response = Client().get("/join/")
    assert "csrftoken" in response.cookies
    html = response.content.decode()
    assert 'type="checkbox" id="accept" name="accept" required' in html
    assert "Recover my handle" in html
    assert_no_inline_code(html)


def test_join_preselects_the_browser_country_when_listed(rooms):
    html = Client().get("/join/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8").content.decode()
    assert '<option value="GB" selected>' in html
    html = Client().get("/join/", HTTP_ACCEPT_LANGUAGE="de-DE").content.decode()
    assert '<option value="DE" selected>' in html
    html = Client().get("/join/", HTTP_ACCEPT_LANGUAGE="sw-KE").content.decode()
    country_list = html.split('id="country"')[1].split("</select>")[0]
    assert " selected>" not in country_list


def heading_order(html: str) -> list[str]:
    return re.findall(r'<h2 id="([a-z]+)-heading"', html)


def test_resources_country_from_query_then_member_then_browser_then_us(rooms, make_member):
    client = Client()
    # ?country= wins.
    html = client.get("/resources/?country=GB", HTTP_ACCEPT_LANGUAGE="en-AU").content.decode()
    assert "Crisis lines in the United Kingdom" in html and "Samaritans" in html
    assert 'href="tel:999"' in html
    # An alias resolves.
    assert (
        "Crisis lines in the United Kingdom"
        in client.get("/resources/?country=uk").content.decode()
    )
    # Then the member's own country.
    member = make_member("IrishMember", country="IE")
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    html = client.get("/resources/", HTTP_ACCEPT_LANGUAGE="en-AU").content.decode()
    assert "Crisis lines in Ireland" in html and 'href="tel:112"' in html
    # Then the browser's region.
    html = Client().get("/resources/", HTTP_ACCEPT_LANGUAGE="en-AU,en;q=0.5").content.decode()
    assert "Crisis lines in Australia" in html and 'href="tel:000"' in html
    assert "guessed your country" in html
    # Else the United States.
    html = Client().get("/resources/").content.decode()
    assert "Crisis lines in the United States" in html
    assert 'href="tel:911"' in html and 'href="tel:988"' in html
    assert 'href="sms:741741?&amp;body=HOME"' in html


def test_resources_emergency_first_and_a_directory_for_everywhere_else(rooms):
    html = Client().get("/resources/?country=US").content.decode()
    assert heading_order(html)[:3] == ["emergency", "lines", "everywhere"]
    assert "findahelpline.com" in html
    # A country without its own lines gets the emergency advice and the directory.
    for asked in ("KE", "other", "zz"):
        html = Client().get(f"/resources/?country={asked}").content.decode()
        assert heading_order(html)[0] == "emergency"
        assert "Your local emergency number" in html and "112" in html
        assert 'href="https://findahelpline.com"' in html
        assert '<option value="other" selected>' in html
    # Nonsense is ignored, not echoed.
    html = Client().get("/resources/?country=<script>").content.decode()
    assert "Crisis lines in the United States" in html
    assert_no_inline_code(html)


def test_browser_country_reads_the_preferred_region():
    assert browser_country("en-GB,en;q=0.9") == "GB"
    assert browser_country("en;q=0.9, fr-CA;q=0.8") == "CA"
    assert browser_country("de;q=0.5, en-IE") == "IE"
    assert browser_country("zh-Hant-TW") == "TW"
    assert browser_country("en") is None
    assert browser_country("") is None


def test_call_and_text_links():
    assert tel_href("1-800-662-4357") == "tel:18006624357"
    assert tel_href("116 123") == "tel:116123"
    assert sms_href("HOME to 741741") == "sms:741741?&body=HOME"
    assert sms_href("988") == "sms:988"


def test_presence_api_shape(rooms):
    data = Client().get("/api/presence/").json()
    assert set(data) == {"online", "facilitators_on_duty", "rooms"}


# --- chats, the drop-in line and the facilitators' dashboard ------------------------------


def logged_in(member) -> Client:
    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    return client


def make_chat(requester, recipient, *, status="open", origin="request"):
    from rooms.chats import open_chat

    return open_chat(requester=requester, recipient=recipient, origin=origin, status=status)


def test_chats_page_for_members_and_join_for_visitors(rooms, member_client):
    response = Client().get("/chats/")
    assert response.status_code == 302
    assert response["Location"] == "/join/?next=%2Fchats%2F"
    response = member_client.get("/chats/")
    assert response.status_code == 200
    html = response.content.decode()
    assert_no_inline_code(html)
    assert 'src="/static/kindred/chats.js"' in html
    assert 'id="ask-form"' in html and 'for="ask-handle"' in html
    assert 'href="/resources/"' in html and 'href="/dropin/"' in html
    assert "csrftoken" in response.cookies


def test_chat_page_only_for_its_two_participants(rooms, member, make_member):
    other = make_member("NightOwl")
    outsider = make_member("Stranger")
    chat = make_chat(member, other)
    html = logged_in(member).get(f"/chats/{chat.pk}/").content.decode()
    assert_no_inline_code(html)
    assert f'data-socket-path="/ws/chats/{chat.pk}/"' in html
    assert 'data-kind="chat"' in html and 'data-with="NightOwl"' in html
    assert "Chat with NightOwl" in html and "Leave chat" in html and "Block this person" in html
    assert 'type="module" src="/static/kindred/chat.js"' in html
    assert logged_in(other).get(f"/chats/{chat.pk}/").status_code == 200

    # Someone else's chat and a chat that doesn't exist look exactly the same.
    theirs = logged_in(outsider).get(f"/chats/{chat.pk}/")
    missing = logged_in(outsider).get(f"/chats/{chat.pk + 1000}/")
    huge = logged_in(outsider).get("/chats/99999999999999999999999/")
    assert theirs.status_code == missing.status_code == huge.status_code == 404
    assert theirs.content == missing.content == huge.content
    assert b"NightOwl" not in theirs.content and b"QuietOtter" not in theirs.content
    assert_no_inline_code(theirs.content.decode())

    # Visitors join first (whatever the id).
    response = Client().get(f"/chats/{chat.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/join/?next=%2Fchats%2F{chat.pk}%2F"


def test_an_ended_chat_says_so_without_a_socket(rooms, member, make_member):
    chat = make_chat(member, make_member("LeftAlready"), status="closed")
    html = logged_in(member).get(f"/chats/{chat.pk}/").content.decode()
    assert "This chat has ended." in html and 'href="/chats/"' in html
    assert "chat.js" not in html and "data-socket-path" in html
    assert 'id="composer"' not in html
    waiting = make_chat(member, make_member("NotYetAnswered"), status="requested")
    html = logged_in(member).get(f"/chats/{waiting.pk}/").content.decode()
    assert "hasn't started yet" in html and "chat.js" not in html


def test_dropin_page(rooms, member, member_client):
    response = Client().get("/dropin/")
    assert response.status_code == 302
    assert response["Location"] == "/join/?next=%2Fdropin%2F"
    html = Client().get(response["Location"]).content.decode()
    assert 'data-next="/dropin/"' in html

    response = member_client.get("/dropin/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert response.status_code == 200
    html = response.content.decode()
    assert_no_inline_code(html)
    assert 'data-state="start"' in html and "Talk to someone now" in html
    assert 'src="/static/kindred/dropin.js"' in html
    assert "not a crisis service" in html
    # The crisis lines are always on this page, emergency services first.
    assert html.index('href="tel:911"') < html.index('href="tel:988"')
    assert 'class="resource resource-emergency"' in html
    assert 'href="/rooms/late-night/"' in html


def test_dropin_page_picks_up_a_wait_in_progress(rooms, member, member_client, make_member):
    from rooms.dropin import dropin_accept, dropin_join

    dropin_join(member_id=member.pk)
    html = member_client.get("/dropin/").content.decode()
    assert 'data-state="waiting"' in html
    helper = make_member("SteadyHelper", role="facilitator")
    matched = dropin_accept(
        member_id=helper.pk, request_id=dropin_join(member_id=member.pk)["request"]
    )
    html = member_client.get("/dropin/").content.decode()
    assert 'data-state="matched"' in html
    assert f'href="/chats/{matched["chat"]}/"' in html and "SteadyHelper took your request" in html


def test_dashboard_for_facilitators_supporters_members_and_visitors(rooms, member, make_member):
    response = Client().get("/facilitators/")
    assert response.status_code == 302
    assert response["Location"] == "/facilitators/login/?next=/facilitators/"

    response = logged_in(member).get("/facilitators/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "For facilitators only" in html and 'href="/resources/"' in html
    assert_no_inline_code(html)
    assert "dashboard.js" not in html

    facilitator = make_member("SteadyFacil", role="facilitator")
    response = logged_in(facilitator).get("/facilitators/")
    assert response.status_code == 200
    html = response.content.decode()
    assert_no_inline_code(html)
    assert 'data-moderator="1"' in html and 'role="switch"' in html
    assert 'id="tab-queue"' in html and 'id="tab-audit"' in html and 'id="panel-dropin"' in html
    assert 'data-room="late-night"' in html
    assert 'type="module" src="/static/kindred/dashboard.js"' in html

    supporter = make_member("KindSupporter", role="supporter")
    response = logged_in(supporter).get("/facilitators/")
    assert response.status_code == 200
    html = response.content.decode()
    assert_no_inline_code(html)
    assert 'data-moderator="0"' in html and 'id="panel-dropin"' in html
    assert 'id="tab-queue"' not in html and 'id="queue-list"' not in html
    # context.js imports the moderation client for both (a supporter's stays idle),
    # so both pages preload it: the preloads are exactly what the browser will fetch.
    assert 'data-room="' not in html
