"""The member's check-ins as a small bar chart: plain numbers for an inline SVG
(templates/_checkin_chart.html), with the same data as a table for screen
readers. No chart library: a bar per day, its height the level."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

WIDTH, HEIGHT, TOP = 300, 100, 10


def chart(history: dict[str, Any]) -> dict[str, Any]:
    first, last = date.fromisoformat(history["from"]), date.fromisoformat(history["to"])
    span = (last - first).days + 1
    step = WIDTH / span
    by_day = {entry["day"]: entry for entry in history["days"]}
    bars = []
    for offset in range(span):
        day = (first + timedelta(days=offset)).isoformat()
        entry = by_day.get(day)
        if entry is None:
            continue
        height = round((HEIGHT - TOP) * entry["level"] / 5, 1)
        bars.append(
            {
                "x": round(offset * step + step * 0.15, 1),
                "y": round(HEIGHT - height, 1),
                "width": round(step * 0.7, 1),
                "height": height,
                "day": day,
                "level": entry["level"],
                "word": entry["word"],
                "hard": entry["level"] <= 2,
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "bars": bars,
        "days": span,
        "entries": history["days"],
    }
