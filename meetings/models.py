"""Meetings: a schedule of hosted sessions in a topic room, and what happens in each.

A :class:`Meeting` is the schedule (a local start time in its own time zone,
a duration, a recurrence); each time it comes round the periodic duty opens a
:class:`Session` for that occurrence, which carries meeting mode: the host's
arrival, the check-in round, the floor, the log late joiners read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Format(models.TextChoices):
    """The kind of meeting a host runs, shown on the schedule."""

    OPEN_SHARE = "open_share", _("Open share")
    CHECK_IN = "check_in", _("Check-in round")
    TOPIC = "topic", _("Topic discussion")
    NEWCOMERS = "newcomers", _("Newcomers' welcome")
    FAMILY = "family", _("Family and allies")


class Recurrence(models.TextChoices):
    """How often a meeting happens (weekly ones on the days the schedule names)."""

    ONCE = "once", _("Once")
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Weekly, on given days")


class DuringRound(models.TextChoices):
    """What happens to a message from someone without the floor in the check-in round."""

    WAIT = "wait", _("It waits until the floor is open")
    SIDE = "side", _("It goes to the room as a side conversation")


class Meeting(models.Model):
    room = models.ForeignKey("rooms.Room", on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(max_length=80)
    description = models.CharField(max_length=500, blank=True)
    format = models.CharField(max_length=16, choices=Format.choices, default=Format.OPEN_SHARE)
    hosts = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="hosted_meetings")
    #: The first occurrence's local date and the local start time, in ``time_zone``.
    starts_on = models.DateField()
    start_time = models.TimeField()
    time_zone = models.CharField(max_length=64, default="UTC")
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    recurrence = models.CharField(max_length=8, choices=Recurrence.choices, default=Recurrence.ONCE)
    #: Weekly: the days it meets, Monday 0 … Sunday 6, as digits ("024").
    weekdays = models.CharField(max_length=7, blank=True)
    during_round = models.CharField(
        max_length=4, choices=DuringRound.choices, default=DuringRound.WAIT
    )
    #: The host's opening and closing words; blank: the format's template.
    opening = models.TextField(blank=True)
    closing = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["start_time", "pk"]

    def __str__(self) -> str:
        return self.title


class SessionState(models.TextChoices):
    """One occurrence of a meeting, from the waiting room to its end."""

    WAITING = "waiting", _("Waiting for the host")
    LATE = "late", _("Host running late")
    LIVE = "live", _("Live")
    ENDED = "ended", _("Ended")
    CANCELLED = "cancelled", _("Cancelled")


class Session(models.Model):
    """One occurrence of a meeting, from its start time on (meeting mode)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sessions")
    room = models.ForeignKey("rooms.Room", on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=SessionState.choices)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True)
    ended_at = models.DateTimeField(null=True)
    round_active = models.BooleanField(default=False)
    floor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reading = models.ForeignKey(
        "rooms.Message", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: The slow mode the room had before the host turned it on (restored at the end).
    slow_mode_before = models.PositiveIntegerField(null=True)
    #: What has happened so far, for late joiners: [{"at", "what", "handle"}].
    log = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "starts_at"], name="one_session_per_start")
        ]
        indexes = [models.Index(fields=["room", "state"])]

    def __str__(self) -> str:
        return f"{self.meeting_id} at {self.starts_at:%Y-%m-%d %H:%M}Z"


class Hand(models.Model):
    """A raised hand in a session's check-in round, in the order raised."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="hands")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    #: When the host gave this member the floor (then the hand is down).
    called_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="one_hand_per_member")
        ]

    def __str__(self) -> str:
        return f"hand {self.member_id} in {self.session_id}"


class Reminder(models.Model):
    """A member asked to be reminded before each occurrence of a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reminders")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="one_reminder_per_member")
        ]

    def __str__(self) -> str:
        return f"reminder {self.member_id} for {self.meeting_id}"


class Attendance(models.Model):
    """Opt-in and private: the member said "I was here" at a session (only they see it)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="one_attendance_per_member")
        ]

    def __str__(self) -> str:
        return f"attendance {self.member_id} at {self.session_id}"
