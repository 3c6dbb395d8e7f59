"""Tests for rooms.sanitize: the single sanitiser for chat message bodies.

No database is involved; everything here is pure functions.
"""

from __future__ import annotations

import html
import re
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rooms import sanitize
from rooms.sanitize import LINK_REL, LINK_TARGET, clean_text, render_body
from tests.xss_corpus import FAMILIES, XSS_PAYLOADS

HYPOTHESIS = settings(max_examples=200, derandomize=True, deadline=None, database=None)

# --------------------------------------------------------------------------- #
# Helpers
# --------------------------------------------------------------------------- #


@dataclass
class Parsed:
    start_tags: list[tuple[str, list[tuple[str, str | None]]]] = field(default_factory=list)
    end_tags: list[str] = field(default_factory=list)
    text_parts: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    links: list[tuple[dict[str, str | None], str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.text_parts)


class _Collector(HTMLParser):
    """Records everything the stdlib parser sees; ``<br>`` counts as a newline."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.result = Parsed()
        self._link: tuple[dict[str, str | None], list[str]] | None = None
        self.nested_links = False

    def handle_starttag(self, tag, attrs):
        self.result.start_tags.append((tag, attrs))
        if tag == "br":
            self._data("\n")
        elif tag == "a":
            if self._link is not None:
                self.nested_links = True
            self._link = (dict(attrs), [])

    def handle_startendtag(self, tag, attrs):
        self.result.other.append(f"self-closing <{tag}>")
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        self.result.end_tags.append(tag)
        if tag == "a" and self._link is not None:
            attrs, parts = self._link
            self.result.links.append((attrs, "".join(parts)))
            self._link = None

    def _data(self, data):
        self.result.text_parts.append(data)
        if self._link is not None:
            self._link[1].append(data)

    def handle_data(self, data):
        self._data(data)

    def handle_comment(self, data):
        self.result.other.append(f"comment {data!r}")

    def handle_decl(self, decl):
        self.result.other.append(f"decl {decl!r}")

    def handle_pi(self, data):
        self.result.other.append(f"pi {data!r}")

    def unknown_decl(self, data):
        self.result.other.append(f"unknown decl {data!r}")


def parse(out: str) -> Parsed:
    collector = _Collector()
    collector.feed(out)
    collector.close()
    assert not collector.nested_links, out
    assert collector._link is None, f"unclosed <a> in {out!r}"
    return collector.result


# After "<", only these may follow in the rendered output.
_RAW_LT_RE = re.compile(r'<(?!a href="|/a>|br>)')
_FORBIDDEN_IN_HREF = re.compile(r"[\s\"'<>`\x00-\x1f\x7f-\x9f]")


def assert_safe(out: str) -> Parsed:
    """Assert that ``out`` is within the sanitiser's output contract."""
    assert _RAW_LT_RE.search(out) is None, out
    parsed = parse(out)
    assert not parsed.other, (parsed.other, out)
    for tag, attrs in parsed.start_tags:
        assert tag in {"a", "br"}, out
        if tag == "br":
            assert attrs == [], out
            continue
        names = [name for name, _ in attrs]
        assert names == ["href", "rel", "target"], out
        values = dict(attrs)
        href = values["href"]
        assert href is not None
        assert href.startswith(("http://", "https://")), out
        assert "javascript:" not in href.lower(), out
        assert not _FORBIDDEN_IN_HREF.search(href), out
        assert values["rel"] == LINK_REL, out
        assert values["target"] == LINK_TARGET, out
    assert set(parsed.end_tags) <= {"a"}, out
    assert parsed.end_tags.count("a") == len(parsed.links)
    for attrs, link_text in parsed.links:
        # What the member sees is where the link goes (the scheme is lowercased).
        scheme, _, rest = link_text.partition("://")
        assert attrs["href"] == f"{scheme.lower()}://{rest}", out
    return parsed


def strip_markup(out: str) -> str:
    """Undo render_body: drop link tags, turn <br> back into newlines, unescape."""
    return html.unescape(re.sub(r"</?a\b[^>]*>", "", out).replace("<br>", "\n"))


# --------------------------------------------------------------------------- #
# The XSS corpus
# --------------------------------------------------------------------------- #


def test_corpus_shape():
    assert len(XSS_PAYLOADS) >= 60
    families = {family for family, _ in XSS_PAYLOADS}
    assert families == set(FAMILIES)
    for family in FAMILIES:
        assert sum(1 for f, _ in XSS_PAYLOADS if f == family) >= 4, family
    payloads = [payload for _, payload in XSS_PAYLOADS]
    assert len(payloads) == len(set(payloads)), "duplicate payloads"
    for family, payload in XSS_PAYLOADS:
        assert isinstance(family, str)
        assert isinstance(payload, str)
        assert payload


@pytest.mark.parametrize(
    ("family", "payload"),
    XSS_PAYLOADS,
    ids=[f"{family}-{i}" for i, (family, _) in enumerate(XSS_PAYLOADS)],
)
def test_corpus_payload_is_neutralised(family, payload):
    cleaned = clean_text(payload)
    out = render_body(cleaned)
    parsed = assert_safe(out)
    # Escaping, not stripping: the member sees exactly what was typed (cleaned).
    assert parsed.text == cleaned
    assert strip_markup(out) == cleaned
    # Belt and braces on the raw string.
    lowered = out.lower()
    assert "<script" not in lowered
    assert "<img" not in lowered
    assert "<svg" not in lowered
    assert "<iframe" not in lowered
    assert "<style" not in lowered


def test_corpus_url_payloads_produce_only_http_links():
    linked = 0
    for _, payload in XSS_PAYLOADS:
        parsed = assert_safe(render_body(clean_text(payload)))
        linked += len(parsed.links)
    # Some payloads do contain real http(s) URLs; make sure that path is exercised.
    assert linked >= 5


# --------------------------------------------------------------------------- #
# Escaping round-trip (property-based)
# --------------------------------------------------------------------------- #

_FRAGMENTS = [
    "<",
    ">",
    "&",
    '"',
    "'",
    "&amp;",
    "&lt;",
    "&#x27;",
    "&#106;",
    "<script>",
    "</a>",
    "<br>",
    "<a href=",
    "\n",
    "\r\n",
    "\t",
    " ",
    ".",
    ",",
    ")",
    "(",
    "://",
    "http://",
    "https://",
    "HTTPS://",
    "example.com",
    "/path?a=1&b=2",
    "#frag",
    "javascript:",
    "data:text/html,",
    "\u202e",
    "\u200d",
    "\x00",
    "\u0085",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",
]

message_text = st.lists(
    st.one_of(st.text(max_size=20), st.sampled_from(_FRAGMENTS)),
    max_size=30,
).map("".join)


@HYPOTHESIS
@given(message_text)
def test_render_round_trip(raw):
    cleaned = clean_text(raw)
    out = render_body(cleaned)
    parsed = assert_safe(out)
    assert strip_markup(out) == cleaned
    assert parsed.text == cleaned
    assert "\n" not in out
    assert "\r" not in out


@HYPOTHESIS
@given(message_text)
def test_prefilter_never_changes_the_result(raw):
    """The no-'://' shortcut must give exactly what the linkifier would give."""
    cleaned = clean_text(raw)
    full = sanitize._linkify_escaped(html.escape(cleaned, quote=True)).replace("\n", "<br>")
    assert render_body(cleaned) == full


_host_label = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
_path = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC0123456789-_~/%=+", max_size=20)


@HYPOTHESIS
@given(
    st.sampled_from(["http", "https", "HTTP", "Https"]),
    st.lists(_host_label, min_size=1, max_size=3),
    st.sampled_from(["com", "org", "example", "de"]),
    _path,
    st.sampled_from(["", ".", ",", "!", "?", ")", ";", ":"]),
    st.sampled_from(["", "see ", "(", "hello\n", "\u05e9\u05dc\u05d5\u05dd "]),
)
def test_generated_urls_are_linked(scheme, labels, tld, path, trailing, lead):
    url = f"{scheme}://{'.'.join([*labels, tld])}/{path}"
    text = f"{lead}{url}{trailing} done"
    parsed = assert_safe(render_body(clean_text(text)))
    assert len(parsed.links) == 1
    attrs, link_text = parsed.links[0]
    assert link_text.lower().startswith(scheme.lower() + "://")
    assert url.startswith(link_text)
    assert attrs["href"].startswith(scheme.lower() + "://")
    # The trailing punctuation is never part of the link.
    if trailing:
        assert not link_text.endswith(trailing)


# --------------------------------------------------------------------------- #
# clean_text
# --------------------------------------------------------------------------- #

C0_REMOVED = [chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)] + ["\x7f"]
C1 = [chr(c) for c in range(0x80, 0xA0)]
BIDI = [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
BIDI += ["\u200e", "\u200f", "\u061c"]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u180e"]


@pytest.mark.parametrize(
    "char",
    C0_REMOVED + C1 + BIDI + ZERO_WIDTH,
    ids=lambda c: f"U+{ord(c):04X}",
)
def test_clean_text_removes_character(char):
    assert clean_text(f"a{char}b") == "ab"
    assert clean_text(f"{char}a{char}{char}b{char}") == "ab"


def test_clean_text_line_endings_and_tabs():
    assert clean_text("a\r\nb") == "a\nb"
    assert clean_text("a\rb") == "a\nb"
    assert clean_text("a\r\n\r\nb") == "a\n\nb"
    assert clean_text("a\n\rb") == "a\n\nb"
    assert clean_text("a\tb") == "a b"
    assert clean_text("a\t\tb") == "a  b"


def test_clean_text_collapses_blank_lines():
    # Four blank lines (five newlines) become two blank lines (three newlines).
    assert clean_text("a\n\n\n\n\nb") == "a\n\n\nb"
    assert clean_text("a\n" + "\n" * 50 + "b") == "a\n\n\nb"
    assert clean_text("a\r\n\r\n\r\n\r\n\r\nb") == "a\n\n\nb"
    # Lines holding only whitespace or invisible characters count as blank.
    assert clean_text("a\n \n\t\n\u200b\n  \nb") == "a\n\n\nb"
    # Up to two blank lines are left alone.
    assert clean_text("a\n\n\nb") == "a\n\n\nb"
    assert clean_text("a\n\nb") == "a\n\nb"
    assert clean_text("a\nb\n\n\nc\n\n\n\nd") == "a\nb\n\n\nc\n\n\nd"


def test_clean_text_trims():
    assert clean_text("   hello  ") == "hello"
    assert clean_text("\n\n\nhello\n\n\n") == "hello"
    assert clean_text("\u200b \t\r\n hi \u202e\n") == "hi"
    assert clean_text("") == ""
    assert clean_text(" \n\t\u200b\x00 ") == ""
    # Inner spacing is kept.
    assert clean_text("a   b") == "a   b"


@pytest.mark.parametrize(
    "text",
    [
        "\U0001f600 \U0001f44d\U0001f3fd \u2764\ufe0f \U0001f1e9\U0001f1ea",  # emoji
        "\u0645\u0631\u062d\u0628\u0627 \u0628\u0643\u0645",  # Arabic
        "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd",  # Hebrew
        "\u4f60\u597d\uff0c\u4e16\u754c \u3053\u3093\u306b\u3061\u306f \uc548\ub155",  # CJK
        "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440",  # Cyrillic
        "\u0928\u092e\u0938\u094d\u0924\u0947",  # Devanagari (combining marks)
        "caf\u00e9 na\u0131\u0308ve \u00df",
    ],
)
def test_clean_text_preserves_scripts_and_emoji(text):
    assert clean_text(text) == text
    out = render_body(text)
    assert out == html.escape(text)
    assert assert_safe(out).text == text


def test_clean_text_splits_zwj_emoji_sequences():
    """Documented trade-off: ZWJ sequences fall apart into their parts."""
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean_text(family) == "\U0001f468\U0001f469\U0001f467"


@HYPOTHESIS
@given(message_text)
def test_clean_text_properties(raw):
    cleaned = clean_text(raw)
    assert clean_text(cleaned) == cleaned
    assert cleaned == cleaned.strip()
    assert "\r" not in cleaned
    assert "\t" not in cleaned
    assert "\n\n\n\n" not in cleaned
    removed = set(C0_REMOVED + C1 + BIDI + ZERO_WIDTH)
    assert not removed.intersection(cleaned)


# --------------------------------------------------------------------------- #
# render_body: escaping, newlines, links
# --------------------------------------------------------------------------- #


def test_render_escapes_everything():
    assert render_body("<b>&\"'</b>") == "&lt;b&gt;&amp;&quot;&#x27;&lt;/b&gt;"
    # Entities typed by the member are shown literally, not decoded.
    assert render_body("&lt;script&gt;") == "&amp;lt;script&amp;gt;"


def test_render_newlines():
    assert render_body("a\nb") == "a<br>b"
    assert render_body("a\n\n\nb") == "a<br><br><br>b"
    out = render_body("line https://example.org\nnext")
    assert out.endswith("</a><br>next")


def test_render_plain_text_is_untouched_apart_from_escaping():
    text = "Day 12 today. Feeling ok, thanks all! Meeting at 7.30 (maybe)."
    assert render_body(text) == text


def _link(url: str, text: str | None = None) -> str:
    href = html.escape(url, quote=True)
    label = html.escape(text if text is not None else url, quote=True)
    return f'<a href="{href}" rel="{LINK_REL}" target="{LINK_TARGET}">{label}</a>'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://example.org", _link("https://example.org")),
        ("http://example.org/x", _link("http://example.org/x")),
        ("see https://example.org/a.", "see " + _link("https://example.org/a") + "."),
        ("https://example.org/a, and", _link("https://example.org/a") + ", and"),
        ("wow https://example.org/a!", "wow " + _link("https://example.org/a") + "!"),
        ("(https://example.org/a)", "(" + _link("https://example.org/a") + ")"),
        (
            "https://en.wikipedia.org/wiki/Foo_(bar)",
            _link("https://en.wikipedia.org/wiki/Foo_(bar)"),
        ),
        (
            "HTTPS://Example.ORG/Path",
            _link("https://Example.ORG/Path", "HTTPS://Example.ORG/Path"),
        ),
        ("https://localhost:8000/room/1", _link("https://localhost:8000/room/1")),
        ('"https://example.org"', "&quot;" + _link("https://example.org") + "&quot;"),
        ("'https://example.org'", "&#x27;" + _link("https://example.org") + "&#x27;"),
        ("<https://example.org>", "&lt;" + _link("https://example.org") + "&gt;"),
    ],
)
def test_linkify(text, expected):
    out = render_body(text)
    assert out == expected
    assert_safe(out)


