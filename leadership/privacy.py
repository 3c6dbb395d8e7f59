"""What the leadership app keeps, and for how long.

Hand-over notes, debriefs and thanks are words about conversations, so they
follow the messages' retention (``MESSAGE_RETENTION_DAYS``, the daily purge).
Applications, shifts and password links go with the member (cascade); a
decided application keeps only its status, dates and the facilitator's words.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from leadership.models import Debrief, Handover, PasswordLink, Thanks


def purge_old_words(*, messages_before: datetime, **_: Any) -> dict[str, int]:
    removed = {
        "handovers": Handover.objects.filter(created_at__lt=messages_before).delete()[0],
        "debriefs": Debrief.objects.filter(created_at__lt=messages_before).delete()[0],
        "thanks": Thanks.objects.filter(created_at__lt=messages_before).delete()[0],
        "password_links": PasswordLink.objects.filter(expires_at__lt=messages_before).delete()[0],
    }
    return removed
