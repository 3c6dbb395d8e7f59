"""Meeting mode: what a host does in a running session, and a member's raised hand.

Every word said in a meeting (the opening, the closing) is an ordinary message
sent through ``rooms.services.message_send``: stored, moderated and
crisis-scanned like any other. Slow mode and the pin are the facilitators' own
room controls (``moderation.room_controls``), called with the host as actor,
so the audit log names them. Each change goes to the room as a ``meeting``
frame after commit (meetings.sessions.announce).

The check-in round: members raise a hand; the host gives the floor to the
next hand (or a named one); while the round runs, only the member with the
floor (and facilitators) may post. Others' messages wait: the send is refused
with ``floor_held`` and a ``retry_after``, and the client keeps the message in
its outbox and sends it again by itself (meetings.policy).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.handles import handle_key
from community.models import Member
from core.errors import BadInput, KindredError, NotAllowed, NotFound
from meetings.formats import closing_template, opening_template
from meetings.models import DuringRound, Hand, Session, SessionState
from meetings.sessions import OPEN_STATES, announce, log_event
from moderation.room_controls import message_pin, room_slow_mode
from rooms.access import check_member
from rooms.services import message_send


def _session(session_id: int, states=OPEN_STATES) -> Session:
    session = (
        Session.objects.select_for_update(of=("self",))
        .select_related("meeting", "room", "host", "floor")
        .filter(pk=session_id, state__in=states)
        .first()
    )
    if session is None:
        raise NotFound(_("This meeting isn't running."))
    return session


def _check_host(member: Member, session: Session) -> None:
    if not (member.is_moderator or session.meeting.hosts.filter(pk=member.pk).exists()):
        raise NotAllowed(_("Only the meeting's hosts can do that."))


def _hosting(
    member_id: int, session_id: int, states=(SessionState.LIVE,)
) -> tuple[Member, Session]:
    member = check_member(member_id=member_id)
    session = _session(session_id, OPEN_STATES)
    _check_host(member, session)
    if session.state not in states:
        raise KindredError(_("Start the meeting first."), code="not_started")
    return member, session


def _save(session: Session, *fields: str) -> dict[str, Any]:
    session.save(update_fields=["log", *fields])
    return announce(session)


@transaction.atomic
def meeting_start(*, member_id: int, session_id: int) -> dict[str, Any]:
    """The host arrives: the meeting is live."""
    member, session = _hosting(member_id, session_id, OPEN_STATES)
    if session.state != SessionState.LIVE:
        session.state = SessionState.LIVE
        session.host = member
        session.started_at = timezone.now()
        log_event(session, "started", member.handle)
    return _save(session, "state", "host", "started_at")


def _say(member: Member, session: Session, text: str, kind: str) -> int:
    text = (text or "").strip()
    if not text:
        raise BadInput(_("Write something before sending."), code="empty")
    result = message_send(
        member_id=member.pk,
        room_slug=session.room.slug,
        body=text,
        nonce=f"meeting-{session.pk}-{kind}",
    )
    return result.message.id


@transaction.atomic
def meeting_opening(*, member_id: int, session_id: int, text: str | None = None) -> dict[str, Any]:
    """Read the opening (the format's template unless the host edited it) into the room."""
    member, session = _hosting(member_id, session_id)
    meeting = session.meeting
    text = text or meeting.opening or opening_template(meeting.format)
    session.reading_id = _say(member, session, text, "opening")
    log_event(session, "opening", member.handle)
    return _save(session, "reading")


@transaction.atomic
def meeting_pin_reading(*, member_id: int, session_id: int) -> dict[str, Any]:
    member, session = _hosting(member_id, session_id)
    if session.reading_id is None:
        raise KindredError(_("Read the opening first."), code="no_reading")
    message_pin(actor_id=member.pk, message_id=session.reading_id, room_slug=session.room.slug)
    log_event(session, "pinned", member.handle)
    return _save(session)


@transaction.atomic
def meeting_slow_mode(*, member_id: int, session_id: int, on: bool) -> dict[str, Any]:
    member, session = _hosting(member_id, session_id)
    room = session.room
    if on and session.slow_mode_before is None:
        session.slow_mode_before = room.slow_mode_seconds
    seconds = settings.MEETINGS_SLOW_MODE_SECONDS if on else (session.slow_mode_before or 0)
    room_slow_mode(actor_id=member.pk, room_slug=room.slug, seconds=seconds)
    if not on:
        session.slow_mode_before = None
    log_event(session, "slow_on" if on else "slow_off", member.handle)
    return _save(session, "slow_mode_before")


@transaction.atomic
def meeting_round(*, member_id: int, session_id: int, on: bool) -> dict[str, Any]:
    """Start (or end) the check-in round; a new round starts with no hands up."""
    member, session = _hosting(member_id, session_id)
    if on and not session.round_active:
        Hand.objects.filter(session=session).delete()
    session.round_active = on
    session.floor = None
    log_event(session, "round_started" if on else "round_ended", member.handle)
    return _save(session, "round_active", "floor")


@transaction.atomic
def hand_raise(*, member_id: int, session_id: int, up: bool = True) -> dict[str, Any]:
    """A member raises (or lowers) their hand in the round; order is first come."""
    member = check_member(member_id=member_id)
    session = _session(session_id, (SessionState.LIVE,))
    if not session.round_active:
        raise KindredError(_("Hands go up during the check-in round."), code="no_round")
    if up:
        Hand.objects.get_or_create(session=session, member=member)
    else:
        Hand.objects.filter(session=session, member=member, called_at__isnull=True).delete()
    return _save(session)


@transaction.atomic
def floor_give(*, member_id: int, session_id: int, handle: str | None = None) -> dict[str, Any]:
    """Give the floor to the next raised hand in order (or to *handle*'s hand)."""
    _member, session = _hosting(member_id, session_id)
    if not session.round_active:
        raise KindredError(_("Start the check-in round first."), code="no_round")
    hands = Hand.objects.filter(session=session, called_at__isnull=True).select_related("member")
    if handle:
        hands = hands.filter(member__handle_key=handle_key(handle))
    hand = hands.order_by("pk").first()
    if hand is None:
        raise NotFound(_("No hand is up."))
    hand.called_at = timezone.now()
    hand.save(update_fields=["called_at"])
    session.floor = hand.member
    log_event(session, "floor", hand.member.handle)
    return _save(session, "floor")


@transaction.atomic
def floor_done(*, member_id: int, session_id: int) -> dict[str, Any]:
    """The member with the floor has finished (or the host takes it back)."""
    member = check_member(member_id=member_id)
    session = _session(session_id, (SessionState.LIVE,))
    if session.floor_id != member.pk:
        _check_host(member, session)
    if session.floor_id is not None:
        log_event(session, "floor_done", session.floor.handle)
    session.floor = None
    return _save(session, "floor")


@transaction.atomic
def meeting_end(*, member_id: int, session_id: int, text: str | None = None) -> dict[str, Any]:
    """Closing words, then the room is open chat again: no round, the pin and slow mode undone."""
    member, session = _hosting(member_id, session_id)
    meeting = session.meeting
    _say(member, session, text or meeting.closing or closing_template(meeting.format), "closing")
    return close_session(session, actor_id=member.pk, handle=member.handle)


def close_session(session: Session, *, actor_id: int | None, handle: str | None) -> dict[str, Any]:
    """The room back to open chat (the reading unpinned, its own slow mode back), the
    session ended. *actor_id* (a host) is who the audit log names for the room's
    controls; without one the controls are left as they are."""
    room = session.room
    room.refresh_from_db(fields=["pinned_message", "slow_mode_seconds"])
    if actor_id is not None:
        if session.reading_id and room.pinned_message_id == session.reading_id:
            message_pin(actor_id=actor_id, message_id=None, room_slug=room.slug)
        if session.slow_mode_before is not None:
            room_slow_mode(actor_id=actor_id, room_slug=room.slug, seconds=session.slow_mode_before)
    session.state = SessionState.ENDED
    session.ended_at = timezone.now()
    session.round_active = False
    session.floor = None
    log_event(session, "ended", handle)
    return _save(session, "state", "ended_at", "round_active", "floor")


def rounds_holding_messages(*, room_id: int):
    """The room's live session, if its check-in round is on and holds others' messages."""
    return Session.objects.filter(
        room_id=room_id,
        state=SessionState.LIVE,
        round_active=True,
        meeting__during_round=DuringRound.WAIT,
    )


def floor_holder(*, room_id: int) -> tuple[bool, int | None]:
    """Whether a check-in round runs in the room, and who has the floor (the send path asks)."""
    row = rounds_holding_messages(room_id=room_id).values("floor_id").first()
    return (False, None) if row is None else (True, row["floor_id"])
