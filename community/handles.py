"""Handle generation and validation, and the look-alike skeleton.

A handle is 3–24 ASCII letters, digits and underscores. ASCII only on purpose:
with Cyrillic or Greek letters allowed, "Rоbin" (with a Cyrillic о) could
impersonate "Robin". Within ASCII, :func:`handle_key` folds the look-alikes
(case, 0/O, 1/l/I, 5/S, "rn"/"m", "vv"/"w", underscores) so that two handles
that read the same cannot both exist.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from community.words import ADJECTIVES, NOUNS

HANDLE_CHARS = re.compile(r"[A-Za-z0-9_]+")

# Order matters: multi-letter look-alikes first, then single characters.
_MULTI = (("rn", "m"), ("vv", "w"))
_SINGLE = str.maketrans({"0": "o", "1": "l", "i": "l", "|": "l", "5": "s", "8": "b", "_": None})

_LEET = str.maketrans("013458", "oieasb")
_EMAIL_PROVIDERS = re.compile(
    r"gmail|googlemail|hotmail|outlook|yahoo|icloud|protonmail|proton_me|aol_com|live_com"
)
_URL_HINTS = re.compile(r"https?|www|_(com|net|org)$|dotcom")
_DIGITS = re.compile(r"\d")
# Handles that would impersonate the people members trust.
_RESERVED_WORDS = ("admin", "moderator", "facilitator", "kindred", "staff", "official")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|_")

#: Checks that find a word a handle must not contain (the moderation app's
#: blocked-words list registers one when it is ready): text -> the word or None.
_word_checks: list[Callable[[str], str | None]] = []


def register_word_check(check: Callable[[str], str | None]) -> None:
    if check not in _word_checks:
        _word_checks.append(check)


def _has_blocked_word(text: str) -> bool:
    return any(check(text) for check in _word_checks)


def handle_key(handle: str) -> str:
    """The skeleton two handles share when they would look alike."""
    key = handle.casefold()
    for many, one in _MULTI:
        key = key.replace(many, one)
    return key.translate(_SINGLE)


@dataclass(frozen=True)
class HandleProblem:
    code: str
    detail: str


def check_handle_text(handle: str) -> HandleProblem | None:
    """Why *handle* cannot be used, or None. Does not check uniqueness."""
    low = handle.lower()
    if "@" in handle or (_EMAIL_PROVIDERS.search(low) and "_" in low):
        return HandleProblem(
            "looks_like_email",
            "That looks like an email address. Please choose a name that doesn't identify you.",
        )
    if "://" in handle or "www." in low:
        return HandleProblem(
            "looks_like_url", "Handles can't be web addresses. Please choose another name."
        )
    if len(_DIGITS.findall(handle)) >= 7:
        return HandleProblem(
            "looks_like_phone",
            "That looks like a phone number. Please choose a name that doesn't identify you.",
        )
    low_min, high = settings.HANDLE_MIN_LENGTH, settings.HANDLE_MAX_LENGTH
    if not (low_min <= len(handle) <= high):
        return HandleProblem("bad_length", f"A handle is {low_min} to {high} characters long.")
    if not HANDLE_CHARS.fullmatch(handle):
        return HandleProblem(
            "bad_characters", "Use only letters (A–Z), digits and underscores in a handle."
        )
    if _URL_HINTS.search(low):
        return HandleProblem(
            "looks_like_url", "Handles can't be web addresses. Please choose another name."
        )
    key = handle_key(handle)
    if any(handle_key(word) in key for word in _RESERVED_WORDS):
        return HandleProblem(
            "reserved", "That handle could be mistaken for staff. Please choose another."
        )
    words = " ".join(_CAMEL.split(handle))
    if _has_blocked_word(words) or _has_blocked_word(words.translate(_LEET)):
        return HandleProblem(
            "blocked_word", "That handle isn't allowed here. Please choose another."
        )
    return None


def generate_handle() -> str:
    """A friendly random handle such as ``GentleHeron27`` (not checked for uniqueness)."""
    return f"{secrets.choice(ADJECTIVES)}{secrets.choice(NOUNS)}{secrets.randbelow(90) + 10}"
