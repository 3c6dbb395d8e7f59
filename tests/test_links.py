"""Look-alike domains are never linked; links without a scheme still count as
links for the new-handle flag."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from moderation.contacts import fold
from moderation.flags import _LINK, has_link, young_handle_posting_link
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


# has_link looks for a piece of every alternative first (moderation.flags.
# _LINK_PIECE); that first look must never hide a link the full pattern finds.
_LINK_PARTS = [
    *"./:-_ \t\n",
    "  ",
    ". ",
    " . ",
    "://",
    "http",
    "https",
    "www",
    "WWW",
    "Www.",
    *[
        "bit",
        "ly",
        "com",
        "COM",
        "org",
        "io",
        "me",
        "co",
        "to",
        "in",
        "be",
        "tv",
        "dot",
        "example",
        "tinyurl",
        "na",
        "988lifeline",
    ],
    *["I", "feel", "better", "today", "step", "4", "e.g.", "3.5", "hours", "x/y", "?a=b"],
]


@hypothesis_settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_LINK_PARTS), max_size=30).map("".join))
def test_the_first_look_never_hides_a_link(text):
    assert has_link(text) == bool(_LINK.search(fold(text)))
