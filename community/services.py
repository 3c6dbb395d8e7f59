"""Member actions: join, recover, describe. Called by the HTTP views.

Each function checks first and writes second, and returns plain data.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from community import recovery
from community.handles import check_handle_text, generate_handle, handle_key, passes_for
from community.models import BannedDevice, Member, Role
from core import ratelimit, throttle
from core.errors import BadInput, KindredError, NotAllowed, RateLimited, Unavailable
from core.protocol import CLOSE_NO_SESSION
from realtime import bus

logger = logging.getLogger("kindred.members")

#: Roles members trust: nobody may take a handle that could pass for theirs.
STAFF_ROLES = (Role.FACILITATOR, Role.ADMIN, Role.SUPPORTER)

HANDLE_TAKEN = gettext_lazy("That handle (or one that looks just like it) is taken.")


@dataclass(frozen=True)
class JoinResult:
    member_id: int
    handle: str
    role: str
    recovery_code: str


def device_hash(token: str | None) -> str:
    return hashlib.sha256(token.encode()).hexdigest() if token else ""


def check_device_allowed(*, device_token: str | None) -> None:
    if device_token and BannedDevice.objects.filter(token_hash=device_hash(device_token)).exists():
        raise NotAllowed(_("This browser can't join Kindred because of a past ban."), code="banned")


def check_handle_available(*, handle: str, member_id: int | None = None) -> None:
    """*handle* may be taken (by *member_id*, when renaming): it passes the rules,
    no one has it or a look-alike, and it can't pass for someone on the team."""
    problem = check_handle_text(handle)
    if problem:
        raise BadInput(problem.detail, code=problem.code)
    if Member.objects.filter(handle_key=handle_key(handle)).exclude(pk=member_id).exists():
        raise KindredError(HANDLE_TAKEN, code="handle_taken")
    team = Member.objects.filter(role__in=STAFF_ROLES).exclude(pk=member_id)
    if any(passes_for(handle, staff) for staff in team.values_list("handle", flat=True)):
        raise BadInput(
            _("That handle is too close to someone on our team's. Please choose another."),
            code="reserved",
        )


