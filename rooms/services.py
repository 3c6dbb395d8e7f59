"""The one message path, for HTTP and WebSocket alike.

``message_send`` checks (access, lock, new-handle wait, mute, length, rate,
slow mode), sanitises, scans for crisis language, stores under the room's row
lock so ids commit in order, and only after commit publishes to the live
fan-out. Consumers call it off the event loop and reply with what it returns.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, connection
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from community.handles import handle_key
from community.models import Member, Role
from core import ratelimit
from core.errors import KindredError, NotFound, RateLimited
from core.frames import timestamp
from realtime import bus
from realtime.db import check_idle_connections
from rooms import chat_notices, presence_glue
from rooms.access import (
    check_member,
    check_member_found,
    check_room_access,
    check_room_found,
)
from rooms.data import MessageData, SendResult, Welcome
from rooms.entry import room_entry
from rooms.models import Block, Message, MessageKind, Room, RoomKind
from rooms.policy import message_policy
from rooms.sanitize import clean_text, is_blank, render_body
from rooms.selectors import blocked_ids, message_data, messages_before, room_data
from rooms.sender import read_sender
from rooms.store import message_insert

logger = logging.getLogger("kindred.rooms")


# --- checks ------------------------------------------------------------------


def check_can_post(*, member: Member, room: Room) -> None:
    """Locked room, new-handle wait, mute. The mute is read here unless *member*
    came from ``_check_sender``, which read it already."""
    if member.is_moderator:
        return
    if room.is_locked:
        raise KindredError(
            _("This room is locked for now. You can still read along."), code="locked"
        )
    wait = room.members_only_after_minutes
    if wait and room.kind == RoomKind.TOPIC:
        allowed_at = member.created_at + timedelta(minutes=wait)
        remaining = (allowed_at - timezone.now()).total_seconds()
        if remaining > 0:
            raise KindredError(
                _(
                    "New handles can read here for a little while before posting. "
                    "Welcome — have a look around."
                ),
                retry_after=ratelimit.retry_after(remaining),
                code="not_allowed_yet",
            )
    policy = message_policy()
    if hasattr(member, "muted_until"):
        policy.check_not_muted(member=member, room=room, until=member.muted_until)
    else:
        policy.check_not_muted(member=member, room=room)


def check_body(*, body: str) -> str:
    text = clean_text(body)
    if is_blank(text):
        # Invisible characters only (tag characters, Hangul fillers, soft
        # hyphens): it would be broadcast as a blank message.
        raise KindredError(_("Write something before sending."), code="empty")
    limit = settings.MESSAGE_MAX_LENGTH
    if len(text) > limit:
        raise KindredError(
            _("Messages can be up to %(limit)s characters; this one is %(length)s.")
            % {
                "limit": number_format(limit, force_grouping=True),
                "length": number_format(len(text), force_grouping=True),
            },
            limit=limit,
            code="too_long",
        )
    return text


@functools.cache
def _parsed_rate(text: str) -> ratelimit.Rate:
    return ratelimit.Rate.parse(text)


def message_rate() -> ratelimit.Rate:
    """``MESSAGE_RATE_LIMIT``, parsed once per value."""
    return _parsed_rate(settings.MESSAGE_RATE_LIMIT)


def check_rates(*, member: Member, room: Room) -> None:
    """The message rate limit, then slow mode. *member* comes from
    ``_check_sender``: the rate limit counts their stored messages in this room,
    read with them (``rate_full_at``), so it costs a send no round trip of its
    own. Sends that overlap from one member's several sockets can each pass
    before the others are stored, one message over the limit per extra socket
    at most; slow mode, which is exact, is kept in the shared rate limiter."""
    rate = message_rate()
    wait = 0.0
    if rate.count > 0 and member.rate_full_at is not None:
        until = member.rate_full_at + timedelta(seconds=rate.seconds)
        wait = (until - timezone.now()).total_seconds()
    if wait > 0:
        message_policy().rate_limited(member=member, room=room)
        raise RateLimited(
            _("You're sending messages quickly. Take a breath and try again in a moment."),
            retry_after=ratelimit.retry_after(wait),
        )
    if room.slow_mode_seconds and not member.is_moderator:
        wait = ratelimit.hit(f"slow:{member.pk}:{room.pk}", f"1/{room.slow_mode_seconds}s")
        if wait:
            raise KindredError(
                _("Slow mode is on here: one message every %(seconds)s seconds.")
                % {"seconds": room.slow_mode_seconds},
                retry_after=ratelimit.retry_after(wait),
                code="slow_mode",
            )


# --- actions -----------------------------------------------------------------


def _existing(member: Member, room: Room, nonce: str) -> MessageData | None:
    found = Message.objects.filter(author=member, room=room, nonce=nonce).first()
    return message_data(found, room_slug=room.slug, author=member.handle) if found else None


def _check_sender(*, member_id: int, room_slug: str, nonce: str | None) -> tuple[Member, Room]:
    """``check_member`` and ``check_room_access`` for a send, with the sender's mute,
    their latest messages in the room and any message they already sent under
    *nonce* read at the same time (rooms/sender.py: one statement on PostgreSQL)."""
    room, member = read_sender(
        member_id=member_id, room_slug=room_slug, nonce=nonce, rate=message_rate()
    )
    member = check_member_found(member)
    return member, check_room_found(member=member, room=room)


def message_send(
    *,
    member_id: int,
    room_slug: str,
    body: str,
    nonce: str | None = None,
    country_hint: str | None = None,
    kind: str = MessageKind.TEXT,
) -> SendResult:
    """Store and publish one message; idempotent per (member, room, nonce).
    *kind* marks a special message (a shared milestone) for the clients.

    A pooled connection that died with a database restart fails the first
    statement sent on it; with a nonce the send is then tried once more on a
    live connection, which is safe because the nonce makes it idempotent."""
    kwargs = {
        "member_id": member_id,
        "room_slug": room_slug,
        "body": body,
        "nonce": nonce,
        "country_hint": country_hint,
        "kind": kind,
    }
    try:
        return _message_send(**kwargs)
    except (OperationalError, InterfaceError):
        if not nonce or not _connection_was_dead():
            raise
        logger.warning("database connection was dead; sending again on a fresh one")
        connection.close()  # the pool discards a broken connection given back
        # Its idle siblings most likely died with it (a restart): weed them out
        # before borrowing again.
        check_idle_connections()
        return _message_send(**kwargs)


def _connection_was_dead() -> bool:
    raw = connection.connection
    return (
        raw is not None
        and not connection.in_atomic_block
        and bool(getattr(raw, "broken", False) or getattr(raw, "closed", False))
    )


def _checked_text(*, member: Member, room: Room, body: str, country_hint: str | None) -> str:
    """The body to store, after every check a post must pass. Someone refused
    (muted, too fast, locked room, brand-new handle, too long) may be in crisis:
    the refusal carries their card, and a facilitator is still alerted. The
    refusal itself stands."""
    try:
        check_can_post(member=member, room=room)
        text = check_body(body=body)
        check_rates(member=member, room=room)
        message_policy().check_can_send(member=member, room=room, text=text)
    except KindredError as refusal:
        refusal.crisis = message_policy().refused(
            member=member, room=room, text=clean_text(body), country_hint=country_hint
        )
        raise
    return text


def _message_send(
    *,
    member_id: int,
    room_slug: str,
    body: str,
    nonce: str | None,
    country_hint: str | None,
    kind: str,
) -> SendResult:
    member, room = _check_sender(member_id=member_id, room_slug=room_slug, nonce=nonce)
    if nonce and member.sent_id is not None:
        seen = _existing(member, room, nonce)
        if seen is not None:
            return SendResult(message=seen, duplicate=True)
    text = _checked_text(member=member, room=room, body=body, country_hint=country_hint)
    html = render_body(text)

    inspection = message_policy().inspect(
        member=member, room=room, text=text, html=html, country_hint=country_hint
    )
    text = text if inspection.body is None else inspection.body  # redacted: kept nowhere
    # What the inspection flagged (a crisis alert, a new handle's link) is stored
    # by the same statement as the message (rooms.store).
    item = inspection.queue_item(member=member, room=room, text=text)
    try:
        message = message_insert(
            room=room,
            author=member,
            body=text,
            html=inspection.html,
            nonce=nonce or "",
            held=inspection.hold,
            item=item,
            kind=kind,
        )
    except Exception as exc:
        # This send's card (if it made one) will not reach the member: give it
        # back, so the retry or the next crisis message brings it.
        inspection.card_not_shown(member_id=member.pk)
        # The same nonce raced in on another socket: both get the one message.
        if (
            isinstance(exc, IntegrityError)
            and nonce
            and (seen := _existing(member, room, nonce)) is not None
        ):
            return SendResult(message=seen, duplicate=True)
        raise
    data = message_data(message, room_slug=room.slug, author=member.handle)
    inspection.after_store(item=item, message=message)
    bus.publish_message_on_commit(data, held=inspection.hold)
    chat_notices.notice_message_away(room=room, author=member, held=inspection.hold)
    return SendResult(message=data, crisis=inspection.card, held=inspection.hold)


def room_id_for(*, member_id: int, room_slug: str, kind: str = RoomKind.TOPIC) -> int:
    """The id of the room a socket may open. A chat's room is reachable only
    through its chat socket; by slug it is as unknown as a missing room."""
    return room_entry(member_id=member_id, room_slug=room_slug, kind=kind).room.pk


def room_welcome(*, member_id: int, room_slug: str, conn_id: str | None = None) -> Welcome:
    """Everything a socket needs on connect: the room, you, recent history, who is here.

    With *conn_id*, the socket is also entered into presence first, so the
    member sees themselves among those online. The room, the member and what
    the welcome tells them about themselves are one read (rooms.entry).
    """
    entry = room_entry(member_id=member_id, room_slug=room_slug, welcome=True)
    member, room, hidden = entry.member, entry.room, entry.blocked_ids
    key = presence_glue.presence_key(room.slug, room.kind, room.pk)
    if conn_id is not None:
        presence_glue.join(conn_id=conn_id, member=member, room_key=key, room_id=room.pk)
    history = _newest(room, member, hidden, settings.HISTORY_ON_CONNECT)
    pinned = None
    if room.pinned_message_id:
        pinned_msg = (
            Message.objects.select_related("author")
            .filter(pk=room.pinned_message_id, removed_at__isnull=True)
            .first()
        )
        if pinned_msg is not None and pinned_msg.author_id not in hidden:
            pinned = message_data(pinned_msg, room_slug=room.slug, author=pinned_msg.author.handle)
    until = message_policy().mute_until(member=member, room=room, until=entry.mute_until)
    return Welcome(
        room=room_data(room),
        you=_you(member, room),
        history=history,
        blocked_ids=hidden,
        pinned=pinned,
        presence=presence_glue.online(key),
        presence_key=key,
        inbox_unread=entry.inbox_unread,
        team=_badges(entry.team),
        muted_until=timestamp(until) if until is not None else None,
    )


def _you(member: Member, room: Room) -> dict[str, Any]:
    you: dict[str, Any] = {"handle": member.handle, "role": member.role}
    if message_policy().first_posts_wait(member=member, room=room):
        # Said beside the composer before they post, so the wait is no surprise.
        you["first_posts_wait"] = True
    return you


def _badges(team: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Handle -> badge for everyone accountable: admins and facilitators carry the
    facilitator badge, peer supporters theirs. Nothing but the handle and the badge."""
    return {
        handle: "supporter" if role == Role.SUPPORTER else "facilitator" for handle, role in team
    }


