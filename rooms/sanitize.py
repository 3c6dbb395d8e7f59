"""The one and only sanitiser for chat message bodies.

Members type plain text. A message goes through two steps, exactly once, when it
is sent:

1. :func:`clean_text` normalises the raw input into the form that is stored
   (invisible and control characters removed, newlines normalised, blank-line
   runs collapsed, ends trimmed).
2. :func:`render_body` turns that cleaned text into a small, safe HTML fragment
   (everything escaped, http(s) URLs turned into links, newlines into ``<br>``).

The rendered HTML is what every client displays. Nothing else in the project may
mark member-supplied text as safe, so this module is the single line of defence
against script injection. Its output contains no element other than ``<a>`` and
``<br>``, and ``<a>`` carries only ``href`` (always ``http://`` or ``https://``),
``rel`` and ``target``.

Length limits are enforced by the caller, not here.
"""

from __future__ import annotations

import html
import re
import threading

from bleach.linkifier import Linker
from django.utils.safestring import SafeString, mark_safe

__all__ = [
    "LINK_REL",
    "LINK_TARGET",
    "clean_text",
    "is_blank",
    "page_html",
    "render_body",
    "strip_ignorable",
]

#: ``rel`` value put on every generated link.
LINK_REL = "nofollow noopener noreferrer ugc"
#: ``target`` value put on every generated link.
LINK_TARGET = "_blank"

# --------------------------------------------------------------------------- #
# clean_text
# --------------------------------------------------------------------------- #

# Characters deleted outright. Built as a str.translate table (one C-level pass).
_DELETE_CODEPOINTS: list[int] = [
    # C0 controls, except \t (turned into a space) and \n (kept). \r is handled
    # before this table is applied.
    *(cp for cp in range(0x00, 0x20) if cp not in (0x09, 0x0A)),
    0x7F,  # DEL
    *range(0x80, 0xA0),  # C1 controls
    # Bidirectional formatting: embeddings/overrides, isolates, marks.
    *range(0x202A, 0x202F),  # LRE RLE PDF LRO RLO
    *range(0x2066, 0x206A),  # LRI RLI FSI PDI
    0x200E,  # LEFT-TO-RIGHT MARK
    0x200F,  # RIGHT-TO-LEFT MARK
    0x061C,  # ARABIC LETTER MARK
    # Zero-width characters.
    0x200B,  # ZERO WIDTH SPACE
    0x200C,  # ZERO WIDTH NON-JOINER
    0x200D,  # ZERO WIDTH JOINER
    0x2060,  # WORD JOINER
    0xFEFF,  # ZERO WIDTH NO-BREAK SPACE / BOM
    0x180E,  # MONGOLIAN VOWEL SEPARATOR
]
_CLEAN_TABLE: dict[int, str | None] = dict.fromkeys(_DELETE_CODEPOINTS)
_CLEAN_TABLE[0x09] = " "

# Unicode's default-ignorable code points (DerivedCoreProperties.txt): shown as
# nothing at all, so they can hide inside a word or a number, or make a message
# that looks empty. clean_text keeps some (variation selectors belong to emoji);
# matching removes them all (strip_ignorable), and a message of nothing else is
# refused as empty (is_blank).
_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x061C, 0x061C),
    (0x115F, 0x1160),  # Hangul fillers
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),  # Mongolian selectors and separator
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),  # halfwidth Hangul filler
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),  # tag characters and the variation selector supplement
)
_IGNORABLE_TABLE: dict[int, None] = {
    cp: None for low, high in _IGNORABLE_RANGES for cp in range(low, high + 1)
}
# Blank-looking characters that are not whitespace to Python.
_BLANK_LOOKING = str.maketrans({0x2800: None, 0x3000: None, 0x2028: None, 0x2029: None})


def strip_ignorable(text: str) -> str:
    """*text* without Unicode's default-ignorable (invisible) code points."""
    if text.isascii():  # none is ASCII (the lowest is U+00AD); most messages are
        return text
    return text.translate(_IGNORABLE_TABLE)


