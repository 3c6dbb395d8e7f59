"""Property tests: random frames and random messages never crash the server side.

Every text a socket can receive either parses into one of that socket's frame
classes or raises BadFrame (answered with ``bad_frame``); nothing else. Every
body and nonce a frame can carry makes ``message_send`` either store a message
(whose HTML holds no tag but ``<a>`` and ``<br>``) or refuse it with a KindredError,
never another exception (which would reach the client as ``unavailable`` or a
1011 close).
"""

from __future__ import annotations

import contextlib
import json
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import BadFrame, KindredError
from core.frames import ClientFrame, FrameParser
from moderation.frames import MODERATION_FRAMES
from rooms.data import SendResult
from rooms.frames import CHAT_FRAMES, ROOM_FRAMES
from rooms.services import message_send

FRAME_SETS = {"room": ROOM_FRAMES, "chat": CHAT_FRAMES, "moderation": MODERATION_FRAMES}
PARSERS = {name: FrameParser(*classes) for name, classes in FRAME_SETS.items()}
TYPE_NAMES = sorted({cls.frame_type for classes in FRAME_SETS.values() for cls in classes})
FIELD_NAMES = sorted(
    {name for classes in FRAME_SETS.values() for cls in classes for name in cls.model_fields}
    - {"type"}
)

# Text with the characters that break things: controls, NUL, bidi marks, lone
# surrogates (JSON can carry them), astral characters.
nasty_text = st.text(
    alphabet=st.one_of(
        st.characters(codec=None, exclude_categories=()),
        st.sampled_from(["\x00", "\u202e", "\u200b", "\ud800", "\udfff", "\U0001f331", "<", "&"]),
    ),
    max_size=80,
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    nasty_text,
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(nasty_text, inner, max_size=4)
    ),
    max_leaves=12,
)
# Values that are often right, so that many frame-shaped dicts do parse.
plausible = st.sampled_from(
    [0, 1, 42, 2**53 - 1, 2**53, -1, True, False, None, "", "spam", "newcomers", "QuietOtter"]
)
# Dicts that look like frames: a known type (or a near miss) and random known fields.
frame_like = st.fixed_dictionaries(
    {"type": st.one_of(st.sampled_from(TYPE_NAMES), nasty_text)},
    optional={name: plausible | json_values for name in FIELD_NAMES},
).flatmap(
    lambda base: (
        st.dictionaries(nasty_text, json_values, max_size=2).map(lambda extra: {**extra, **base})
        | st.just(base)
    )
)


def parse_or_refuse(parser: FrameParser, text: str) -> None:
    try:
        frame = parser.parse(text)
    except BadFrame as exc:
        assert exc.detail and isinstance(exc.detail, str)
        # The detail goes back to the client as UTF-8 text: it must encode.
        exc.detail.encode()
        return
    assert isinstance(frame, ClientFrame)
    assert type(frame) in FRAME_SETS_BY_PARSER[id(parser)]
    assert frame.type == json.loads(text)["type"]


FRAME_SETS_BY_PARSER = {id(PARSERS[name]): FRAME_SETS[name] for name in FRAME_SETS}


@pytest.mark.parametrize("socket", sorted(PARSERS))
@settings(max_examples=150, deadline=None)
@given(value=json_values)
def test_any_json_value_parses_or_is_a_frame_error(socket, value):
    parse_or_refuse(PARSERS[socket], json.dumps(value))


@pytest.mark.parametrize("socket", sorted(PARSERS))
@settings(max_examples=250, deadline=None)
@given(value=frame_like)
def test_frame_shaped_dicts_parse_or_are_a_frame_error(socket, value):
    parse_or_refuse(PARSERS[socket], json.dumps(value))


@pytest.mark.parametrize("socket", sorted(PARSERS))
@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=200) | st.builds(lambda v: json.dumps(v)[:-1], frame_like))
def test_arbitrary_text_parses_or_is_a_frame_error(socket, text):
    """Truncated JSON, plain text, whatever arrives in a text frame."""
    with contextlib.suppress(BadFrame):
        PARSERS[socket].parse(text)


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


bodies = st.one_of(
    nasty_text,
    st.text(max_size=2100),
    st.lists(
        st.sampled_from(
            [
                "<script>alert(1)</script>",
                "<img src=x onerror=alert(1)>",
                "https://example.org/a?b=1&c=<2>",
                "javascript:alert(1)",
                'http://x.test/"onmouseover="alert(1)',
                "&lt;b&gt;",
                "\n",
                " ",
                "word",
                "\u202e",
                "\x00",
                "\U0001f331",
            ]
        ),
        max_size=40,
    ).map("".join),
)
# What a message frame lets through: a nonce of 1-64 characters, or none.
nonces = st.none() | st.text(min_size=1, max_size=64)


@pytest.mark.django_db
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=bodies, nonce=nonces)
def test_message_send_stores_safe_html_or_refuses(member, room, django_settings, body, nonce):
    try:
        # What the socket does first: the service only ever sees a parsed frame.
        PARSERS["room"].parse(json.dumps({"type": "message", "body": body, "nonce": nonce}))
    except BadFrame:
        return  # the socket answers bad_frame; the service never sees it
    try:
        result = message_send(member_id=member.pk, room_slug=room.slug, body=body, nonce=nonce)
    except KindredError as refusal:
        assert refusal.code in {"empty", "too_long", "rate_limited"}, refusal.code
        return
    assert isinstance(result, SendResult)
    collector = TagCollector()
    collector.feed(result.message.html)
    for tag, attrs in collector.tags:
        assert tag in ("a", "br"), result.message.html
        if tag == "a":
            assert set(attrs) <= {"href", "rel", "target"}
            assert (attrs.get("href") or "").startswith(("http://", "https://"))


@pytest.fixture
def django_settings(settings):
    settings.MESSAGE_RATE_LIMIT = "100000/1s"
    return settings
