"""The interface rooms own for whoever moderates the one message path.

rooms never imports the moderation app. The message path asks a
:class:`MessagePolicy` what it needs to know — is the sender muted, what does a
refused or a stored message set off, how does a report get filed — and the
policy in use is named by the ``ROOMS_MESSAGE_POLICY`` setting (a dotted path,
the way ``SESSION_ENGINE`` names a session backend). Kindred sets it to
``moderation.policy.ModerationPolicy``; the default here moderates nothing, so
rooms works (and is tested) on its own.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import DateTimeField, Expression, Model, Value
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.errors import NotAllowed

#: ``check_not_muted``'s *until* when the caller did not read the mute.
UNREAD: Any = object()


@dataclass
class Inspection:
    """What the policy decided about a message about to be stored."""

    #: What the room is shown (the policy may redact the sanitised HTML).
    html: str
    #: Held for a facilitator's look instead of shown.
    hold: bool = False
    #: A crisis card for the sender, sent before the ack (a judgement made
    #: after the ack reaches the sender's sockets on its own: after_store).
    card: dict[str, Any] | None = None
    #: The text to store instead of what was sent (the policy redacted it: the
    #: original is kept nowhere); None stores the text as sent.
    body: str | None = None

    def queue_item(self, *, member: Any, room: Any, text: str) -> Model | None:
        """An unsaved row with a ``message`` foreign key, stored by the same
        statement as the message (rooms.store); None when nothing was flagged."""
        return None

    def after_store(self, *, item: Model | None, message: Model) -> None:
        """*message* and *item* are stored (inside the sender's transaction);
        what the policy still has to judge about it starts once that commits."""

    def card_not_shown(self, *, member_id: int) -> None:
        """The send that made ``card`` failed: the member never saw it."""


class MessagePolicy:
    """No moderation: nobody is muted, nothing is flagged, reports are refused."""

    def mute_until_sql(self) -> str:
        """A scalar SQL subquery for the sender's active mute in the room, over
        the aliases ``m`` (member) and ``r`` (room) and the ``%(now)s``
        parameter (rooms.sender's one-statement read on PostgreSQL)."""
        return "NULL::timestamptz"

    def mute_until_column(self, *, room_id: int) -> Expression:
        """The same as an ORM expression on a Member query (``OuterRef("pk")``)."""
        return Value(None, output_field=DateTimeField())

    def check_not_muted(self, *, member: Any, room: Any, until: Any = UNREAD) -> None:
        """Raise the ``muted`` refusal for a muted sender; *until* when already read."""

    def mute_until(self, *, member: Any, room: Any, until: Any = UNREAD) -> Any:
        """When the member's mute in *room* ends (a datetime), or None: the welcome
        says so, so the room can show it beside the composer before they post.
        *until* is the mute as ``mute_until_sql`` read it, when the caller did."""
        return None

    def rate_limited(self, *, member: Any, room: Any) -> None:
        """The sender was refused for sending too fast."""

    def check_can_send(self, *, member: Any, room: Any, text: str) -> None:
        """Raise a refusal for what the sender may not post yet (a new handle's
        link, a new handle over its lower message rate); called after the
        room's own checks, before the message is inspected and stored."""

    def first_posts_wait(self, *, member: Any, room: Any) -> bool:
        """Will *member*'s next message in *room* wait for a facilitator's look
        (a new handle in a sensitive room)? The welcome says so before they post."""
        return False

    def check_can_request_chat(self, *, member: Any) -> None:
        """Raise a refusal when *member* may not ask for one-on-one chats yet."""

    def refused(
        self, *, member: Any, room: Any, text: str, country_hint: str | None
    ) -> dict[str, Any] | None:
        """A message was refused before storing; the crisis card it calls for, if any."""
        return None

    def inspect(
        self, *, member: Any, room: Any, text: str, html: str, country_hint: str | None
    ) -> Inspection:
        return Inspection(html=html)

    def report(self, **kwargs: Any) -> dict[str, Any]:
        """A member reports a message (the ``report`` frame of every socket)."""
        raise NotAllowed(_("Reports are not taken here."))


@functools.cache
def _policy(path: str) -> MessagePolicy:
    return import_string(path)()


def message_policy() -> MessagePolicy:
    """The policy named by ``ROOMS_MESSAGE_POLICY`` (one instance per path)."""
    return _policy(getattr(settings, "ROOMS_MESSAGE_POLICY", "rooms.policy.MessagePolicy"))
