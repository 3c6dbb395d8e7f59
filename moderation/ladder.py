"""The step-up ladder and a member's trust level, as facilitators' actions.

One "sanction" button takes the ladder's next step for the member (warn, a
1 h mute, a 24 h mute, then a ban, which the dashboard asks to confirm); a
facilitator can choose another step. Promote and restrict set the member's
trust level by hand (moderation.trust)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from moderation import queue, services, trust
from moderation.checks import audit, check_member_action, check_moderator, check_target, done
from moderation.models import Standing, TrustOverride
from moderation.sanctions import STEP_MINUTES, next_step


@transaction.atomic
def member_sanction(
    *,
    actor_id: int,
    handle: str,
    step: str | None = None,
    room_slug: str | None = None,
    item_id: int | None = None,
    reason: str = "",
) -> dict[str, Any]:
    check_moderator(member_id=actor_id)
    target = check_target(handle=handle)
    step = step or next_step(target.pk)
    common = {"actor_id": actor_id, "handle": target.handle, "item_id": item_id}
    if step == "warn":
        services.member_warn(**common)
    elif step == "ban":
        services.member_ban(**common, reason=reason)
    else:
        services.member_mute(
            **common, minutes=STEP_MINUTES[step], room_slug=room_slug, reason=reason
        )
    return done("sanction", member=target.handle, step=step)


@transaction.atomic
def member_trust_set(
    *, actor_id: int, handle: str, override: str, item_id: int | None = None, reason: str = ""
) -> dict[str, Any]:
    actor, target, item = check_member_action(actor_id=actor_id, handle=handle, item_id=item_id)
    Standing.objects.update_or_create(member=target, defaults={"override": override})
    trust.forget(target.pk)
    audit(actor, "trust", item=item, target=target, reason=reason, override=override)
    queue.announce_subject(target.pk)
    return done("trust", member=target.handle, override=override)


__all__ = ["TrustOverride", "member_sanction", "member_trust_set"]