def test_link_with_ampersand_query_is_escaped_exactly_once():
    out = render_body("go to https://example.org/search?q=a&b=c&d=%20e now")
    assert "&amp;amp;" not in out
    assert 'href="https://example.org/search?q=a&amp;b=c&amp;d=%20e"' in out
    assert ">https://example.org/search?q=a&amp;b=c&amp;d=%20e</a> now" in out
    parsed = assert_safe(out)
    assert parsed.links[0][0]["href"] == "https://example.org/search?q=a&b=c&d=%20e"


def test_typed_entity_in_url_is_not_decoded():
    out = render_body("https://example.org/?x=&quot;y")
    parsed = assert_safe(out)
    assert parsed.links[0][0]["href"] == "https://example.org/?x=&quot;y"


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "javascript://example.org/%0Aalert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "ftp://example.org/file",
        "file:///etc/passwd",
        "mailto:someone@example.org",
        "someone@example.org",
        "example.com",  # bare domains are not linked (documented choice)
        "www.example.com",
        "readme.md and setup.py",
        "xhttps://example.org",
        "https//example.org",
        "https:/example.org",
        "https:// example.org",
        "\uff48\uff54\uff54\uff50\uff53\uff1a\uff0f\uff0fexample.org",  # fullwidth
        "http\u017f://example.org",  # long s look-alike
    ],
)
def test_not_linked(text):
    out = render_body(clean_text(text))
    assert "<a" not in out
    assert out == html.escape(clean_text(text))


