"""Applications to become a peer supporter, their course and shadowing, and the
records that look after supporters (shifts, hand-overs, debriefs, thanks).

Nothing here names a person beyond their handle: an application asks for no
identity, and a supporter stays anonymous to members.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    """Where a member is on the way to peer supporter: the course, shadowing, a
    facilitator's review (which may ask for more), and how it ended."""

    LEARNING = "learning", _("Taking the course")
    SHADOWING = "shadowing", _("Shadowing")
    REVIEW = "review", _("Waiting for a facilitator")
    MORE = "more", _("Asked to do more")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: Applications still on their way (one per member at a time).
OPEN_STATUSES = (
    ApplicationStatus.LEARNING,
    ApplicationStatus.SHADOWING,
    ApplicationStatus.REVIEW,
    ApplicationStatus.MORE,
)


class Application(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications"
    )
    status = models.CharField(
        max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.LEARNING
    )
    #: The member's own words, optional; shown only to facilitators.
    motivation = models.CharField(max_length=1000, blank=True)
    #: Course module slug -> ISO time it was passed.
    course = models.JSONField(default=dict, blank=True)
    shadow_seconds = models.PositiveIntegerField(default=0)
    shadow_last_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: What the facilitator told the applicant (kind words, shown to them).
    reason = models.CharField(max_length=1000, blank=True)
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    probation_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(status__in=["learning", "shadowing", "review", "more"]),
                name="application_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"application {self.pk} ({self.status})"


class PasswordLink(models.Model):
    """A one-time link (only its hash kept) for an approved applicant to set a password."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    role = models.CharField(max_length=16)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"password link for {self.member_id}"


class Shift(models.Model):
    """A stretch of time a supporter was open to drop-in chats."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=models.Q(ended_at__isnull=True), name="shift_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"shift of {self.member_id} from {self.started_at:%Y-%m-%d %H:%M}"


class Handover(models.Model):
    """A helper stepped away from a drop-in chat: the member is back in line with a note."""

    request = models.OneToOneField("rooms.DropInRequest", on_delete=models.CASCADE)
    from_chat = models.ForeignKey(
        "rooms.Chat", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_handle = models.CharField(max_length=24)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"hand-over of drop-in {self.request_id}"


class Debrief(models.Model):
    """A supporter's private reflection after a chat that had a crisis hand-off.
    Read by nobody but them, unless they ask their mentor to get in touch."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    chat = models.ForeignKey("rooms.Chat", null=True, on_delete=models.SET_NULL, related_name="+")
    feeling = models.CharField(max_length=16, blank=True)
    notes = models.CharField(max_length=2000, blank=True)
    wants_mentor = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "chat"], name="debrief_once")]

    def __str__(self) -> str:
        return f"debrief of {self.member_id}"


class Thanks(models.Model):
    """A member's private "this helped" after a chat: seen only by the helper."""

    chat = models.OneToOneField("rooms.Chat", on_delete=models.CASCADE, related_name="+")
    helper = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    words = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"thanks for chat {self.chat_id}"
