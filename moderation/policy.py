"""What moderation and the crisis hand-off do inside the one message path: the
:class:`rooms.policy.MessagePolicy` Kindred runs with (``ROOMS_MESSAGE_POLICY``).

``ModerationPolicy.inspect`` runs before a message is stored and decides what the room
sees (contact details redacted), whether the message is held for a facilitator,
and whether the sender gets a crisis card. What it flags becomes one queue item,
stored in the same statement as the message (``Inspection.queue_item``,
rooms.store), so a flagged message never exists without its item and the room
stays locked no longer than for any other message; ``Inspection.after_store``
then tells the facilitators. Only stage 1 of crisis detection runs here: the
model judges the committed message after the ack (moderation.stage2), and a
hit there gets the same hand-off (``handoff.hand_off``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Expression
from django.utils.translation import gettext as _

from core import ratelimit
from core.errors import KindredError, NotAllowed, RateLimited
from crisis import first_look, second_look
from moderation import first_posts, flags, handoff, mutes, queue, services, stage2, trust
from moderation.detection import detection_of
from moderation.models import PRIORITY, ItemKind, Mute, QueueItem
from moderation.urgency import urgency_of
from moderation.wordlist import find_blocked_word
from realtime.after_reply import after_reply
from rooms.policy import UNREAD, Inspection, MessagePolicy
from rooms.sanitize import render_body


@dataclass
class ModerationInspection(Inspection):
    #: Why a facilitator should look at the message: (kind, category), in the
    #: order found, crisis first.
    flags: list[tuple[str, str]] = field(default_factory=list)
    #: The crisis detector's (stage, reason) when it fired (moderation.detection).
    detection: tuple[str, str] = ("", "")
    #: A crisis message's urgency (moderation.urgency), for the queue's order.
    urgency: int = 0
    #: Held as a new member's first post in a sensitive room (moderation.first_posts).
    first_post: bool = False

    def card_not_shown(self, *, member_id: int) -> None:
        """The send that made this card failed: the member never saw it, so it
        must not count against the once-per-``CRISIS_CARD_EVERY`` limit."""
        if self.card is not None:
            handoff.card_not_shown(member_id=member_id, category=self.card["category"])

    def queue_item(self, *, member: Any, room: Any, text: str) -> QueueItem | None:
        """The queue item to store with the message, unsaved; None when nothing
        was flagged. One item per message however many flags it raised: the
        most urgent names it and each flag adds to its weight (as
        ``queue.file_item`` folds a flag into an existing item)."""
        if not self.flags:
            return None
        kind, category = min(self.flags, key=lambda f: PRIORITY[ItemKind(f[0])])
        if self.first_post:
            # What the item is for is the look the held message waits for; the
            # other flags (contact details, a blocked word) say what to look at.
            others = sorted({k for k, _ in self.flags if k != ItemKind.FIRST_POST})
            kind, category = ItemKind.FIRST_POST, ",".join(others)
        detected_by, detection_reason = self.detection if kind == ItemKind.CRISIS else ("", "")
        return QueueItem(
            kind=kind,
            category=category,
            priority=PRIORITY[ItemKind(kind)],
            weight=float(len(self.flags)),
            room=room,
            subject=member,
            excerpt=queue.excerpt_of(text),
            detected_by=detected_by,
            detection_reason=detection_reason,
            urgency=self.urgency if kind == ItemKind.CRISIS else 0,
        )

    #: Stage 2 still to run on the stored message, after commit (moderation.stage2).
    later: stage2.Job | None = None

    def after_store(self, *, item: QueueItem | None, message: Any) -> None:
        """The message and *item* are stored: tell the facilitators, and hand
        the message to stage 2 if it still needs the model, after commit."""
        if self.later is not None:
            job = replace(self.later, message_id=message.pk)
            transaction.on_commit(functools.partial(stage2.submit, job))
        if item is None:
            return
        queue.announce(item.pk, new=True, item=item)
        # Crisis outranks every other flag, so it names the item when raised.
        # After the item's own announcement, and like it after the sender's ack.
        if item.kind == ItemKind.CRISIS:
            alert = functools.partial(handoff.alert_facilitators, item.pk)
            transaction.on_commit(functools.partial(after_reply, alert))


class ModerationPolicy(MessagePolicy):
    """Mutes, flags, the crisis hand-off and reports, for the one message path."""

    def mute_until_sql(self) -> str:
        return f"""(SELECT mu.until FROM {connection.ops.quote_name(Mute._meta.db_table)} mu
      WHERE (mu.member_id = m.id OR (m.device_hash <> '' AND mu.device_hash = m.device_hash))
        AND mu.until > %(now)s AND (mu.room_id = r.id OR mu.room_id IS NULL)
      ORDER BY mu.until DESC LIMIT 1)"""

    def mute_until_column(self, *, room_id: int) -> Expression:
        return mutes.mute_until_subquery(room_id=room_id)

    def check_not_muted(self, *, member: Any, room: Any, until: Any = UNREAD) -> None:
        if until is UNREAD:
            mutes.check_not_muted(member=member, room=room)
        else:
            mutes.check_not_muted(member=member, room=room, until=until)

    def mute_until(self, *, member: Any, room: Any, until: Any = UNREAD) -> Any:
        if member.is_moderator:
            return None
        if until is not UNREAD:
            return until
        return mutes.active_mute_until(member=member, room_id=room.pk)

    def rate_limited(self, *, member: Any, room: Any) -> None:
        """Files an item when a member keeps hitting the limit (``RATE_LIMIT_FLAG_AFTER``)."""
        # Over the threshold: file once per window (the counter stays full).
        over = ratelimit.hit(f"rlflag:{member.pk}", settings.RATE_LIMIT_FLAG_AFTER)
        if over and not ratelimit.hit(f"rlflag-filed:{member.pk}", "1/10m"):
            queue.file_item(
                kind=ItemKind.RATE_LIMIT,
                room=room,
                subject=member,
                category="rate_limit",
                excerpt=f"{member.handle} keeps hitting the message rate limit in {room.slug}.",
            )

    def check_can_send(self, *, member: Any, room: Any, text: str) -> None:
        """A new handle (trust level 0, moderation.trust): no links, and a lower
        message rate. The trust level is read only when it could matter."""
        if member.is_moderator or trust.is_trusted(member):
            return
        if flags.has_link(text):
            raise KindredError(
                _(
                    "New handles can't post links yet. This lifts by itself after you've been "
                    "here a little while and taken part."
                ),
                code="no_links_yet",
            )
        wait = ratelimit.hit(f"newrate:{member.pk}", settings.NEW_MEMBER_MESSAGE_RATE_LIMIT)
        if wait:
            raise RateLimited(
                _(
                    "New handles send a little more slowly at first. Take a breath and try "
                    "again in a moment."
                ),
                retry_after=ratelimit.retry_after(wait),
            )

    def first_posts_wait(self, *, member: Any, room: Any) -> bool:
        return first_posts.hold_due(member=member, room=room)

    def check_can_request_chat(self, *, member: Any) -> None:
        if not trust.is_trusted(member):
            raise NotAllowed(
                _(
                    "New handles can't ask for one-on-one chats yet. Meanwhile, the rooms and "
                    "the drop-in line are open to you, and this lifts by itself after you've "
                    "been here a little while."
                ),
                code="not_yet_trusted",
            )

    def refused(
        self, *, member: Any, room: Any, text: str, country_hint: str | None
    ) -> dict[str, Any] | None:
        return handoff.crisis_for_refused(
            member=member, room=room, text=text, country_hint=country_hint
        )

    def inspect(
        self, *, member: Any, room: Any, text: str, html: str, country_hint: str | None = None
    ) -> Inspection:
        inspection = ModerationInspection(html=html)
        first_post = first_posts.hold_due(member=member, room=room)
        # Stage 1 here, decides the card before the ack; stage 2 (the model)
        # after the ack, off the event loop (moderation.stage2), except where
        # the message may be held (the room holds crisis messages, or it is a
        # new member's first post): holding is decided before storing.
        first = first_look(text)
        verdict = first.verdict
        if not verdict.flagged and first.model_due:
            if room.hold_crisis_messages or first_post:
                verdict = second_look(text, first)
            else:
                inspection.later = stage2.Job(0, text, first, country_hint)
        if verdict.flagged:
            inspection.detection = detection_of(verdict)
            inspection.urgency = urgency_of(category=verdict.category, text=text)
            inspection.card = handoff.crisis_card(
                member=member,
                category=verdict.category,
                country_hint=country_hint,
                urgency=inspection.urgency,
            )
            # Never held as a first post: the room's crisis policy alone decides.
            inspection.hold = room.hold_crisis_messages
            inspection.flags.append((ItemKind.CRISIS, verdict.category))
        elif first_post:
            inspection.hold = inspection.first_post = True
            inspection.flags.append((ItemKind.FIRST_POST, ""))
        redacted, kinds = flags.redact_contact_details(text)
        if kinds:
            inspection.body = redacted
            inspection.html = render_body(redacted)
            inspection.flags.append((ItemKind.CONTACT_INFO, ",".join(sorted(set(kinds)))))
        word = find_blocked_word(text)
        if word:
            inspection.flags.append((ItemKind.BLOCKED_WORD, word))
        if flags.young_handle_posting_link(member=member, text=text):
            inspection.flags.append((ItemKind.NEW_LINK, "link"))
        return inspection

    def report(self, **kwargs: Any) -> dict[str, Any]:
        return services.report_create(**kwargs)
