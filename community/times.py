"""Times as a member reads them: in the time zone they saved on /me/, else UTC.

Every notice that names a time (when a pause on posting ends, a check-in's
time, ...) goes through :func:`member_when`, so a member in Lisbon reads
"14:30 (Europe/Lisbon)" and not a UTC time they must convert at a bad moment.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from community.models import Member


def format_when(moment: datetime, *, time_zone: str = "") -> str:
    """ "7 Dec 2026, 14:30 (Europe/Lisbon)", or "... UTC" without a usable zone."""
    try:
        zone = zoneinfo.ZoneInfo(time_zone) if time_zone else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = None
    # The format is the words' own: "7 Dec 2026, 03:05", "7 de diciembre de 2026, 03:05".
    pattern = _("j M Y, H:i")
    if zone is None:
        return f"{date_format(moment.astimezone(UTC), pattern)} UTC"
    return f"{date_format(moment.astimezone(zone), pattern)} ({time_zone})"


def member_when(moment: datetime, *, member_id: int) -> str:
    """*moment* in the words and time zone of the member it is for."""
    zone = Member.objects.filter(pk=member_id).values_list("time_zone", flat=True).first()
    return format_when(moment, time_zone=zone or "")
