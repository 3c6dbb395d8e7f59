"""Handle generation and validation, and the look-alike skeleton.

A handle is 3–24 ASCII letters, digits and underscores. ASCII only on purpose:
with Cyrillic or Greek letters allowed, "Rоbin" (with a Cyrillic о) could
impersonate "Robin". Within ASCII, :func:`handle_key` folds the look-alikes
(case, 0/O, 1/l/I, 5/S, "rn"/"m", "vv"/"w", underscores) so that two handles
that read the same cannot both exist.
"""

from __future__ import annotations

import itertools
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from community.words import ADJECTIVES, NOUNS

HANDLE_CHARS = re.compile(r"[A-Za-z0-9_]+")

# Order matters: multi-letter look-alikes first, then single characters.
_MULTI = (("rn", "m"), ("vv", "w"))
_SINGLE = str.maketrans({"0": "o", "1": "l", "i": "l", "|": "l", "5": "s", "8": "b", "_": None})

_LEET = str.maketrans("013458", "oieasb")
# Impersonation: digits read as the letters they stand for, "cl" as "d".
_DIGITS_AS_LETTERS = str.maketrans("0123456789", "olzeastbbg")
_DOUBLED = re.compile(r"(.)\1+")
# Mail providers, looked for anywhere in the handle, as written and with digits read
# as letters ("gma1l"), underscores and case ignored: "otterATgmail", "Jo_Hotmai1".
_EMAIL_PROVIDERS = re.compile(
    r"gmail|googlemail|hotmail|outlook|yahoo|icloud|protonmail|protonme|aolcom|livecom"
    r"|gmx|yandex|mailru|zohomail|fastmail|tutanota|tutamail|msncom|webde|btinternet"
    r"|comcast|sbcglobal|qqcom|163com|rocketmail|ymail|mecom"
)
# Handles built from a social identifier: "insta_otter", "OtterSnapchat", "discord_jo".
# The short names count as words of the handle (split at capitals, digits and underscores).
_SOCIAL_WORDS = frozenset(
    {"insta", "ig", "snap", "sc", "kik", "fb", "tt", "wa", "tg", "dc", "instagram", "snapchat"}
    | {"discord", "telegram", "tiktok", "whatsapp", "facebook", "twitter", "gram", "yt"}
    | {"reddit", "ttv", "youtube", "onlyfans", "linkedin", "tumblr", "skype", "bsky"}
    | {"bluesky", "mastodon", "psn", "xbox", "venmo", "cashapp", "paypal", "wechat", "viber"}
    | {"imessage", "facetime", "grindr", "pinterest", "vk", "dms"}
)
# The same platforms anywhere inside the handle, lower case run together
# ("instaotter", "otterdiscord99"), where no ordinary word hides them: "insta" but
# not "instant"/"install", "snap" but not "snappy"/"snapdragon", "discord" but not
# "discordant".
_SOCIAL_INSIDE = re.compile(
    r"insta(?!nt|ll|nc|bil)|snap(?!p|dragon|shot)|discord(?!an|ia)|instagram|snapchat"
    r"|telegram|tiktok|whatsapp|facebook|twitter|youtube|onlyfans|linkedin|tumblr|reddit"
    r"|pinterest|cashapp|paypal|venmo|bluesky|mastodon|wechat|grindr"
)
# Digits read as letters, for the providers and platforms ("0nlyfans", "gma1l"): a
# 1 is tried as an i and as an l.
_DIGITS_READ = (str.maketrans("013457", "oieast"), str.maketrans("013457", "oleast"))
_URL_HINTS = re.compile(r"https?|www|_(com|net|org)$|dotcom")
_DIGITS = re.compile(r"\d")
# Handles that would impersonate the people members trust.
_RESERVED_WORDS = ("admin", "moderator", "facilitator", "kindred", "staff", "official")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|_")
# Words of a handle for the platform names: at capitals, underscores and digits too.
_WORDS = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])|_")

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


