"""Matching on the drop-in line by language (docs/protocol.md, ``dropin.offer``).

Staff declare the languages they can support someone in (``Member.speaks``);
one who declared none is taken to speak the language they use Kindred in, else
``LANGUAGE_CODE``. A request is offered first to the available helpers who
speak its language, and to every available helper once it is widened: at once
when none of those speakers is free (nobody is left without an offer), else
after ``DROPIN_LANGUAGE_FALLBACK_SECONDS``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from community.models import Member
from core.language import supported


def languages_of(*, speaks: Iterable[str] | None, language: str = "") -> set[str]:
    """The languages a helper takes requests in, from what they declared."""
    declared = {code for code in (supported(c) for c in speaks or ()) if code}
    return declared or {supported(language) or settings.LANGUAGE_CODE}


def speakers(helper_ids: set[int], language: str) -> set[int]:
    """Those of *helper_ids* who speak *language*."""
    if not helper_ids:
        return set()
    rows = Member.objects.filter(pk__in=helper_ids).values_list("pk", "speaks", "language")
    return {pk for pk, speaks, own in rows if language in languages_of(speaks=speaks, language=own)}


def speaks(helper: Member, language: str) -> bool:
    return language in languages_of(speaks=helper.speaks, language=helper.language)
