"""Rooms, their messages, and who blocks whom.

A one-on-one chat is a room of kind ``direct`` with exactly two participants
(see the chats work), so every message, in a topic room or a private chat, goes
through the one message path in :mod:`rooms.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RoomKind(models.TextChoices):
    """A room open to everyone, or the private room of a one-on-one chat."""

    TOPIC = "topic", _("Topic room")
    DIRECT = "direct", _("One-on-one chat")


class ReactionNames(models.TextChoices):
    """Who may see who reacted to a message (the counts are everyone's)."""

    AUTHOR = "author", _("The message's author")
    NOBODY = "nobody", _("Nobody")


class Room(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=8, choices=RoomKind.choices, default=RoomKind.TOPIC)
    is_locked = models.BooleanField(default=False, help_text="Only facilitators may post.")
    slow_mode_seconds = models.PositiveIntegerField(
        default=0, help_text="Each member may post once per this many seconds (0: off)."
    )
    members_only_after_minutes = models.PositiveIntegerField(
        default=0, help_text="New handles may read but not post for this many minutes."
    )
    hold_crisis_messages = models.BooleanField(
        default=False,
        help_text="Hold messages the crisis detector flags for a facilitator instead of "
        "delivering them to the room.",
    )
    sensitive = models.BooleanField(
        default=False,
        help_text="A new handle's first messages here wait for a facilitator's quick look "
        "(or a short delay) before the room sees them (docs/moderation.md).",
    )
    reaction_names = models.CharField(
        max_length=8,
        choices=ReactionNames.choices,
        default=ReactionNames.AUTHOR,
        help_text="Who sees who reacted to a message; everyone sees the counts.",
    )
    position = models.PositiveIntegerField(default=0)
    #: The language the room talks in (a code of settings.LANGUAGES): the home page
    #: lists the member's own language's rooms first (docs/i18n.md).
    language = models.CharField(max_length=8, default="en")
    #: Id of the newest message, updated under the row lock that orders sends,
    #: so the live fan-out can tell a late message from a missing one.
    last_message_id = models.BigIntegerField(default=0, editable=False)
    pinned_message = models.ForeignKey(
        "Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title


class MessageKind(models.TextChoices):
    TEXT = "text", _("Message")
    #: A recovery milestone the member chose to share (recovery.journeys).
    MILESTONE = "milestone", _("Milestone")


class Message(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages"
    )
    #: The cleaned text as the member wrote it (control characters removed).
    body = models.TextField()
    #: The one safe rendering of ``body``; what every client shows.
    html = models.TextField()
    nonce = models.CharField(max_length=64, blank=True)
    #: Id of the room's previous message when this one was written.
    prev_id = models.BigIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    #: Held for a facilitator (crisis policy) instead of delivered.
    held = models.BooleanField(default=False)
    kind = models.CharField(
        max_length=10, choices=MessageKind.choices, default=MessageKind.TEXT, db_default="text"
    )

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["room", "id"], name="message_room_id"),
            # A member's latest messages in a room: the message rate limit, read on every send.
            models.Index(fields=["author", "room", "sent_at"], name="message_author_room_sent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "room", "nonce"],
                condition=~Q(nonce=""),
                name="message_nonce_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.author_id} in {self.room_id}: {self.body[:40]}"


class Block(models.Model):
    """*blocker* no longer sees anything *blocked* writes."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocked_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class ChatStatus(models.TextChoices):
    """A one-on-one chat from the request to its end (a request nobody
    answers in time expires)."""

    REQUESTED = "requested", _("Requested")
    OPEN = "open", pgettext_lazy("state", "Open")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Ignored")
    CLOSED = "closed", _("Closed")


class ChatOrigin(models.TextChoices):
    """How a one-on-one chat began: a member asked another, the drop-in line
    matched them, or a facilitator reached out."""

    REQUEST = "request", _("Member request")
    DROPIN = "dropin", _("Drop-in line")
    REACH_OUT = "reach_out", _("Facilitator reach-out")


class Chat(models.Model):
    """A one-on-one conversation: a direct room with exactly two participants,
    opened only by consent (or by a member's own drop-in request)."""

    room = models.OneToOneField(Room, on_delete=models.CASCADE, related_name="chat")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ChatStatus.choices, default=ChatStatus.REQUESTED
    )
    origin = models.CharField(max_length=10, choices=ChatOrigin.choices, default=ChatOrigin.REQUEST)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["requester", "recipient", "created_at"], name="chat_pair")]

    def __str__(self) -> str:
        return f"chat {self.pk} ({self.status})"

    def other(self, member_id: int) -> int:
        return self.recipient_id if member_id == self.requester_id else self.requester_id


class DropInStatus(models.TextChoices):
    """A request on the drop-in line: waiting for a supporter, matched with
    one, or cancelled."""

    WAITING = "waiting", _("Waiting")
    MATCHED = "matched", _("Matched")
    CANCELLED = "cancelled", _("Cancelled")


class DropInRequest(models.Model):
    """ "Talk to someone now": a member waiting for a facilitator or peer supporter."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=10, choices=DropInStatus.choices, default=DropInStatus.WAITING
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    matched_at = models.DateTimeField(null=True, blank=True)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    chat = models.ForeignKey(Chat, null=True, blank=True, on_delete=models.SET_NULL)
    timeout_notified_at = models.DateTimeField(null=True, blank=True)
    #: The language the member asked to talk in (settings.LANGUAGES).
    language = models.CharField(max_length=8, default="en")
    #: When the request was offered to every available helper, not only those who
    #: speak its language (at once when none of them was free; else after
    #: ``DROPIN_LANGUAGE_FALLBACK_SECONDS``). Null: speakers only so far.
    widened_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"drop-in {self.pk} ({self.status})"


class Reaction(models.Model):
    """One member's support reaction to a room message (rooms/reactions.py)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    #: One of rooms.reactions.REACTIONS.
    reaction = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "member", "reaction"], name="reaction_once")
        ]
        indexes = [models.Index(fields=["message", "reaction"], name="reaction_message")]

    def __str__(self) -> str:
        return f"{self.reaction} on {self.message_id} by {self.member_id}"
