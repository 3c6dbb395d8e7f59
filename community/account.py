"""A member's own settings (the /me/ page): what they chose, signing out everywhere,
a new recovery phrase. Blocks and presence choices belong to rooms (GET /api/blocks/,
/api/presence/me/); deleting the handle is community.privacy.member_delete.
"""

from __future__ import annotations

import functools
import logging
import zoneinfo
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from community import recovery
from community.models import Member, Role
from community.sessions import member_sessions_end
from core.errors import BadInput, NotAllowed, NotFound
from core.language import supported
from crisis.lines import listed_countries, normalise_country

logger = logging.getLogger("kindred.members")


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone_names() -> list[str]:
    """Every IANA zone a member may choose, sorted, for the settings page's list."""
    return sorted(_time_zones())


def _member(member_id: int) -> Member:
    member = Member.objects.filter(pk=member_id, is_active=True, is_banned=False).first()
    if member is None:
        raise NotFound(_("This handle no longer exists."))
    return member


def member_settings(*, member_id: int) -> dict[str, Any]:
    member = _member(member_id)
    return {
        "handle": member.handle,
        "country": member.country,
        "time_zone": member.time_zone,
        "language": member.language,
        "notifications": member.notifications,
        # Staff only: the languages they take drop-in chats in (rooms.matching).
        "speaks": list(member.speaks or []) if member.role != Role.MEMBER else None,
        "recovery_phrase": bool(member.recovery_hash),
        "can_sign_out_everywhere": member.role == Role.MEMBER,
    }


def _clean_country(value: Any) -> str:
    if not isinstance(value, str):
        raise BadInput(_("'country' must be a country code."), code="bad_field")
    code = normalise_country(value) if value else ""
    if value and code not in {c["code"] for c in listed_countries()} | {"other"}:
        raise BadInput(_("Choose a country from the list."), code="bad_field")
    return "" if code == "other" else (code or "")


def _clean_time_zone(value: Any) -> str:
    if not isinstance(value, str) or (value and value not in _time_zones()):
        raise BadInput(_("Choose a time zone from the list."), code="bad_field")
    return value


def _clean_language(value: Any) -> str:
    """A language of settings.LANGUAGES, or "" to follow the browser."""
    code = supported(value) if isinstance(value, str) and value else ""
    if code is None or not isinstance(value, str):
        raise BadInput(_("Choose a language from the list."), code="bad_field")
    return code


def _clean_speaks(member: Member, value: Any) -> list[str]:
    """Staff only: a list of codes of settings.LANGUAGES (empty: the language
    they use Kindred in), each once, in the order of settings.LANGUAGES."""
    if member.role == Role.MEMBER:
        raise NotAllowed(
            _("Only facilitators and peer supporters say which languages they take chats in.")
        )
    if not isinstance(value, list):
        raise BadInput(_("Choose languages from the list."), code="bad_field")
    codes = {supported(code) if isinstance(code, str) else None for code in value}
    if None in codes:
        raise BadInput(_("Choose languages from the list."), code="bad_field")
    return [code for code, _name in settings.LANGUAGES if code in codes]


SETTINGS = frozenset({"country", "time_zone", "language", "notifications", "speaks"})


def member_settings_update(*, member_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """Change any of ``country``, ``time_zone``, ``language``, ``notifications``
    and (staff) ``speaks``; others are refused."""
    unknown = set(changes) - SETTINGS
    if unknown:
        raise BadInput(f"Unknown setting {sorted(unknown)[0]!r}.", code="bad_field")
    member = _member(member_id)
    if "country" in changes:
        member.country = _clean_country(changes["country"])
    if "time_zone" in changes:
        member.time_zone = _clean_time_zone(changes["time_zone"])
    if "language" in changes:
        member.language = _clean_language(changes["language"])
    if "notifications" in changes:
        if not isinstance(changes["notifications"], bool):
            raise BadInput(_("'notifications' must be true or false."), code="bad_field")
        member.notifications = changes["notifications"]
    if "speaks" in changes:
        member.speaks = _clean_speaks(member, changes["speaks"])
    member.save(update_fields=sorted(SETTINGS))
    return member_settings(member_id=member_id)


@transaction.atomic
def member_sign_out_everywhere(*, member_id: int) -> dict[str, Any]:
    """End every session of the member, on every device, this one too, and close
    their sockets (community.sessions: the member's session epoch moves on, so
    every session hash signed before now stops matching). A staff member's
    password is untouched."""
    member = _member(member_id)
    member_sessions_end(member_id=member.pk)
    logger.info("member signed out everywhere handle=%s", member.handle)
    return {"signed_out": True}


@transaction.atomic
def recovery_phrase_renew(*, member_id: int) -> dict[str, Any]:
    """A new one-time recovery phrase, shown once; the old one stops working now."""
    member = _member(member_id)
    if member.role != Role.MEMBER:
        raise NotAllowed(_("Staff sign in with a password, not a recovery phrase."))
    phrase = recovery.generate_phrase()
    member.recovery_hash = recovery.hash_phrase(phrase)
    member.save(update_fields=["recovery_hash"])
    logger.info("member renewed recovery phrase handle=%s", member.handle)
    return {"recovery_code": phrase}
