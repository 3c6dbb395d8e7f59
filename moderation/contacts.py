"""Finding contact details in a message, however they are disguised.

An email address, a phone number or a social-media handle posted in a room
can undo a member's anonymity, so they are replaced before the message is
stored (only the redacted text is ever kept). People who want to swap details
get round plain patterns easily, so matching runs on a folded copy of the text:

* Unicode compatibility forms folded (NFKC: a full-width ``＠`` is ``@``,
  full-width digits are digits) and invisible characters removed (soft hyphens
  or zero-width spaces inside an address or a number);
* spelled-out forms: ``name dot surname at gmail dot com``, ``otter (at) proton
  (dot) me``, ``five five five one two three …``, numbers spaced or dashed;
* the ways people offer a handle: ``snap me …``, ``add me on discord …``,
  ``my insta is …``, ``ig otter_22``, ``@otter``.

Crisis helpline numbers are never contact details: sharing 988 or SAMHSA's
number is exactly what should happen. Dates (``12/05/2024``) are not numbers.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata

from rooms.sanitize import strip_ignorable

REDACTED = "[contact details removed]"

_TLDS = (
    "com|net|org|edu|gov|io|co|uk|us|ca|au|de|fr|es|it|nl|ie|nz|in|me|info|biz|app|dev|"
    "mail|email|online|xyz|ru|br|mx|se|no|dk|fi|pl|ch|at|be|pt|jp"
)
_PROVIDERS = (
    "gmail|googlemail|hotmail|outlook|yahoo|icloud|protonmail|proton|aol|live|msn|gmx|"
    "yandex|zoho|mail"
)
_DOT = r"(?:\s*\.\s*|\s*[(\[{<]\s*dot\s*[)\]}>]\s*|\s+dot\s+)"
_AT = r"(?:\s*@\s*|\s*[(\[{<]\s*at\s*[)\]}>]\s*)"
_LOCAL = rf"[\w+\-]+(?:{_DOT}[\w+\-]+)*"
_EMAIL = re.compile(
    rf"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"
    # An "@" or "(at)", perhaps spaced, before a domain, perhaps spelled out.
    rf"|\b{_LOCAL}{_AT}[\w\-]+(?:{_DOT}[\w\-]+)*{_DOT}(?:{_TLDS})\b"
    # A plain " at " only before a mail provider or a domain ending in a TLD.
    rf"|\b{_LOCAL}\s+at\s+(?:(?:{_PROVIDERS})\b(?:{_DOT}(?:{_TLDS})\b)*"
    rf"|[\w\-]+{_DOT}(?:{_TLDS})\b)",
    re.IGNORECASE,
)

_DIGIT_WORDS = {
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_TOKEN = r"(?:\d|" + "|".join(_DIGIT_WORDS) + r")"
_MIN_PHONE_TOKENS = 7  # digits or digit words, so dates and short codes pass
_PHONE = re.compile(
    rf"(?<![\w+])\+?{_TOKEN}(?:[\s.\-/()_]{{0,3}}{_TOKEN}){{{_MIN_PHONE_TOKENS - 1},16}}(?!\w)",
    re.IGNORECASE,
)
_DATE = re.compile(r"\d{1,4}([/.\-])\d{1,2}\1\d{2,4}")

_PLATFORM_NAMES = [
    "snapchat",
    "snap",
    "sc",
    "instagram",
    "insta",
    "ig",
    "discord",
    "telegram",
    "tele",
    "whatsapp",
    "kik",
    "tiktok",
    "twitter",
    "fb",
    "facebook",
    "signal",
    "skype",
    "reddit",
    "threads",
    "wickr",
    "session",
]
# "whats app" with a space (or another one whitespace character) too.
_PLATFORMS = "|".join(_PLATFORM_NAMES) + r"|whats\sapp"
_HANDLE = r"@?[A-Za-z0-9_.#]{3,40}"
_SOCIAL = re.compile(
    r"(?<![\w@])@[A-Za-z0-9_.]{3,30}\b"
    # add me on discord otter#1234, hit me up on snap: otter
    rf"|\b(?:add|find|follow|hit|message|msg|dm|text|reach|contact|catch|ping|hmu)"
    rf"(?:\s+me)?(?:\s+up)?\s+(?:on|at|via|@)\s+(?:{_PLATFORMS})\b\s*(?:[:=\-]|is|@)?\s*{_HANDLE}"
    # my insta is otter, my discord: otter, my snap name is otter
    rf"|\bmy\s+(?:{_PLATFORMS})\b\s*(?:(?:name|handle|user(?:name)?|id|tag|@)\s*)?"
    rf"(?:[:=\-]|is|'s)\s*{_HANDLE}"
    # insta: otter, ig is otter, snap me at otter
    rf"|\b(?:{_PLATFORMS})\b\s*(?:me\b\s*)?(?:[:=]|\s-|-\s|is\b|at\b|@)\s*{_HANDLE}"
    # snap me otter
    rf"|\b(?:{_PLATFORMS})\s+me\s+{_HANDLE}"
    # ig otter_22: a bare name only when it looks like a handle (a digit, _ . or #)
    rf"|\b(?:{_PLATFORMS})\s+@?(?=[A-Za-z0-9_.#]*[\d_.#])[A-Za-z0-9_.#]{{3,40}}",
    re.IGNORECASE,
)
#: Words that follow "snap", "ig"… in ordinary talk ("oh snap, that was close").
_NOT_HANDLES = frozenset(
    re.findall(
        r"\w+",
        """back out up later tonight now soon sometime anytime please pls too again maybe
        when if so and or but the that this there here then lol haha okay sometimes often
        never though because cause cuz was were has had have just all any for with about
        you your yours his her their our its are not very much more less lot also still
        even only really account story stories post posts feed group chat server call
        calls message messages friends people someone everyone somebody""",
    )
)


def fold(text: str) -> str:
    """The text as a reader sees it: compatibility forms folded, invisibles gone."""
    if text.isascii():  # NFKC leaves ASCII as it is, and no invisible is ASCII
        return text
    return unicodedata.normalize("NFKC", strip_ignorable(text))


@functools.cache
def _helpline_numbers() -> frozenset[str]:
    """Digits of every number in the crisis resources, which may always be shared."""
    from crisis.resources import _active_resources

    text = json.dumps(_active_resources())
    return frozenset(
        re.sub(r"\D", "", m.group()) for m in re.finditer(r"\+?\d[\d\s().\-]{1,}\d", text)
    )


def is_helpline(digits: str) -> bool:
    """*digits* are a crisis line's number (perhaps with a country code of up to
    three digits before it); a longer number that merely ends like one is not."""
    return any(
        digits == h or (len(h) >= 6 and digits.endswith(h) and len(digits) - len(h) <= 3)
        for h in _helpline_numbers()
    )


def _digits_of(number: str) -> tuple[str, int]:
    """The number's digits, and how many of them were written as words."""
    words = re.findall("|".join(_DIGIT_WORDS), number, re.IGNORECASE)
    digits = re.sub(
        "|".join(_DIGIT_WORDS), lambda m: _DIGIT_WORDS[m.group().lower()], number, flags=re.I
    )
    return re.sub(r"\D", "", digits), len(words)


