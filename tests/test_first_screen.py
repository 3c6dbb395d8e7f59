"""A room page's first screen in its own HTML (issue 30): the newest messages by the
welcome's rules, member text only through the sanitiser, and the one inline stylesheet
allowed by its hash."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from django.test import Client
from django.utils.safestring import SafeString

from rooms.models import Block, Message
from rooms.sanitize import page_html, render_body
from rooms.store import message_insert
from tests.xss_corpus import XSS_PAYLOADS

pytestmark = pytest.mark.django_db

ITEM = re.compile(
    r'<li class="msg( msg-own)?(?: msg-[a-z]+)*" data-id="(\d+)" data-author="([^"]+)"[ >]'
)


def store(room, author, text, held=False) -> Message:
    return message_insert(
        room=room, author=author, body=text, html=render_body(text), nonce="", held=held
    )


def shown(client: Client, slug: str = "newcomers") -> list[tuple[str, bool]]:
    html = client.get(f"/rooms/{slug}/").content.decode()
    return [(author, bool(own)) for own, _, author in ITEM.findall(html)]


def test_whatever_render_body_writes_goes_into_a_page_unchanged():
    for payload in [
        *(payload for _, payload in XSS_PAYLOADS),
        "see https://example.org/a?b=<c>&d='e'\nnext line",
    ]:
        rendered = render_body(payload)
        assert page_html(rendered) == rendered
        assert isinstance(page_html(rendered), SafeString)


@pytest.mark.parametrize(
    "stored",
    [
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)" rel="nofollow noopener noreferrer ugc" target="_blank">'
        "x</a>",
        '<a href="https://example.org" onclick="x()">x</a>',
        '<a href="https://example.org" rel="nofollow noopener noreferrer ugc" target="_blank">'
        "<script>x()</script></a>",
        "plain > text",
    ],
)
def test_anything_else_in_a_stored_body_is_shown_as_text(stored):
    out = page_html(stored)
    assert "<" not in out.replace("&lt;", "") and ">" not in out.replace("&gt;", "")


def test_the_page_shows_the_newest_messages_by_the_welcomes_rules(
    room, member, member_client, make_member, settings
):
    settings.HISTORY_IN_PAGE = 3
    other, blocked = make_member("KindHeron"), make_member("LoudJay")
    Block.objects.create(blocker=member, blocked=blocked)
    store(room, other, "oldest, beyond the first screen")
    store(room, member, "mine, held for a facilitator", held=True)
    store(room, other, "theirs, held", held=True)
    store(room, blocked, "from someone I block")
    store(room, other, "<b>not bold</b>")
    store(room, member, "mine")
    page = member_client.get("/rooms/newcomers/").content.decode()
    assert shown(member_client) == [
        ("QuietOtter", True),
        ("KindHeron", False),
        ("QuietOtter", True),
    ]
    assert "&lt;b&gt;not bold&lt;/b&gt;" in page and "<b>" not in page
    assert "oldest" not in page and "theirs, held" not in page and "LoudJay" not in page
    # My held message is marked as waiting, as the client marks it (ui/messages.js).
    assert page.count("Waiting for a quick look from a facilitator") == 1
    # <time> carries milliseconds at most; its words are the reader's own (the client's).
    assert re.search(r'<time class="msg-time" datetime="[^"]+\.\d{3}Z"></time>', page)

    settings.HISTORY_IN_PAGE = 0
    assert shown(member_client) == []


def test_a_banned_member_gets_the_page_without_history(room, member, member_client, make_member):
    store(room, make_member("KindHeron"), "hello")
    assert shown(member_client)
    member.is_banned = True
    member.save(update_fields=["is_banned"])
    assert shown(member_client) == []


def test_the_one_inline_stylesheet_is_allowed_by_its_hash_and_nothing_else(client):
    response = client.get("/resources/")
    style = re.search(r"<style>(.*?)</style>", response.content.decode(), re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    policy = response.headers["Content-Security-Policy"]
    assert re.search(rf"style-src 'self' 'sha256-{re.escape(digest)}';", policy)
    assert "unsafe-inline" not in policy and "script-src 'self';" in policy


def test_a_room_inlines_its_own_cut_of_the_stylesheet_allowed_by_its_hash(
    room, member_client, client
):
    def inline(response) -> tuple[str, str]:
        style = re.search(r"<style>(.*?)</style>", response.content.decode(), re.S).group(1)
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        return style, digest

    room_page = member_client.get(f"/rooms/{room.slug}/")
    style, digest = inline(room_page)
    # The room's own rules, without the blocks marked for other pages (the dashboard's).
    assert ".message-list" in style and ".page-room" in style
    assert ".dash-header" not in style and ".queue-list" not in style
    assert "/*" not in style, "comments stay in the source file"
    assert f"style-src 'self' 'sha256-{digest}';" in room_page.headers["Content-Security-Policy"]

    other_style, other_digest = inline(client.get("/resources/"))
    assert ".dash-header" in other_style and ".message-list" in other_style
    assert other_digest != digest
    policy = client.get("/resources/").headers["Content-Security-Policy"]
    assert digest not in policy, "a page's policy allows its own stylesheet only"