def check_sign_up_allowed(*, device_token: str | None, address: str) -> None:
    """At most ``SESSIONS_CREATED_PER_HOUR`` new handles an hour from one browser
    (its device cookie, hashed) and from one network address, which is used only
    as a keyed hash naming a counter that expires with the hour (core.throttle):
    never stored in the database, never logged."""
    limit = settings.SESSIONS_CREATED_PER_HOUR
    if limit <= 0:
        return
    wait = throttle.hit(
        "join",
        [("address", address, f"{limit}/1h"), ("device", device_hash(device_token), f"{limit}/1h")],
    )
    if wait:
        minutes = max(1, round(wait / 60))
        raise RateLimited(
            ngettext(
                "Several new handles have been made from here in the last hour, so we've "
                "paused making more for now. Please use the handle you have, or try again in "
                "about %(minutes)d minute.",
                "Several new handles have been made from here in the last hour, so we've "
                "paused making more for now. Please use the handle you have, or try again in "
                "about %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes},
            retry_after=ratelimit.retry_after(wait),
            code="too_many_handles",
        )


def member_create(
    *, handle: str | None, device_token: str | None, country: str = "", address: str = ""
) -> JoinResult:
    """Create an anonymous member with a chosen or generated handle."""
    check_device_allowed(device_token=device_token)
    if handle is not None:
        handle = handle.strip()
        check_handle_available(handle=handle)
    # After the handle's own checks: a typo doesn't use up one of the hour's handles.
    check_sign_up_allowed(device_token=device_token, address=address)
    phrase = recovery.generate_phrase()
    phrase_hash = recovery.hash_phrase(phrase)
    for attempt in range(50):
        candidate = handle if handle is not None else generate_handle()
        # A generated handle passes the same rules as a chosen one ("KindReed"
        # would read as the reserved "kindred").
        if handle is None and (
            check_handle_text(candidate) is not None
            or (attempt < 40 and Member.objects.filter(handle_key=handle_key(candidate)).exists())
        ):
            continue
        try:
            with transaction.atomic():
                member = Member.objects.create_user(
                    candidate,
                    recovery_hash=phrase_hash,
                    device_hash=device_hash(device_token),
                    country=country,
                )
        except IntegrityError:
            if handle is not None:
                raise KindredError(HANDLE_TAKEN, code="handle_taken") from None
            continue
        logger.info("member joined handle=%s", member.handle)
        return JoinResult(member.pk, member.handle, member.role, phrase)
    raise Unavailable(
        _("We couldn't find a free handle just now. Please try again."), code="try_again"
    )


def member_recover(
    *, handle: str, recovery_code: str, device_token: str | None, address: str = ""
) -> JoinResult:
    """Reclaim *handle* with its recovery phrase; issues a fresh phrase (one-time use).

    Attempts are throttled per attacker before any phrase is hashed: per client
    (its address, as a keyed hash, and its device cookie) whatever handles it
    names, and per client and handle. So strangers guessing can't lock the
    owner out: a client that has not been guessing (the owner's new phone)
    still gets its phrase checked. Only a handle's own device is spared the
    per-handle ceiling, which only a guessing crowd reaches."""
    check_device_allowed(device_token=device_token)
    device, key = device_hash(device_token), handle_key(handle)
    wait = _recovery_wait(address=address, device=device, key=key)
    if wait:
        raise RateLimited(
            _("Too many tries. Please wait a while and try again."),
            retry_after=ratelimit.retry_after(wait),
        )
    refusal = KindredError(_("That handle and recovery phrase don't match."), code="bad_recovery")
    member = Member.objects.filter(handle_key=handle_key(handle), role=Role.MEMBER).first()
    if member is None or not member.recovery_hash:
        recovery.check_phrase_timing_only(recovery_code)
        raise refusal
    if not recovery.check_phrase(recovery_code, member.recovery_hash):
        raise refusal
    if member.is_banned or not member.is_active:
        raise NotAllowed(_("This handle has been banned."), code="banned")
    phrase = recovery.generate_phrase()
    member.recovery_hash = recovery.hash_phrase(phrase)
    # A recovery is often of a lost or shared phone: every session signed in
    # before it ends. A new (unusable) password changes the member's session
    # auth hash, which Django and Channels check on every request and socket;
    # the sockets open now are closed with 4401.
    member.set_unusable_password()
    member.save(update_fields=["recovery_hash", "password"])
    member_id = member.pk
    _end_open_sockets_on_commit(member_id)
    logger.info("member recovered handle=%s", member.handle)
    return JoinResult(member.pk, member.handle, member.role, phrase)


def _recovery_wait(*, address: str, device: str, key: str) -> float:
    """Seconds a recovery attempt must wait (0: go ahead), counting this one."""
    per_client = f"{settings.RECOVERY_ATTEMPTS_PER_CLIENT_PER_HOUR}/1h"
    per_pair = f"{settings.RECOVERY_ATTEMPTS_PER_HOUR}/1h"
    wait = throttle.hit(
        "recover",
        [
            ("address", address, per_client),
            ("device", device, per_client),
            ("address", address and f"{address}|{key}", per_pair),
            ("device", device and f"{device}|{key}", per_pair),
        ],
    )
    owner = Member.objects.filter(handle_key=key, device_hash=device or "-").exists()
    if wait or owner:
        return wait
    return ratelimit.hit(f"recover:{key}", f"{settings.RECOVERY_ATTEMPTS_PER_HANDLE_PER_HOUR}/1h")


def _end_open_sockets_on_commit(member_id: int) -> None:
    bus.publish_close_on_commit(member_id=member_id, code=CLOSE_NO_SESSION)


def member_describe(*, member: Member) -> dict[str, object]:
    return {"handle": member.handle, "role": member.role}