def test_userinfo_is_not_part_of_the_link():
    parsed = assert_safe(render_body("https://bank.example@evil.example/login"))
    assert [attrs["href"] for attrs, _ in parsed.links] == ["https://bank.example"]
    assert parsed.text == "https://bank.example@evil.example/login"


def test_scheme_inside_a_non_http_url_only_links_the_http_part():
    parsed = assert_safe(render_body("javascript:https://example.org"))
    assert [attrs["href"] for attrs, _ in parsed.links] == ["https://example.org"]


@pytest.mark.parametrize(
    "href",
    ["javascript:alert(1)", "data:text/html,x", "ftp://example.org", "http\u017f://x.org", "x"],
)
def test_link_callback_refuses_other_schemes(href):
    """Defence in depth: even if the URL regex matched more, the callback refuses."""
    attrs = {(None, "href"): href, "_text": href}
    assert sanitize._link_attributes(attrs, True) is None


def test_link_callback_refuses_pre_existing_links_and_drops_extra_attributes():
    attrs = {(None, "href"): "https://x.org", (None, "onclick"): "x", "_text": "t"}
    assert sanitize._link_attributes(dict(attrs), False) is None
    assert sanitize._link_attributes(dict(attrs), True) == {
        (None, "href"): "https://x.org",
        (None, "rel"): LINK_REL,
        (None, "target"): LINK_TARGET,
        "_text": "t",
    }


