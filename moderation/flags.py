"""Automatic flags raised inside the message path.

Contact details (phone numbers, email addresses, social handles) are redacted in
what the room sees, to protect anonymity, and flagged; blocked words, links from
very new handles and members who keep hitting the rate limit are flagged for a
facilitator to look at. Crisis helpline numbers are never treated as contact
details: sharing 988 or SAMHSA's number is exactly what should happen.
"""

from __future__ import annotations

import functools
import json
import re
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

REDACTED = "[contact details removed]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
# 7 to 15 digits with the separators people type; not inside a longer run of digits.
_PHONE = re.compile(r"(?<![\w+])\+?\d(?:[\s.\-/()]{0,2}\d){6,14}(?!\w)")
_SOCIAL = re.compile(
    r"(?:(?<![\w@])@[A-Za-z0-9_.]{3,30}\b"
    r"|\b(?:snap(?:chat)?|insta(?:gram)?|ig|discord|telegram|whatsapp|kik|tiktok|twitter|fb|facebook)"
    r"\s*(?:me\s*)?(?:[:=\-]|is|at)\s*@?[A-Za-z0-9_.#]{3,40})",
    re.IGNORECASE,
)
_LINK = re.compile(r"https?://", re.IGNORECASE)


@functools.cache
def _helpline_numbers() -> frozenset[str]:
    """Digits of every number in the crisis resources, which may always be shared."""
    from crisis.resources import _active_resources

    data = _active_resources()
    found: set[str] = set()
    text = json.dumps(data)
    for match in re.finditer(r"\+?\d[\d\s().\-]{5,}\d", text):
        found.add(re.sub(r"\D", "", match.group()))
    return frozenset(found)


def _is_helpline(number: str) -> bool:
    digits = re.sub(r"\D", "", number)
    return any(digits.endswith(h) or h.endswith(digits) for h in _helpline_numbers() if len(h) >= 3)


def redact_contact_details(text: str) -> tuple[str, list[str]]:
    """The text with contact details replaced, and which kinds were found."""
    kinds: list[str] = []

    def phone(match: re.Match[str]) -> str:
        if _is_helpline(match.group()):
            return match.group()
        kinds.append("phone")
        return REDACTED

    def replace(kind: str):
        def inner(match: re.Match[str]) -> str:
            kinds.append(kind)
            return REDACTED

        return inner

    text = _EMAIL.sub(replace("email"), text)
    text = _PHONE.sub(phone, text)
    text = _SOCIAL.sub(replace("social"), text)
    return text, kinds


def young_handle_posting_link(*, member, text: str) -> bool:
    minutes = settings.LINK_MIN_HANDLE_AGE_MINUTES
    if not minutes or member.is_moderator or not _LINK.search(text):
        return False
    return member.created_at > timezone.now() - timedelta(minutes=minutes)
