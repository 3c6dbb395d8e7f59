"""Facilitators teaching the crisis detector: "not a crisis" on a crisis item,
"a crisis we missed" on any message they can see.

Each decision is audited like every moderation action (who decided, on which
item or message), and leaves one :class:`CrisisLabel`: the message text as
stored with contact details removed, the label, the category and what the
detector said. A label names nobody, so ``crisis_scan --export-feedback`` can
hand it to whoever retrains the model.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import KindredError
from moderation.checks import (
    _close_item,
    audit,
    audit_message,
    check_item,
    check_moderated_message,
    check_moderator,
    done,
)
from moderation.flags import redact_contact_details
from moderation.models import AuditEntry, CrisisLabel, ItemKind, LabelKind, QueueItem


def _stored_text(text: str) -> str:
    """The message as the queue's excerpt keeps it, whole: contact details removed
    (its length is already bounded by ``MESSAGE_MAX_LENGTH``)."""
    return redact_contact_details(text)[0]


@transaction.atomic
def crisis_not_crisis(*, actor_id: int, item_id: int) -> dict[str, Any]:
    """The detector flagged this item's message, and a facilitator judges it was
    not a crisis: the item leaves the queue (acknowledged, so nobody is paged)
    and the false alarm is kept to retrain the detector."""
    actor = check_moderator(member_id=actor_id)
    item = check_item(item_id=item_id)
    if item.kind != ItemKind.CRISIS:
        raise KindredError(
            _("Only crisis items can be marked as not a crisis."), code="not_crisis_item"
        )
    message = item.message
    CrisisLabel.objects.create(
        text=_stored_text(message.body) if message is not None else item.excerpt,
        label=LabelKind.NOT_CRISIS,
        category=item.category,
        stage=item.detected_by,
        reason=item.detection_reason,
    )
    audit(
        actor,
        "not_crisis",
        item=item,
        target=item.subject,
        room=item.room,
        message_id=item.message_id,
        stage=item.detected_by,
    )
    _close_item(item, actor, resolution="not_crisis", took_action=False)
    return done("not_crisis", item=item.pk)


@transaction.atomic
def crisis_missed(*, actor_id: int, message_id: int, category: str) -> dict[str, Any]:
    """A message the detector let through was a crisis (*category*, checked by the
    frame): keep it to retrain the detector. Once per message; asking again
    answers the same and stores nothing more. The member is not alerted or
    carded by this: the facilitator who saw it is the one to reach out."""
    actor = check_moderator(member_id=actor_id)
    message = check_moderated_message(message_id=message_id)
    already = AuditEntry.objects.filter(action="missed_crisis", message_id=message.pk).exists()
    if not already:
        item = QueueItem.objects.filter(message=message, kind=ItemKind.CRISIS).first()
        CrisisLabel.objects.create(
            text=_stored_text(message.body),
            label=LabelKind.MISSED_CRISIS,
            category=category,
            # A crisis item on the message: the detector did fire, with another category.
            stage=item.detected_by if item else "",
            reason=item.detection_reason if item else "",
        )
        audit_message(actor, "missed_crisis", message, category=category)
    return done("missed_crisis", message=message.pk)


def labels_export() -> list[dict[str, Any]]:
    """Every label in the training corpus's format (crisis/data/corpus/README.md),
    oldest first, with where it came from; nothing in it names a member."""
    rows = []
    for label in CrisisLabel.objects.order_by("created_at", "id").iterator():
        crisis = label.label == LabelKind.MISSED_CRISIS
        rows.append(
            {
                "text": label.text,
                "crisis": crisis,
                "category": label.category if crisis else None,
                "style": "facilitator_feedback",
                "lang": None,
                "feedback": {
                    "label": label.label,
                    "detector_category": None if crisis else label.category,
                    "stage": label.stage or None,
                    "reason": label.reason or None,
                    "at": timezone.localtime(label.created_at).isoformat(),
                },
            }
        )
    return rows
