"""Moderation data: the admin-editable blocked-words list (more arrives with the queue)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BlockedWord(models.Model):
    """A word or phrase refused in handles and flagged in messages.

    Edited by admins in the admin site; matched case-insensitively on word
    boundaries (handles are also checked after look-alike folding).
    """

    word = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word

    def save(self, *args, **kwargs) -> None:
        self.word = self.word.strip().lower()
        super().save(*args, **kwargs)


class ItemKind(models.TextChoices):
    """Why an item is in the facilitators' queue (its priority follows from it)."""

    CRISIS = "crisis", _("Crisis language")
    REPORT = "report", _("Member report")
    CONTACT_INFO = "contact_info", _("Contact details posted")
    BLOCKED_WORD = "blocked_word", _("Blocked word")
    NEW_LINK = "new_link", _("Link from a new handle")
    RATE_LIMIT = "rate_limit", _("Repeatedly rate limited")
    CHECK_IN = "check_in", _("Check-in the member asked for")
    #: A new handle's message in a sensitive room, waiting for a quick look.
    FIRST_POST = "first_post", _("New member's first message, waiting for a look")


class ItemState(models.TextChoices):
    """A queue item's progress: open, taken by one facilitator, then closed
    either way."""

    OPEN = "open", pgettext_lazy("state", "Open")
    CLAIMED = "claimed", _("Claimed")
    RESOLVED = "resolved", _("Resolved")
    DISMISSED = "dismissed", _("Dismissed")


class DetectedBy(models.TextChoices):
    """Which stage of the crisis detector flagged a message, so a facilitator
    can weigh it."""

    LEXICON = "lexicon", _("Phrase list (stage 1)")
    MODEL = "model", _("Model (stage 2)")


#: Lower is more urgent; the queue is ordered by priority, then age.
PRIORITY = {
    ItemKind.CRISIS: 0,
    ItemKind.CHECK_IN: 0,
    ItemKind.REPORT: 1,
    ItemKind.CONTACT_INFO: 2,
    ItemKind.BLOCKED_WORD: 2,
    # Someone is waiting to be heard: above links and rate limits.
    ItemKind.FIRST_POST: 2,
    ItemKind.NEW_LINK: 3,
    ItemKind.RATE_LIMIT: 3,
}


class QueueItem(models.Model):
    """One thing for a facilitator to look at: one item per message, however
    many reports and flags it collects."""

    kind = models.CharField(max_length=16, choices=ItemKind.choices)
    #: The crisis category, report reason or flag detail.
    category = models.CharField(max_length=32, blank=True)
    priority = models.PositiveSmallIntegerField(default=3)
    #: Sum of the reporters' weights (and flags), used to rank within a priority.
    weight = models.FloatField(default=0)
    state = models.CharField(max_length=10, choices=ItemState.choices, default=ItemState.OPEN)
    message = models.OneToOneField(
        "rooms.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="queue_item"
    )
    room = models.ForeignKey("rooms.Room", null=True, blank=True, on_delete=models.SET_NULL)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: What facilitators need to act, kept after the message itself is purged.
    excerpt = models.TextField(blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    #: When the on-call page for the escalation got through; while it is None
    #: the page is tried again (moderation.handoff.escalate_due).
    paged_at = models.DateTimeField(null=True, blank=True)
    #: For crisis items: which detector stage fired ("lexicon" or "model") and
    #: why, in plain words (the rule and phrase, or the model's score and
    #: strongest signals), so a facilitator can judge the verdict.
    detected_by = models.CharField(max_length=8, choices=DetectedBy.choices, blank=True)
    detection_reason = models.CharField(max_length=500, blank=True)
    #: Crisis items: moderation.urgency's NOW/IMMEDIATE/FEELING (higher first).
    urgency = models.PositiveSmallIntegerField(default=0)
    #: A check-in the member asked for, waiting for its time (hidden until then;
    #: moderation.checkins); None once it has surfaced, and for every other item.
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["priority", "created_at"]
        indexes = [models.Index(fields=["state", "priority", "created_at"], name="queue_order")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"


class Report(models.Model):
    item = models.ForeignKey(QueueItem, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=16)
    note = models.CharField(max_length=500, blank=True)
    weight = models.FloatField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    #: Set when the item closes: "action" or "no_action".
    outcome = models.CharField(max_length=16, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "reporter"], name="report_once_per_member")
        ]

    def __str__(self) -> str:
        return f"report of {self.item_id} by {self.reporter_id}"


