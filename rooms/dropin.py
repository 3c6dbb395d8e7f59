"""The drop-in line: "talk to someone now".

A member presses one button; every on-duty facilitator and every connected peer
supporter open to a chat gets a live offer; the first to accept gets a new
one-on-one chat with the member (an atomic update decides, so two acceptors at
once cannot both win) and the others see the offer withdrawn. While waiting the
member sees their place in line and an honest estimate from recent waits; after
``DROPIN_TIMEOUT_SECONDS`` without a match they are told kindly, offered the
crisis resources and the late-night room, and may stay in line.

A member asks to talk in a language (their page's, unless they choose another):
helpers who speak it are offered the request first, everyone else later
(rooms.matching); the place in line and the estimate are per language.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from community.models import Member, Role
from core.errors import BadInput, KindredError, NotAllowed, NotFound
from core.frames import timestamp
from core.language import supported
from crisis import card_for
from realtime import bus
from realtime.presence import get_store
from rooms.access import check_member
from rooms.chats import blocked_between, open_chat
from rooms.matching import languages_of, speakers
from rooms.models import Block, Chat, ChatOrigin, ChatStatus, DropInRequest, DropInStatus
from rooms.selectors import room_in_language

RECENT_WAITS = 20

#: Called with ``request``, ``chat`` and ``helper`` inside the transaction that
#: matched a drop-in request (leadership hands over a stepping-away helper's note).
_match_hooks: list[Callable[..., Any]] = []


def register_match_hook(hook: Callable[..., Any]) -> None:
    """Run *hook* for every matched drop-in request; registering twice is harmless."""
    if hook not in _match_hooks:
        _match_hooks.append(hook)


def _check_capacity(helper: Member) -> None:
    """A helper holds at most ``DROPIN_MAX_CHATS_PER_HELPER`` open drop-in chats.
    Their own row is locked first, so two offers taken at once are counted in turn."""
    cap = settings.DROPIN_MAX_CHATS_PER_HELPER
    if not cap:
        return
    Member.objects.select_for_update().filter(pk=helper.pk).values_list("pk").first()
    held = Chat.objects.filter(
        recipient=helper, origin=ChatOrigin.DROPIN, status=ChatStatus.OPEN
    ).count()
    if held >= cap:
        raise KindredError(
            _(
                "You already have as many drop-in chats as is good for you. Someone else "
                "will take this one."
            ),
            code="at_capacity",
        )


def _helpers() -> set[int]:
    """Member ids who can take a drop-in now: connected on-duty facilitators and
    connected supporters open to a chat."""
    store = get_store()
    supporters = {
        m["member_id"] for m in store.members_open_to_chat() if m["role"] == Role.SUPPORTER
    }
    return store.on_duty_member_ids() | supporters


def available_helpers() -> set[int]:
    """The helpers a gentle alert may go to (recovery's "needs a reply"): the same
    people the drop-in line offers a chat to."""
    return _helpers()


def _blocked_with(member_id: int, others: set[int]) -> set[int]:
    """Those of *others* who block *member_id* or are blocked by them."""
    if not others:
        return set()
    pairs = Block.objects.filter(blocker_id=member_id, blocked_id__in=others).values_list(
        "blocked_id", flat=True
    )
    back = Block.objects.filter(blocked_id=member_id, blocker_id__in=others).values_list(
        "blocker_id", flat=True
    )
    return set(pairs) | set(back)


def _offer_frame(request: DropInRequest) -> dict[str, Any]:
    return {
        "type": "dropin.offer",
        "request": request.pk,
        "waiting_since": timestamp(request.created_at),
        "language": request.language,
    }


def estimate_seconds(*, language: str | None = None) -> int | None:
    """Median of recent waits (of requests in *language*, when given), or None
    when there is no history to be honest with."""
    matched = DropInRequest.objects.filter(status=DropInStatus.MATCHED, matched_at__isnull=False)
    if language is not None:
        matched = matched.filter(language=language)
    recent = list(
        matched.order_by("-matched_at").values_list("created_at", "matched_at")[:RECENT_WAITS]
    )
    if not recent:
        return None
    return int(statistics.median((m - c).total_seconds() for c, m in recent))


def line_status(request: DropInRequest) -> dict[str, Any]:
    """Where *request* stands: place and estimate among requests in its language;
    how many free helpers speak it, and how many it is offered to now."""
    waiting = request.status == DropInStatus.WAITING
    ahead = DropInRequest.objects.filter(
        status=DropInStatus.WAITING, language=request.language, created_at__lt=request.created_at
    ).count()
    helpers = _helpers() - {request.member_id} if waiting else set()
    speaking = speakers(helpers, request.language)
    return {
        "type": "dropin.status",
        "request": request.pk,
        "status": request.status,
        "language": request.language,
        "place": ahead + 1 if waiting else None,
        "estimate_seconds": estimate_seconds(language=request.language),
        "chat": request.chat_id,
        "helpers_available": (len(helpers) if request.widened_at else len(speaking))
        if waiting
        else None,
        "helpers_speaking": len(speaking) if waiting else None,
    }


def _asked_language(member: Member, language: Any) -> str:
    """The language the member asked for, else the one they use Kindred in."""
    if language is None:
        return supported(member.language) or settings.LANGUAGE_CODE
    code = supported(language) if isinstance(language, str) else None
    if code is None:
        raise BadInput(_("Choose a language from the list."), code="bad_field")
    return code


@transaction.atomic
def dropin_join(*, member_id: int, language: Any = None) -> dict[str, Any]:
    """Join the line to talk in *language* (a code of ``settings.LANGUAGES``;
    None: the member's saved language, else ``LANGUAGE_CODE``)."""
    member = check_member(member_id=member_id)
    asked = _asked_language(member, language)
    # Lock the member's row so that two joins at once (two tabs, a double
    # click) find one another's request instead of both creating one.
    Member.objects.select_for_update().filter(pk=member.pk).values_list("pk").first()
    request = DropInRequest.objects.filter(member=member, status=DropInStatus.WAITING).first()
    if request is None:
        request = DropInRequest.objects.create(member=member, language=asked)
        helpers = _helpers() - {member.pk}
        helpers -= _blocked_with(member.pk, helpers)
        first = speakers(helpers, asked)
        if not first:
            # Nobody free speaks it: everyone free is asked at once rather than
            # leaving the member without an offer until the fallback.
            request.widened_at = request.created_at
            request.save(update_fields=["widened_at"])
        if _announced(request):
            bus.publish_to_members_on_commit(first or helpers, _offer_frame(request))
    return line_status(request)


def _announced(request: DropInRequest) -> bool:
    """Whether helpers were offered *request* as it joined: a member's first
    ``DROPIN_OFFERS_PER_MINUTE`` joins in any minute are; later ones (someone
    joining and leaving in a loop) wait in the line unannounced, so the loop
    can't flood every helper's screen. Decided from the stored requests, so a
    cancel withdraws exactly the offers that went out."""
    since = request.created_at - timedelta(seconds=60)
    earlier = DropInRequest.objects.filter(
        member_id=request.member_id, created_at__gt=since, pk__lte=request.pk
    ).count()
    return earlier <= settings.DROPIN_OFFERS_PER_MINUTE


def dropin_status(*, member_id: int) -> dict[str, Any]:
    member = check_member(member_id=member_id)
    # The newest request by id: one handed back after a helper stepped away keeps
    # its first place in line (an older created_at) but is still the latest.
    request = DropInRequest.objects.filter(member=member).order_by("-pk").first()
    if request is None:
        raise NotFound(_("You're not waiting in the drop-in line."))
    return line_status(request)


@transaction.atomic
def dropin_cancel(*, member_id: int) -> dict[str, Any]:
    member = check_member(member_id=member_id)
    waiting = DropInRequest.objects.filter(member=member, status=DropInStatus.WAITING)
    offered = [r.pk for r in waiting if _announced(r)]
    waiting.update(status=DropInStatus.CANCELLED)
    for request_id in offered:
        bus.publish_to_members_on_commit(
            _helpers(), {"type": "dropin.withdrawn", "request": request_id}
        )
    return {"type": "dropin.status", "status": "cancelled"}


@transaction.atomic
def dropin_accept(*, member_id: int, request_id: int) -> dict[str, Any]:
    """The first helper to accept wins; everyone else is told the offer is gone."""
    helper = check_member(member_id=member_id)
    if helper.role not in (Role.FACILITATOR, Role.ADMIN, Role.SUPPORTER):
        raise NotAllowed(_("Only facilitators and peer supporters take drop-in chats."))
    asker = DropInRequest.objects.filter(pk=request_id).values_list("member_id", flat=True).first()
    if asker == helper.pk:
        raise NotAllowed(_("You can't take your own drop-in request."))
    if asker is not None and blocked_between(asker, helper.pk):
        # Someone else will take it; the same answer as when they already have.
        raise KindredError(_("Someone else is already with this member. Thank you."), code="taken")
    _check_capacity(helper)
    won = DropInRequest.objects.filter(pk=request_id, status=DropInStatus.WAITING).update(
        status=DropInStatus.MATCHED, matched_at=timezone.now(), matched_by=helper
    )
    if not won:
        raise KindredError(_("Someone else is already with this member. Thank you."), code="taken")
    request = DropInRequest.objects.select_related("member").get(pk=request_id)
    chat = open_chat(
        requester=request.member,
        recipient=helper,
        origin=ChatOrigin.DROPIN,
        status=ChatStatus.OPEN,
    )
    request.chat = chat
    request.save(update_fields=["chat"])
    for hook in _match_hooks:
        hook(request=request, chat=chat, helper=helper)
    matched = {
        "type": "dropin.matched",
        "request": request.pk,
        "chat": chat.pk,
        "with": helper.handle,
    }
    bus.publish_to_member_on_commit(request.member_id, matched)
    withdrawn = {"type": "dropin.withdrawn", "request": request.pk}
    bus.publish_to_members_on_commit(_helpers() - {helper.pk}, withdrawn)
    return {
        "type": "dropin.matched",
        "request": request.pk,
        "chat": chat.pk,
        "with": request.member.handle,
    }


def _offered_to(helper: Member):
    """Waiting requests offered to *helper*: in a language they speak, or widened."""
    spoken = languages_of(speaks=helper.speaks, language=helper.language)
    return DropInRequest.objects.filter(status=DropInStatus.WAITING).filter(
        Q(language__in=spoken) | Q(widened_at__isnull=False)
    )


def dropin_line(*, member_id: int) -> list[dict[str, Any]]:
    """For helpers: who is waiting (of the requests offered to them), and for how long."""
    helper = check_member(member_id=member_id)
    if not helper.is_moderator and helper.role != Role.SUPPORTER:
        raise NotAllowed(_("Only facilitators and peer supporters see the line."))
    now = timezone.now()
    return [
        {
            "request": r.pk,
            "waiting_seconds": int((now - r.created_at).total_seconds()),
            "language": r.language,
        }
        for r in _offered_to(helper).order_by("created_at")
    ]


def widen_due() -> int:
    """Offer requests nobody who speaks their language has taken within
    ``DROPIN_LANGUAGE_FALLBACK_SECONDS`` to every other free helper, once.
    Returns how many were widened."""
    cutoff = timezone.now() - timedelta(seconds=settings.DROPIN_LANGUAGE_FALLBACK_SECONDS)
    due = DropInRequest.objects.filter(
        status=DropInStatus.WAITING, widened_at__isnull=True, created_at__lte=cutoff
    )
    count = 0
    for request in due:
        with transaction.atomic():
            claimed = DropInRequest.objects.filter(pk=request.pk, widened_at__isnull=True).update(
                widened_at=timezone.now()
            )
            if not claimed:
                continue
            count += 1
            if not _announced(request):
                continue
            helpers = _helpers() - {request.member_id}
            helpers -= _blocked_with(request.member_id, helpers)
            # The speakers had it already: as it was made, or as they came free.
            others = helpers - speakers(helpers, request.language)
            bus.publish_to_members_on_commit(others, _offer_frame(request))
    return count


def notify_timeouts() -> int:
    """Tell members who have waited past the timeout, once, with resources and the room."""
    cutoff = timezone.now() - timedelta(seconds=settings.DROPIN_TIMEOUT_SECONDS)
    due = DropInRequest.objects.filter(
        status=DropInStatus.WAITING, created_at__lte=cutoff, timeout_notified_at__isnull=True
    ).select_related("member")
    count = 0
    for request in due:
        claimed = DropInRequest.objects.filter(
            pk=request.pk, timeout_notified_at__isnull=True
        ).update(timeout_notified_at=timezone.now())
        if not claimed:
            continue
        # In the language the member asked to talk in, with that language's room.
        with translation.override(request.language):
            card = card_for("suicide", request.member.country or None)
            message = _(
                "We're sorry: nobody has been free to take your chat yet. You're still in line "
                "if you'd like to stay. The late-night drop-in room is open, and if things feel "
                "urgent, the people on these lines are trained and available now."
            )
        frame = {
            "type": "dropin.timeout",
            "request": request.pk,
            "message": message,
            "room": room_in_language("late-night", request.language),
            "resources": card["resources"],
        }
        bus.publish_to_member_on_commit(request.member_id, frame)
        count += 1
    return count


def offer_waiting_to(*, helper_id: int) -> int:
    """A helper who just became available (on duty, or a supporter opening up)
    gets an offer for everyone already waiting in a language they speak (and
    for any request already widened to everyone), except people they block or
    who block them. Returns how many offers were sent."""
    helper = Member.objects.get(pk=helper_id)
    waiting = list(_offered_to(helper).exclude(member_id=helper_id).order_by("created_at"))
    sent = 0
    for request in waiting:
        if blocked_between(request.member_id, helper_id):
            continue
        bus.publish_to_member_on_commit(helper_id, _offer_frame(request))
        sent += 1
    return sent
