"""Automatic flags raised inside the message path.

Contact details (phone numbers, email addresses, social handles) are redacted in
what the room sees, to protect anonymity, and flagged; blocked words, links from
very new handles and members who keep hitting the rate limit are flagged for a
facilitator to look at. Crisis helpline numbers are never treated as contact
details: sharing 988 or SAMHSA's number is exactly what should happen.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from moderation.contacts import REDACTED, find_and_redact, fold

__all__ = ["REDACTED", "has_link", "redact_contact_details", "young_handle_posting_link"]

# A link with or without its scheme ("bit.ly/x", "www.example.org", a domain
# ending in a common top-level domain), found in the folded text so full-width
# dots and invisible characters don't hide it.
_LINK_TLDS = (
    r"(?:com|net|org|ly|io|co|me|gg|app|xyz|info|link|to|tk|ru|uk|de|fr|us|ca|au|in|"
    r"site|online|shop|club|live|tv|cc|be|bio|page|click|top|biz)\b"
)
_LINK = re.compile(
    rf"https?://|\bwww\.|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\s*\.\s*{_LINK_TLDS}(?:/\S*)?",
    re.IGNORECASE,
)
# A piece of every alternative of _LINK, for a first look: the full pattern
# tries every word of a message, this one starts only at "/", "w" and ".".
_LINK_PIECE = re.compile(rf"://|www\.|\.\s*{_LINK_TLDS}", re.IGNORECASE)


def _link_in(folded: str) -> bool:
    return _LINK_PIECE.search(folded) is not None and _LINK.search(folded) is not None


def redact_contact_details(text: str) -> tuple[str, list[str]]:
    """The text to store, with contact details replaced, and which kinds were found
    (moderation.contacts)."""
    return find_and_redact(text)


def has_link(text: str) -> bool:
    return _link_in(fold(text))


def young_handle_posting_link(*, member, text: str) -> bool:
    minutes = settings.LINK_MIN_HANDLE_AGE_MINUTES
    if not minutes or member.is_moderator:
        return False
    young = member.created_at > timezone.now() - timedelta(minutes=minutes)
    return young and _link_in(fold(text))
