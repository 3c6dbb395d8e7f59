"""The daily check-in's five levels, hardest first, in words (a face is only decoration)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

LEVELS = {
    1: gettext_lazy("A very hard day"),
    2: gettext_lazy("A hard day"),
    3: gettext_lazy("Getting by"),
    4: gettext_lazy("A good day"),
    5: gettext_lazy("A really good day"),
}
#: Levels at or below this are a hard day.
HARD = 2


def level_word(level: int) -> str:
    return str(LEVELS[level])
