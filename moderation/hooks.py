"""What moderation and the crisis hand-off do inside the one message path.

``inspect_message`` runs before a message is stored and decides what the room
sees (contact details redacted), whether the message is held for a facilitator,
and whether the sender gets a crisis card; ``Inspection.after_store`` runs inside
the storing transaction to file the queue items that point at the message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from moderation import flags
from moderation.crisis import scan
from moderation.models import ItemKind
from moderation.wordlist import find_blocked_word
from rooms.sanitize import render_body


@dataclass
class Inspection:
    html: str
    hold: bool = False
    card: dict[str, Any] | None = None
    _after: list[Any] = field(default_factory=list)

    @property
    def has_after_store(self) -> bool:
        """True when something must be stored in the same transaction as the message."""
        return bool(self._after)

    def after_store(self, *, message: Any, data: Any) -> None:
        for step in self._after:
            step(message)


def inspect_message(
    *, member: Any, room: Any, text: str, html: str, country_hint: str | None = None
) -> Inspection:
    from moderation import handoff, queue

    inspection = Inspection(html=html)
    verdict = scan(text)
    if verdict.flagged:
        inspection.card = handoff.crisis_card(
            member=member, category=verdict.category, country_hint=country_hint
        )
        inspection.hold = room.hold_crisis_messages
        inspection._after.append(
            lambda message: handoff.file_crisis_item(
                message=message, category=verdict.category, phrase=verdict.phrase or ""
            )
        )
    redacted, kinds = flags.redact_contact_details(text)
    if kinds:
        inspection.html = render_body(redacted)
        category = ",".join(sorted(set(kinds)))
        inspection._after.append(
            lambda message: queue.file_item(
                kind=ItemKind.CONTACT_INFO, message=message, category=category
            )
        )
    word = find_blocked_word(text)
    if word:
        inspection._after.append(
            lambda message: queue.file_item(
                kind=ItemKind.BLOCKED_WORD, message=message, category=word
            )
        )
    if flags.young_handle_posting_link(member=member, text=text):
        inspection._after.append(
            lambda message: queue.file_item(
                kind=ItemKind.NEW_LINK, message=message, category="link"
            )
        )
    return inspection
