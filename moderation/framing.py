"""Keeping the facilitators' frames under the frame limit (``WEBSOCKET_MAX_FRAME_BYTES``,
64 KiB): daphne refuses to send a bigger frame and the socket dies (1011). The
queue goes out in pages, the audit log and an item's context as much as fits."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

#: Room left in a frame for everything but the list it carries (type, flags).
ENVELOPE_BYTES = 256


def _size(row: dict[str, Any]) -> int:
    """A row's bytes inside a frame (encoded as core.frames.encode does; a row is
    not a frame of its own, so it is not checked as one)."""
    return len(json.dumps(row, separators=(",", ":"), ensure_ascii=False).encode()) + 1


def budget() -> int:
    return settings.WEBSOCKET_MAX_FRAME_BYTES - ENVELOPE_BYTES


def fitting(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The longest start of *rows* whose encoding fits one frame."""
    left, kept = budget(), []
    for row in rows:
        left -= _size(row)
        if left < 0:
            break
        kept.append(row)
    return kept


def pages(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """*rows* in order, cut into pages that each fit one frame (at least one page)."""
    cut: list[list[dict[str, Any]]] = [[]]
    left = budget()
    for row in rows:
        size = _size(row)
        if size > left and cut[-1]:
            cut.append([])
            left = budget()
        cut[-1].append(row)
        left -= size
    return cut