def test_long_message_with_many_urls():
    urls = [f"https://example.org/item/{i}?a={i}&b=x" for i in range(300)]
    text = "\n".join(f"link {i}: {url}." for i, url in enumerate(urls))
    out = render_body(clean_text(text))
    parsed = assert_safe(out)
    assert [attrs["href"] for attrs, _ in parsed.links] == urls
    assert parsed.text == text
    assert "&amp;amp;" not in out


def test_pathological_inputs_stay_linear():
    # Unbalanced parentheses and long runs of URL characters must not blow up
    # the URL regex (if they did, this test would hang rather than fail).
    for tail in ("(" * 5000, "(a" * 3000, "a" * 20000 + "!", "&" * 5000, "/." * 5000):
        out = render_body("https://example.org/" + tail)
        assert_safe(out)


def test_fast_path_skips_the_linkifier(monkeypatch):
    def boom(_escaped):
        raise AssertionError("linkifier called on text without '://'")

    monkeypatch.setattr(sanitize, "_linkify_escaped", boom)
    text = "Hi all, day 30 today. Thanks for being here <3 & see you at the 7.30 meeting!"
    assert render_body(text) == html.escape(text)


def test_render_is_thread_safe():
    texts = [f"msg {i} https://example.org/{i}?a=1&b={i}\nnext line {i}" for i in range(40)]
    expected = [render_body(t) for t in texts]
    results: dict[int, list[str]] = {}

    def worker(n: int) -> None:
        results[n] = [render_body(t) for t in texts]

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results[n] == expected for n in range(8))
