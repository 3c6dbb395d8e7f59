"""channels internals: how a consumer finds the handler for a message type."""

from __future__ import annotations

from typing import Any

from channels.consumer import get_handler_name

from realtime.hooks import Reliance

RELIES_ON = (
    Reliance(
        "channels",
        "channels.consumer",
        "get_handler_name",
        why="dispatch without channels' per-message hop to a worker thread",
    ),
)


def handler_for(consumer: Any, message: dict[str, Any]) -> Any:
    """The consumer's method for *message* (``websocket.receive`` ->
    ``websocket_receive``), or None when it has none."""
    return getattr(consumer, get_handler_name(message), None)
