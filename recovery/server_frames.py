"""Schemas of the frames recovery sends (docs/protocol.md, "Server → client")."""

from __future__ import annotations

from typing import Literal

from core.server_frames import ServerFrame


class NeedsReply(ServerFrame):
    """To on-duty helpers: a newcomer's first message, or one that sounds like
    distress, has had no reply for ``NEEDS_REPLY_MINUTES`` (recovery/needs_reply.py)."""

    type: Literal["needs_reply"]
    message: int
    room: str
    handle: str
    reason: Literal["newcomer", "distress"]
    text: str
