"""Each format's shape: the opening and closing words a host starts from (editable)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from meetings.models import Format


def opening_template(fmt: str) -> str:
    common = _(
        "Welcome, everyone. This is a peer-support meeting: we share our own "
        "experience, we listen without fixing, and what is said here stays here. "
        "Kindred is not a crisis service: if you are in danger, the crisis lines "
        "are one tap away, and a facilitator is here to help."
    )
    shape = {
        Format.OPEN_SHARE: _(
            "Anyone may share. Please keep it to a few minutes so everyone has room."
        ),
        Format.CHECK_IN: _(
            "We'll go round once: raise your hand, and when you have the floor tell "
            "us how your week has been, in a sentence or two. Passing is always fine."
        ),
        Format.TOPIC: _(
            "Tonight's topic is in the meeting's description. Share what it brings up for you."
        ),
        Format.NEWCOMERS: _(
            "If this is your first meeting: welcome, you are in the right place. "
            "You don't have to say anything; reading along is enough."
        ),
        Format.FAMILY: _(
            "This meeting is for family, friends and allies of people in recovery. "
            "Your feelings count here too."
        ),
    }.get(fmt, "")
    return f"{common}\n\n{shape}".strip()


def closing_template(fmt: str) -> str:
    return _(
        "Thank you all for being here and for what you shared. The meeting is "
        "closed, and the room is open chat again. Take care of yourselves, and "
        "come back any time."
    )