def is_blank(text: str) -> bool:
    """Whether *text* would show as nothing: only whitespace and invisible characters."""
    return not strip_ignorable(text).translate(_BLANK_LOOKING).strip()


# Four or more line breaks in a row, where the lines in between hold nothing but
# horizontal whitespace, become exactly three line breaks (two blank lines).
# Treating whitespace-only lines as blank stops " \n \n \n ..." from sneaking
# past the limit.
_BLANK_RUN_RE = re.compile(r"\n(?:[^\S\n]*\n){3,}")


def clean_text(raw: str) -> str:
    """Return the stored form of a raw chat message.

    * ``\\r\\n`` and lone ``\\r`` become ``\\n``; ``\\t`` becomes a space.
    * Removed: the other C0 controls, DEL, C1 controls (U+0080-U+009F),
      bidirectional embeddings/overrides (U+202A-U+202E), isolates
      (U+2066-U+2069), the marks U+200E, U+200F and U+061C, and the zero-width
      characters U+200B, U+200C, U+200D, U+2060, U+FEFF and U+180E.
    * More than two consecutive blank lines collapse to two (so at most three
      ``\\n`` in a row). A line holding only spaces counts as blank here.
    * Leading and trailing whitespace is stripped.

    Trade-off: removing ZERO WIDTH JOINER breaks emoji ZWJ sequences apart, e.g.
    a "family" emoji is shown as its separate member emoji, and a profession
    emoji as a person plus an object. Variation selectors, skin-tone modifiers
    and flag sequences are not touched. We accept that loss in exchange for
    never storing invisible characters that can hide or disguise text.

    The function is idempotent: ``clean_text(clean_text(s)) == clean_text(s)``.
    """
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = raw.translate(_CLEAN_TABLE)
    if "\n\n\n" in text or "\n " in text:
        text = _BLANK_RUN_RE.sub("\n\n\n", text)
    return text.strip()


# --------------------------------------------------------------------------- #
# render_body
# --------------------------------------------------------------------------- #

# URL matcher handed to bleach's Linker. It runs over text that has ALREADY been
# HTML-escaped, so the only ``&`` present start one of the entities produced by
# html.escape: ``&amp;`` is part of a URL (query strings), while ``&lt;``,
# ``&gt;``, ``&quot;`` and ``&#x27;`` end it, like the raw characters would.
#
# * The scheme is spelled out letter by letter instead of using IGNORECASE,
#   because Python's case-insensitive matching also accepts look-alikes such as
#   U+017F LATIN SMALL LETTER LONG S for "s".
# * ``://`` is mandatory, so bare domains ("example.com") are never linked. That
#   also makes the ``"://" in text`` prefilter in render_body exact.
# * A scheme glued to a preceding word, dot, plus, dash or slash is not a URL
#   ("xhttp://", "//http://").
# * The host is ASCII (see _HOST); punycode hosts are refused by the callback.
# * Userinfo (``user@``) is not matched, so "https://bank.example@evil.example"
#   links only the part before the ``@``.
# * The URL does not end in ``. , ! ? ; : *`` (sentence punctuation).
_SCHEME = r"[hH][tT][tT][pP][sS]?://"
# An ASCII host only, taken whole (an atomic group: no backtracking to a shorter
# host): "https://аpple.com" with a Cyrillic а, or "https://apple.cоm", is not
# linked at all rather than linked to a look-alike or a truncated domain.
_HOST = r"(?>[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)(?!\.?[^\x00-\x7f])(?::[0-9]{1,5})?"
# One path "atom": an ``&amp;`` entity, one ordinary character, or a
# parenthesised group without nested parentheses ("Foo_(bar)"). An unbalanced
# ``)`` ends the URL, so "(see https://example.org/a)" keeps its closing paren.
_PATH_CHARS = r"[^\s&<>\"'`{}|\\^()]"
_PAREN_GROUP = rf"\((?:&amp;|{_PATH_CHARS})*\)"
_PATH_ATOM = rf"(?:&amp;|{_PATH_CHARS}|{_PAREN_GROUP})"
# The last atom may not be sentence punctuation.
_PATH_END = rf"(?:&amp;|(?![.,!?;:*]){_PATH_CHARS}|{_PAREN_GROUP})"
_URL_RE = re.compile(
    rf"(?<![\w+./-]){_SCHEME}{_HOST}(?:[/?#](?:{_PATH_ATOM}*{_PATH_END})?)?",
)

