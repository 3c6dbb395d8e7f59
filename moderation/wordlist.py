"""The blocked-words list, compiled once and refreshed when admins edit it.

The list lives in the database (admin-editable) and is seeded from
``community/data/blocked_words.txt``. Each process keeps one compiled pattern
and rebuilds it at most every ``BLOCKED_WORDS_REFRESH_SECONDS`` (or at once in
the process where an admin saved a change), so checking a message costs one
regex search, not a query.
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

from django.conf import settings

from moderation.models import BlockedWord

_lock = threading.Lock()
_state: dict[str, object] = {"pattern": None, "loaded_at": 0.0}


def seed_words() -> list[str]:
    path = Path(settings.BLOCKED_WORDS_PATH)
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip().lower() for line in lines if line.strip() and not line.startswith("#")]


def _compile(words: list[str]) -> re.Pattern[str] | None:
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<![a-z0-9])(" + "|".join(map(re.escape, words)) + r")(?![a-z0-9])")


def _pattern() -> re.Pattern[str] | None:
    refresh = getattr(settings, "BLOCKED_WORDS_REFRESH_SECONDS", 30)
    now = time.monotonic()
    if _state["loaded_at"] and now - float(_state["loaded_at"]) < refresh:
        return _state["pattern"]  # type: ignore[return-value]
    with _lock:
        words = list(BlockedWord.objects.values_list("word", flat=True))
        _state["pattern"] = _compile(words)
        _state["loaded_at"] = now
    return _state["pattern"]  # type: ignore[return-value]


def invalidate() -> None:
    """Forget the compiled list (called after an admin edit, and by tests)."""
    _state["loaded_at"] = 0.0


def find_blocked_word(text: str) -> str | None:
    """The first blocked word in *text*, or None."""
    pattern = _pattern()
    if pattern is None:
        return None
    match = pattern.search(text.lower())
    return match.group(1) if match else None
