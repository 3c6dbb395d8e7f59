"""What moderation and the crisis hand-off do inside the one message path.

``inspect_message`` runs before a message is stored and decides what the room
sees (contact details redacted), whether the message is held for a facilitator,
and whether the sender gets a crisis card. What it flags becomes one queue item,
stored in the same statement as the message (``Inspection.queue_item``,
rooms.store), so a flagged message never exists without its item and the room
stays locked no longer than for any other message; ``Inspection.after_store``
then tells the facilitators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from moderation import flags
from moderation.crisis import scan
from moderation.models import PRIORITY, ItemKind, QueueItem
from moderation.wordlist import find_blocked_word
from rooms.sanitize import render_body


@dataclass
class Inspection:
    html: str
    hold: bool = False
    card: dict[str, Any] | None = None
    #: Why a facilitator should look at the message: (kind, category), in the
    #: order found, crisis first.
    flags: list[tuple[str, str]] = field(default_factory=list)

    def card_not_shown(self, *, member_id: int) -> None:
        """The send that made this card failed: the member never saw it, so it
        must not count against the once-per-``CRISIS_CARD_EVERY`` limit."""
        if self.card is not None:
            from moderation import handoff

            handoff.card_not_shown(member_id=member_id, category=self.card["category"])

    def queue_item(self, *, member: Any, room: Any, text: str) -> QueueItem | None:
        """The queue item to store with the message, unsaved; None when nothing
        was flagged. One item per message however many flags it raised: the
        most urgent names it and each flag adds to its weight (as
        ``queue.file_item`` folds a flag into an existing item)."""
        from moderation.queue import excerpt_of

        if not self.flags:
            return None
        kind, category = min(self.flags, key=lambda f: PRIORITY[ItemKind(f[0])])
        return QueueItem(
            kind=kind,
            category=category,
            priority=PRIORITY[ItemKind(kind)],
            weight=float(len(self.flags)),
            room=room,
            subject=member,
            excerpt=excerpt_of(text),
        )

    def after_store(self, *, item: QueueItem | None) -> None:
        """The message and *item* are stored: tell the facilitators, after commit."""
        if item is None:
            return
        from moderation import handoff, queue

        queue.announce(item.pk, new=True, item=item)
        # Crisis outranks every other flag, so it names the item when raised.
        if item.kind == ItemKind.CRISIS:
            item_id = item.pk
            transaction.on_commit(lambda: handoff.alert_facilitators(item_id))


def inspect_message(
    *, member: Any, room: Any, text: str, html: str, country_hint: str | None = None
) -> Inspection:
    from moderation import handoff

    inspection = Inspection(html=html)
    verdict = scan(text)
    if verdict.flagged:
        inspection.card = handoff.crisis_card(
            member=member, category=verdict.category, country_hint=country_hint
        )
        inspection.hold = room.hold_crisis_messages
        inspection.flags.append((ItemKind.CRISIS, verdict.category))
    redacted, kinds = flags.redact_contact_details(text)
    if kinds:
        inspection.html = render_body(redacted)
        inspection.flags.append((ItemKind.CONTACT_INFO, ",".join(sorted(set(kinds)))))
    word = find_blocked_word(text)
    if word:
        inspection.flags.append((ItemKind.BLOCKED_WORD, word))
    if flags.young_handle_posting_link(member=member, text=text):
        inspection.flags.append((ItemKind.NEW_LINK, "link"))
    return inspection