_HREF = (None, "href")
_REL = (None, "rel")
_TARGET = (None, "target")
_ALLOWED_SCHEMES = frozenset({"http", "https"})


def _link_attributes(attrs: dict, new: bool = False) -> dict | None:
    """Linker callback: whitelist the attributes of a link, or refuse the link.

    Only links the Linker creates itself are accepted (the escaped input never
    contains markup, so there are no others). The scheme is checked again here
    even though the regex only finds http(s): defence in depth. Returning None
    makes the Linker leave the text as plain text.
    """
    href = attrs.get(_HREF, "")
    scheme, sep, rest = href.partition("://")
    scheme = scheme.lower()
    if not new or not sep or scheme not in _ALLOWED_SCHEMES:
        return None
    # Punycode ("xn--pple-43d.com") is how a look-alike Unicode domain is spelt
    # in ASCII: shown as text, never as a link.
    if "xn--" in re.split(r"[/?#]", rest, maxsplit=1)[0].lower():
        return None
    return {
        _HREF: f"{scheme}://{rest}",
        _REL: LINK_REL,
        _TARGET: LINK_TARGET,
        "_text": attrs.get("_text", ""),
    }


# Built once: constructing a Linker builds an html5lib parser and serializer.
_LINKER = Linker(callbacks=[_link_attributes], parse_email=False, url_re=_URL_RE)
# The html5lib parser inside a Linker keeps state while parsing and is not
# thread-safe; serialise access (uncontended under asyncio, cheap either way).
_LINKER_LOCK = threading.Lock()


def _linkify_escaped(escaped: str) -> str:
    """Run the shared Linker over already-escaped text (the slow path)."""
    with _LINKER_LOCK:
        return _LINKER.linkify(escaped)


def render_body(text: str) -> str:
    """Render cleaned message text (see :func:`clean_text`) to safe HTML.

    * ``&``, ``<``, ``>``, ``"`` and ``'`` are escaped; nothing is stripped, so
      the visible text is exactly the input.
    * ``http://`` and ``https://`` URLs become ``<a href="..." rel="nofollow
      noopener noreferrer ugc" target="_blank">``. Bare domains such as
      ``example.com`` are deliberately NOT linked (too many false positives in
      ordinary prose, e.g. file names); any other scheme (``javascript:``,
      ``data:``, ``vbscript:``, ``file:``, ``ftp:``...) stays plain text.
    * Each ``\\n`` is replaced by ``<br>`` (the newline character itself is not
      kept), so the result displays the same with or without
      ``white-space: pre-wrap``.

    Fast path: every URL the linkifier can match contains ``://``, so text
    without that substring skips bleach/html5lib entirely and is only escaped.
    """
    escaped = html.escape(text, quote=True)
    if "://" in escaped:
        escaped = _linkify_escaped(escaped)
    if "\n" in escaped:
        escaped = escaped.replace("\n", "<br>")
    return escaped


# Exactly the tags render_body writes: <br>, and <a> with its three attributes in
# its order, an http(s) href with no quote or angle bracket in it.
_RENDERED_TAG = re.compile(
    r'<br>|</a>|<a href="https?://[^"<>]*" rel="nofollow noopener noreferrer ugc" target="_blank">'
)


def page_html(stored: str) -> SafeString:
    """A stored rendering (``Message.html``, :func:`render_body`'s output) for a
    server-rendered page. This is the only place a template gets member text as
    HTML; the rendering is checked again first, as the client does: anything with
    a tag render_body doesn't write is shown as escaped text instead."""
    rest = _RENDERED_TAG.sub("", stored)
    if "<" in rest or ">" in rest:
        return mark_safe(html.escape(stored, quote=True))  # noqa: S308 -- escaped just now
    return mark_safe(stored)  # noqa: S308 -- only render_body's own tags, checked above
