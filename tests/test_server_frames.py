"""The server frame schemas (core/server_frames.py and each app's server_frames.py)
and the hook that checks every frame the suite's server sends against them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from core import frames
from core.server_frames import all_server_frames, check_server_frame


def test_the_schema_hook_is_active_for_every_test():
    # tests/conftest.py: a frame the server encodes is checked before it is sent.
    assert frames.frame_check is not None


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "pong"},
        {"type": "ack", "nonce": None, "id": 7, "ref": "r1"},
        {"type": "error", "code": "rate_limited", "detail": "Slow down.", "retry_after": 2},
        {"type": "chat.request", "from": "NightOwl", "chat": 88},
        {"type": "chat.opened", "chat": 90, "with": "NightOwl"},
        {"type": "presence", "event": "update", "handle": "Ann", "open_to_chat": True, "count": 3},
        {"type": "dropin.status", "status": "cancelled"},
    ],
)
def test_frames_as_documented_pass(frame):
    check_server_frame(frame)


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "no_such_frame"},
        {"detail": "no type at all"},
        {"type": "ack", "id": 7},  # nonce is always there, null when none was sent
        {"type": "ack", "nonce": None, "id": "7"},  # ids are numbers
        {"type": "pong", "extra": 1},  # nothing undocumented
        {"type": "pong", "ref": None},  # a ref is left out, never null
        {"type": "chat.request", "from_": "NightOwl", "chat": 88},  # the wire name is "from"
        {"type": "presence", "event": "arrived", "handle": "A", "count": 1},
    ],
)
def test_frames_off_their_schema_are_refused(frame):
    with pytest.raises((ValueError, ValidationError)):
        check_server_frame(frame)


def test_every_schema_module_registers_its_frames():
    types = all_server_frames()
    assert {"welcome", "message", "error", "queue.item", "queue.update", "crisis"} <= set(types)