def room_page_history(*, member_id: int, room_slug: str) -> list[MessageData]:
    """The newest messages of a room for its page's own HTML (``HISTORY_IN_PAGE``),
    read by the welcome's rules: what the member may see, nothing from handles they
    block, their own held messages included. The socket resumes after the last."""
    member = check_member(member_id=member_id)
    room = check_room_access(member=member, slug=room_slug)
    if settings.HISTORY_IN_PAGE <= 0:
        return []
    return _newest(room, member, blocked_ids(member.pk), settings.HISTORY_IN_PAGE)


def _newest(room: Room, member: Member, hidden: frozenset[int], limit: int) -> list[MessageData]:
    return messages_before(
        room, before=None, limit=limit, hidden_authors=hidden, viewer_id=member.pk
    )


def member_block(*, member_id: int, handle: str) -> dict[str, Any]:
    """Stop seeing *handle*'s messages, here and in history, from now on."""
    member = check_member(member_id=member_id)
    target = Member.objects.filter(handle_key=handle_key(handle)).first()
    if target is None or target.pk == member.pk:
        raise NotFound(_("There is no such member to block."))
    Block.objects.get_or_create(blocker=member, blocked=target)
    ids = blocked_ids(member.pk)
    bus.publish_blocks_on_commit(member.pk, ids)
    logger.info("member blocked handle=%s blocked=%s", member.handle, target.handle)
    return {"blocked": target.handle}


def member_blocks(*, member_id: int) -> dict[str, Any]:
    """The handles the member blocks, by handle (the settings page lists them to unblock)."""
    member = check_member(member_id=member_id)
    blocked = Block.objects.filter(blocker=member).values_list("blocked__handle", flat=True)
    return {"blocked": sorted(blocked, key=str.casefold)}


def member_unblock(*, member_id: int, handle: str) -> dict[str, Any]:
    member = check_member(member_id=member_id)
    Block.objects.filter(blocker=member, blocked__handle_key=handle_key(handle)).delete()
    ids = blocked_ids(member.pk)
    bus.publish_blocks_on_commit(member.pk, ids)
    return {"unblocked": handle}


def room_leave(*, conn_id: str, room_key: str, room_id: int) -> None:
    """The fast path when a socket closes (the presence sweep covers crashes)."""
    presence_glue.leave(conn_id=conn_id, room_key=room_key, room_id=room_id)