def _phone(match: re.Match[str], kinds: list[str]) -> str:
    found = match.group()
    digits, words = _digits_of(found)
    spelled_out_only = words == len(digits)
    if (
        _DATE.fullmatch(found.strip())
        or is_helpline(digits)
        or not 7 <= len(digits) <= 15
        or (spelled_out_only and len(digits) < 9)
    ):
        return found
    kinds.append("phone")
    return REDACTED


def _social(match: re.Match[str], kinds: list[str]) -> str:
    handle = re.findall(r"[A-Za-z0-9_.#]+", match.group())[-1]
    if handle.lower().strip(".") in _NOT_HANDLES:
        return match.group()
    kinds.append("social")
    return REDACTED


def find_and_redact(text: str) -> tuple[str, list[str]]:
    """The text to store and which kinds of contact details were found. With
    none found, the text exactly as sent; otherwise its folded form with each
    one replaced, so the disguised original is kept nowhere."""
    kinds: list[str] = []
    folded = fold(text)
    email, phone, social = _could_hold(folded)
    redacted = _redact(folded, kinds, email=email, phone=phone, social=social)
    return (redacted, kinds) if kinds else (text, kinds)


def _redact(folded: str, kinds: list[str], *, email: bool, phone: bool, social: bool) -> str:
    """*folded* with each kind asked for replaced; what was found goes in *kinds*."""

    def an_email(_match: re.Match[str]) -> str:
        kinds.append("email")
        return REDACTED

    if email:
        folded = _EMAIL.sub(an_email, folded)
    if phone:
        folded = _PHONE.sub(lambda m: _phone(m, kinds), folded)
    if social:
        folded = _SOCIAL.sub(lambda m: _social(m, kinds), folded)
    return folded


# Which of the three patterns could match at all, decided cheaply, because the
# patterns above try every position of every message and almost no message
# holds contact details. Exact for ASCII text, where lower-casing is what
# IGNORECASE does; other text runs every pattern (IGNORECASE also pairs some
# non-ASCII letters, such as a dotless i, with ASCII ones).
#
# * An email needs an "@" or the word "at" (every other spelling of "at" in
#   _EMAIL is that word between spaces or brackets).
# * A phone number needs seven tokens, each a digit or a digit word: none of
#   the digit words overlaps itself, so counting each one separately can only
#   count more tokens than a match holds.
# * A social handle needs an "@" or a platform's name as a whole word (every
#   alternative of _SOCIAL puts one between word boundaries).
#
# Replacing what one pattern found cannot help a later one: a match never
# splits a word, and REDACTED holds no digit, digit word, "@" or platform.
# tests/test_contact_redaction.py checks the shortcut against running all three.
_WORD = re.compile(r"\w+")
_PLATFORM_WORDS = frozenset([*_PLATFORM_NAMES, "whats"])
_PHONE_TOKENS = (*"0123456789", *_DIGIT_WORDS)


def _could_hold(folded: str) -> tuple[bool, bool, bool]:
    """Whether an email, a phone number, a social handle could be in *folded*."""
    if not folded.isascii():
        return True, True, True
    lowered = folded.lower()
    words = set(_WORD.findall(lowered))
    at_sign = "@" in folded
    tokens = sum(map(lowered.count, _PHONE_TOKENS))
    return (
        at_sign or "at" in words,
        tokens >= _MIN_PHONE_TOKENS,
        at_sign or not words.isdisjoint(_PLATFORM_WORDS),
    )