def impersonation_key(handle: str) -> str:
    """A looser skeleton, for telling who could pass for whom (staff names and
    reserved words): :func:`handle_key` plus digits read as letters ("4dmin"),
    "cl" as "d" and doubled letters as one ("Mod3rrator")."""
    key = handle.casefold().translate(_DIGITS_AS_LETTERS).translate(_SINGLE)
    for many, one in (*_MULTI, ("cl", "d")):
        key = key.replace(many, one)
    return _DOUBLED.sub(r"\1", key)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def passes_for(handle: str, staff_handle: str) -> bool:
    """Whether *handle* is close enough to *staff_handle* to pass for it: the same
    impersonation key, or one edit away (two for keys of eight letters or more)."""
    mine, theirs = impersonation_key(handle), impersonation_key(staff_handle)
    allowed = 2 if min(len(mine), len(theirs)) >= 8 else 1
    return abs(len(mine) - len(theirs)) <= allowed and edit_distance(mine, theirs) <= allowed


def _folded(handle: str) -> tuple[str, ...]:
    """The handle in lower case without underscores, as written and with digits read."""
    low = handle.lower().replace("_", "")
    return (low, *(low.translate(table) for table in _DIGITS_READ))


def _looks_like_email(handle: str) -> bool:
    if "@" in handle or "email" in (w.lower() for w in _WORDS.split(handle)):
        return True
    return any(_EMAIL_PROVIDERS.search(text) for text in _folded(handle))


def _looks_like_social(handle: str) -> bool:
    words = [w.lower() for w in _WORDS.split(handle) if w]
    pairs = {a + b for a, b in itertools.pairwise(words)}  # "Tik" "Tok"
    if (set(words) | pairs) & _SOCIAL_WORDS:
        return True
    return any(_SOCIAL_INSIDE.search(text) for text in _folded(handle))


@dataclass(frozen=True)
class HandleProblem:
    code: str
    detail: str


def check_handle_text(handle: str) -> HandleProblem | None:
    """Why *handle* cannot be used, or None. Does not check uniqueness."""
    low = handle.lower()
    if _looks_like_email(handle):
        return HandleProblem(
            "looks_like_email",
            _("That looks like an email address. Please choose a name that doesn't identify you."),
        )
    if "://" in handle or "www." in low:
        return HandleProblem(
            "looks_like_url", _("Handles can't be web addresses. Please choose another name.")
        )
    if len(_DIGITS.findall(handle)) >= 7:
        return HandleProblem(
            "looks_like_phone",
            _("That looks like a phone number. Please choose a name that doesn't identify you."),
        )
    low_min, high = settings.HANDLE_MIN_LENGTH, settings.HANDLE_MAX_LENGTH
    if not (low_min <= len(handle) <= high):
        return HandleProblem(
            "bad_length",
            _("A handle is %(low)s to %(high)s characters long.") % {"low": low_min, "high": high},
        )
    if not HANDLE_CHARS.fullmatch(handle):
        return HandleProblem(
            "bad_characters", _("Use only letters (A–Z), digits and underscores in a handle.")
        )
    if _URL_HINTS.search(low):
        return HandleProblem(
            "looks_like_url", _("Handles can't be web addresses. Please choose another name.")
        )
    if _looks_like_social(handle):
        return HandleProblem(
            "looks_like_social",
            _("That looks like a social media name. Please choose one that doesn't identify you."),
        )
    key = impersonation_key(handle)
    if any(impersonation_key(word) in key for word in _RESERVED_WORDS):
        return HandleProblem(
            "reserved", _("That handle could be mistaken for staff. Please choose another.")
        )
    words = " ".join(_CAMEL.split(handle))
    if _has_blocked_word(words) or _has_blocked_word(words.translate(_LEET)):
        return HandleProblem(
            "blocked_word", _("That handle isn't allowed here. Please choose another.")
        )
    return None


def generate_handle() -> str:
    """A friendly random handle such as ``GentleHeron27`` (not checked for uniqueness),
    never one that reads as a reserved word ("KindReed" passes for "kindred")."""
    while True:
        words = f"{secrets.choice(ADJECTIVES)}{secrets.choice(NOUNS)}"
        key = impersonation_key(words)
        if not any(impersonation_key(word) in key for word in _RESERVED_WORDS):
            return f"{words}{secrets.randbelow(90) + 10}"
