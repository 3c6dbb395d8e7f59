"""Members: anonymous handles tied to a Django session.

A member is a handle and a role, nothing more. No email, phone number, real name
or IP address is asked for or stored. Facilitators and supporters are members
too; the only difference is that they are accountable people who sign in with a
password, and members still see them only by handle.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from community.handles import handle_key


class Role(models.TextChoices):
    """What a member may do: members and peer supporters take part; facilitators
    moderate and answer the drop-in line; admins also run the site."""

    MEMBER = "member", _("Member")
    SUPPORTER = "supporter", _("Peer supporter")
    FACILITATOR = "facilitator", _("Facilitator")
    ADMIN = "admin", _("Admin")


#: Roles that may act on the moderation queue.
MODERATOR_ROLES = frozenset({Role.FACILITATOR, Role.ADMIN})


class MemberManager(BaseUserManager):
    def create_user(self, handle: str, password: str | None = None, **fields) -> Member:
        member = self.model(handle=handle, **fields)
        if password:
            member.set_password(password)
        else:
            member.set_unusable_password()
        member.save(using=self._db)
        return member

    def create_superuser(self, handle: str, password: str | None = None, **fields) -> Member:
        fields.setdefault("role", Role.ADMIN)
        return self.create_user(handle, password, **fields)

    def get_by_natural_key(self, handle: str) -> Member:
        return self.get(handle_key=handle_key(handle))


class Member(AbstractBaseUser):
    handle = models.CharField(max_length=24, unique=True)
    #: The handle's look-alike skeleton (case folded, 0/o, 1/l/i … merged,
    #: underscores dropped). Unique, so "GentleHeron", "gentle_heron" and
    #: "GentIeHeron" cannot all exist and impersonate one another.
    handle_key = models.CharField(max_length=24, unique=True, editable=False)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    #: A hash (Django's password hasher) of the one-time recovery phrase.
    recovery_hash = models.CharField(max_length=256, blank=True, editable=False)
    #: ISO 3166 alpha-2, chosen by the member, for crisis resources. Optional.
    country = models.CharField(max_length=2, blank=True)
    invisible = models.BooleanField(
        default=False, help_text="Counted in numbers, not listed by handle."
    )
    open_to_chat = models.BooleanField(default=False)
    #: An IANA time zone name the member chose, for the times pages show. Optional.
    time_zone = models.CharField(max_length=64, blank=True)
    #: The language the member chose ("en", "es"; settings.LANGUAGES), or blank to
    #: follow the browser (core.language).
    language = models.CharField(max_length=8, blank=True)
    #: Staff only: the languages (codes of settings.LANGUAGES) they can support
    #: someone in, so the drop-in line offers a member in their language first
    #: (rooms.dropin). Empty: the language they use Kindred in.
    speaks = models.JSONField(default=list, blank=True)
    #: Whether the member wants notifications outside Kindred (Web Push) at all.
    notifications = models.BooleanField(default=True)
    #: A facilitator's choice; counted as "on duty" only while connected.
    on_duty = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    is_banned = models.BooleanField(default=False)
    #: SHA-256 of the random device cookie of the browser that joined, so a ban
    #: can also refuse new sessions from that browser. Not a fingerprint.
    device_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    #: Raised to end every session of the member at once ("sign out everywhere",
    #: a role change): it is part of the hash each session is checked against.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    objects = MemberManager()

    USERNAME_FIELD = "handle"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["handle"]
        indexes = [models.Index(Lower("handle"), name="member_handle_lower")]

    def __str__(self) -> str:
        return self.handle

    def save(self, *args, **kwargs) -> None:
        # The skeleton follows the handle on every save, whoever saves it (the
        # admin site included), so look-alike checks never read a stale key.
        self.handle_key = handle_key(self.handle)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "handle" in update_fields:
            kwargs["update_fields"] = {*update_fields, "handle_key"}
        super().save(*args, **kwargs)

    # Django checks every request's and socket's session against this hash; with
    # the epoch in it, raising the epoch ends every session. At epoch 0 it is
    # Django's own hash, so sessions from before the epoch existed stay valid.
    def get_session_auth_hash(self) -> str:
        return self._session_hash(None)

    def get_session_auth_fallback_hash(self):
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret)

    def _session_hash(self, secret: str | None) -> str:
        signed = (
            self.password if not self.session_epoch else f"{self.password}:{self.session_epoch}"
        )
        salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        return salted_hmac(salt, signed, secret=secret, algorithm="sha256").hexdigest()

    @property
    def is_moderator(self) -> bool:
        return self.role in MODERATOR_ROLES

    # The admin site asks these; only the admin role gets in.
    @property
    def is_staff(self) -> bool:
        return self.role == Role.ADMIN and self.is_active

    @property
    def is_superuser(self) -> bool:
        return self.is_staff

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return self.is_staff

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_staff


class BannedDevice(models.Model):
    """A browser a banned member used, by the hash of its device cookie.

    The cookie is a random token set on the browser when it first joins; only its
    SHA-256 is kept here, and only for banned members, so it identifies a browser
    to refuse, not a person.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    member = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"banned device of {self.member}"


class InboxKind(models.TextChoices):
    """What an inbox item is about: a one-on-one chat, a notice, or a
    check-in."""

    CHAT = "chat", _("Chat")
    NOTICE = "notice", _("Notice")
    CHECKIN = "checkin", _("Check-in")


class InboxItem(models.Model):
    """A notice addressed to one member, kept until read and past (community/inbox.py).

    Its text is written by Kindred, never copied from another member's private
    message: "New message from X", not the message.
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="inbox")
    kind = models.CharField(max_length=16, choices=InboxKind.choices)
    text = models.CharField(max_length=500)
    #: A page of Kindred to open (a path), or blank.
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    #: When set, makes an add idempotent per member (a retried delivery stores one item).
    key = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "key"], condition=~models.Q(key=""), name="inbox_member_key"
            ),
        ]
        indexes = [
            models.Index(
                fields=["member"],
                condition=models.Q(read_at__isnull=True),
                name="inbox_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.member_id}: {self.text[:40]}"


class PushSubscription(models.Model):
    """A browser's Web Push endpoint for one member (community/push.py).

    The endpoint is the browser vendor's URL for this browser; the keys encrypt
    what is sent there. Nothing sent through it names anyone or quotes anything.
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"push subscription of {self.member_id}"
