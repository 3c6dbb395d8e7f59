"""What a member keeps of their recovery: private to them, gone with their handle.

A :class:`Journey` is one thing they are recovering from, counted from its
current start date in their own time zone. A slip never zeroes anything: the
days of the stretch that ended are added to ``days_before`` (total days in
recovery) and ``comebacks`` goes up by one ("times you came back").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Journey(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journeys"
    )
    #: What they are recovering from, in their words or from the short list.
    label = models.CharField(max_length=60)
    #: The current stretch's first day (a date in the member's time zone).
    started_on = models.DateField()
    #: Days in recovery of the stretches before this one.
    days_before = models.PositiveIntegerField(default=0)
    #: How many times they came back after a slip.
    comebacks = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"journey {self.pk} of {self.member_id}"


class MilestoneAnswer(models.Model):
    """A milestone the member was offered and answered (shared or not now), once
    per stretch: after a comeback, the same milestone is offered again."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="answers")
    stretch_start = models.DateField()
    #: "d7", "d90", "y1" ... (recovery.days.MILESTONES).
    key = models.CharField(max_length=8)
    shared = models.BooleanField(default=False)
    message_id = models.BigIntegerField(null=True, blank=True)
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["journey", "stretch_start", "key"], name="milestone_answer_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} of journey {self.journey_id}"


class CheckIn(models.Model):
    """How today went, once per day (a date in the member's time zone)."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_checkins"
    )
    day = models.DateField()
    #: 1 (a very hard day) to 5 (a really good day): recovery.checkins.LEVELS.
    level = models.PositiveSmallIntegerField()
    note = models.TextField(blank=True)
    support = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["member", "day"], name="checkin_per_day")]

    def __str__(self) -> str:
        return f"check-in of {self.member_id} on {self.day}"


class CheckInPrompt(models.Model):
    """Whether the daily check-in is offered on arrival (off after three dismissals)."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkin_prompt"
    )
    enabled = models.BooleanField(default=True)
    dismissals = models.PositiveSmallIntegerField(default=0)
    dismissed_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"check-in prompt of {self.member_id}"


class PartnerStatus(models.TextChoices):
    """An accountability partnership: asked and not yet answered, agreed, or
    ended by either partner."""

    ASKED = "asked", _("Asked")
    ACTIVE = "active", _("Partners")
    ENDED = "ended", _("Ended")


class Partnership(models.Model):
    """Two accountability partners: *asker* asked, *partner* agreed. Either may end it."""

    asker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        max_length=8, choices=PartnerStatus.choices, default=PartnerStatus.ASKED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["asker", "partner", "status"], name="partner_pair")]

    def __str__(self) -> str:
        return f"partners {self.asker_id} and {self.partner_id} ({self.status})"

    def other(self, member_id: int) -> int:
        return self.partner_id if member_id == self.asker_id else self.asker_id


class NeedsReply(models.Model):
    """A message the watch alerted about (or decided not to): each is looked at once."""

    message_id = models.BigIntegerField(unique=True)
    reason = models.CharField(max_length=16)
    alerted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"needs-a-reply check of message {self.message_id}"
