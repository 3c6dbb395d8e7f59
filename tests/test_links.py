"""Look-alike domains are never linked; links without a scheme still count as
links for the new-handle flag."""

from __future__ import annotations

import pytest

from moderation.flags import young_handle_posting_link
from moderation.models import ItemKind, QueueItem
from rooms import services as room_services
from rooms.sanitize import render_body


@pytest.mark.parametrize(
    "text",
    [
        "https://\u0430pple.com/login",  # Cyrillic а
        "https://apple.c\u043em/login",  # Cyrillic о in the top-level domain
        "https://paypa\u04cf.com",  # Cyrillic palochka
        "https://\u0261oogle.com",  # Latin script g
        "http://ex\u0430mple.org/a?b=c",
        "https://xn--pple-43d.com/",  # the punycode of the first
        "https://login.xn--80ak6aa92e.com/",
        "see https://www.\u0440\u0430ypal.com now",
    ],
)
def test_look_alike_domains_are_not_linked(text):
    html = render_body(text)
    assert "<a" not in html, html


@pytest.mark.parametrize(
    "text",
    [
        "https://example.org/a",
        "http://localhost:8000/x",
        "https://988lifeline.org",
        "see https://na.org.",
    ],
)
def test_plain_ascii_links_still_are(text):
    assert "<a href=" in render_body(text)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        "bit.ly/3xYz",
        "go to www.example.org",
        "cheap-pills.shop/deal",
        "tinyurl.com/abc",
        "bit\uff0ely/3xYz",  # full-width dot
        "bit.\u00adly/x",  # soft hyphen
        "https://example.org",
    ],
)
def test_a_young_handles_link_is_flagged_with_or_without_a_scheme(
    make_member, room, body, settings
):
    settings.LINK_MIN_HANDLE_AGE_MINUTES = 60
    member = make_member("FreshFern")
    room_services.message_send(member_id=member.pk, room_slug=room.slug, body=body)
    assert QueueItem.objects.filter(kind=ItemKind.NEW_LINK).exists(), body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        "I feel better today.",
        "Step 4 is hard. So is step 5.",
        "e.g. sleep, food, water",
        "3.5 hours",
    ],
)
def test_ordinary_sentences_are_not_links(make_member, body):
    assert not young_handle_posting_link(member=make_member("FreshFern"), text=body)