class Mute(models.Model):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    #: Null: site-wide.
    room = models.ForeignKey("rooms.Room", null=True, blank=True, on_delete=models.CASCADE)
    until = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    #: The muted member's browser (the SHA-256 of its device cookie, as
    #: ``Member.device_hash``): a new handle from that browser is muted too,
    #: until the mute ends. Blank when the member had no device cookie.
    device_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    def __str__(self) -> str:
        return f"mute of {self.member_id} until {self.until:%Y-%m-%d %H:%M}"


class SanctionKind(models.TextChoices):
    """The steps of the ladder as recorded (a mute keeps its length in minutes)."""

    WARN = "warn", _("Warning")
    MUTE = "mute", pgettext_lazy("sanction", "Mute")
    BAN = "ban", _("Ban")


class Sanction(models.Model):
    """One step on a member's ladder (warn, mute, ban): what the step-up button
    counts, what a queue item shows as "recent sanctions" and what holds a
    member's trust level down (moderation.trust). Lifting a mute or a ban early
    sets ``lifted_at``; the audit log keeps who did what."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=SanctionKind.choices)
    minutes = models.PositiveIntegerField(null=True, blank=True)
    room_slug = models.CharField(max_length=64, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} of {self.member_id}"


class TrustOverride(models.TextChoices):
    """A facilitator's say over a member's trust level, or none (auto)."""

    AUTO = "auto", _("By time and participation")
    TRUSTED = "trusted", _("Promoted by a facilitator")
    RESTRICTED = "restricted", _("Restricted by a facilitator")


class Standing(models.Model):
    """A facilitator's override of a member's trust level (moderation.trust);
    no row means "auto"."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    override = models.CharField(
        max_length=10, choices=TrustOverride.choices, default=TrustOverride.AUTO
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.member_id}: {self.override}"


class AuditEntry(models.Model):
    """Append-only record of every moderation decision: never edited, never deleted
    through the application."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_handle = models.CharField(max_length=24)
    action = models.CharField(max_length=24)
    item = models.ForeignKey(QueueItem, null=True, blank=True, on_delete=models.SET_NULL)
    target_handle = models.CharField(max_length=24, blank=True)
    room_slug = models.CharField(max_length=64, blank=True)
    message_id = models.BigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.actor_handle} {self.action} {self.target_handle}".strip()

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")


class LabelKind(models.TextChoices):
    """A facilitator's verdict on the detector, kept to retrain it."""

    NOT_CRISIS = "not_crisis", _("Flagged, but not a crisis")
    MISSED_CRISIS = "missed_crisis", _("A crisis the detector missed")


class CrisisLabel(models.Model):
    """A facilitator's verdict on the crisis detector, kept to retrain it
    (``crisis_scan --export-feedback``). Deliberately anonymous: the message
    text as stored (contact details removed) and what the detector said, never
    who wrote it, who labelled it, or which message or item it was (the audit
    log says who decided)."""

    text = models.TextField()
    label = models.CharField(max_length=16, choices=LabelKind.choices)
    #: The crisis category: the detector's for a false alarm, the facilitator's
    #: choice for a missed one.
    category = models.CharField(max_length=16)
    #: What the detector did with the message: "lexicon" or "model" (a false
    #: alarm), or "" (it flagged nothing).
    stage = models.CharField(max_length=8, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.label} ({self.category})"


class OnCall(models.Model):
    """Who is paged when a crisis item has no facilitator (one row, edited in the
    admin; adds to ``CRISIS_WEBHOOK_URL``/``CRISIS_ONCALL_EMAILS``, see
    moderation.paging). Staff addresses, never members'."""

    SINGLETON = 1

    webhook_url = models.URLField(
        blank=True, help_text="POSTed a signed JSON page (docs/safety.md)."
    )
    webhook_secret = models.CharField(
        max_length=200, blank=True, help_text="Signs each webhook request (HMAC-SHA256)."
    )
    emails = models.CharField(
        max_length=1000, blank=True, help_text="On-call e-mail addresses, comma-separated."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "on-call targets"
        verbose_name_plural = "on-call targets"

    def __str__(self) -> str:
        return "On-call targets"

    def save(self, *args, **kwargs) -> None:
        self.pk = self.SINGLETON
        super().save(*args, **kwargs)

    def email_list(self) -> list[str]:
        return [e.strip() for e in self.emails.split(",") if e.strip()]
