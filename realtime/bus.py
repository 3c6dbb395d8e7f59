"""Publishing to the processes' hubs: Redis pub/sub when configured, else in-process.

A message is published once, already encoded, with its id and the room's
previous id; each process's :class:`realtime.hub.Hub` that has sockets in the
room writes it to them. Room events (messages, presence, room frames) travel on
the room's shard channel (:func:`shard_channel`), which only processes with a
socket in one of that shard's rooms listen to (realtime.subscriber); events for
a member's sockets, a topic's listeners or a close travel on the one channel
every process listens to (:func:`channel`). Each process listens to all its
channels on one connection, so on one Redis server it still sees every event
in the order they were published. Services publish only through the ``publish_*_on_commit``
helpers, so nothing leaves before the data it describes is committed (and
nothing at all when it rolls back); publishing never raises into the
sender's path: a lost publish is repaired by the hub from the database. With
Redis, the publish itself happens on the event loop (realtime.publisher).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Iterable
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction

from core import redis as kredis
from core.frames import check_frame, encode

logger = logging.getLogger("kindred.bus")


class StoredMessage(Protocol):
    """What the bus needs of a stored message (rooms.data.MessageData is one)."""

    id: int
    room_id: int
    prev_id: int
    author_id: int

    def frame(self) -> dict[str, Any]: ...


#: The hub of this process, set when it starts (see realtime.hub.get_hub).
_local_hub: Any = None


#: Event kinds addressed to a room's sockets; they travel on the room's shard.
ROOM_KINDS = frozenset({"m", "p", "r"})


def channel() -> str:
    """The channel every process listens to: member, topic and close events."""
    return kredis.key("bus")


def shard_of(room_id: int) -> int:
    return room_id % settings.BUS_SHARDS


def shard_channel(shard: int) -> str:
    """A shard's channel. Names carry no hash tag, so under Redis Cluster's
    sharded pub/sub the shards spread over the nodes' slots."""
    return kredis.key("bus", "room", shard)


def channel_for(event: dict[str, Any]) -> str:
    if event["k"] in ROOM_KINDS:
        return shard_channel(shard_of(event["r"]))
    return channel()


def sharded() -> bool:
    """Redis 7's sharded pub/sub (SPUBLISH, SSUBSCRIBE) instead of the classic kind."""
    return settings.BUS_PUBSUB == "sharded"


def send(client: Any, channel_name: str, payload: str) -> Any:
    """Publish *payload* on *channel_name* with *client* (a client or a pipeline)."""
    if sharded():
        return client.spublish(channel_name, payload)
    return client.publish(channel_name, payload)


def local_hub() -> Any:
    """This process's running hub, or None."""
    return _local_hub


def set_local_hub(hub: Any) -> None:
    global _local_hub
    _local_hub = hub


def publish(event: dict[str, Any]) -> None:
    payload = json.dumps(event, separators=(",", ":"))
    if kredis.enabled():
        target = channel_for(event)
        # Handed to the event loop's publisher when this process has one, so the
        # caller (a sender waiting for its ack) doesn't wait for Redis.
        publisher = getattr(_local_hub, "publisher", None)
        if publisher is not None and publisher.offer_threadsafe(target, payload):
            return
        try:
            send(kredis.sync_client(), target, payload)
        except Exception as exc:  # the hub repairs gaps from the database
            logger.error("publish failed kind=%s error=%s", event.get("k"), type(exc).__name__)
        return
    hub = _local_hub
    if hub is not None:
        hub.dispatch_threadsafe(payload)


def publish_message(data: StoredMessage, *, held: bool = False) -> None:
    """A stored message; *held* ones only move the room's id chain forward."""
    publish(
        {
            "k": "m",
            "r": data.room_id,
            "i": data.id,
            "p": data.prev_id,
            "a": data.author_id,
            "f": None if held else encode(data.frame()),
        }
    )


def publish_room(room_id: int, frame: dict[str, Any], *, author_id: int | None = None) -> None:
    """A frame for every socket in a room (e.g. ``removed``); one that shows a
    message of *author_id* skips the sockets of members who block them."""
    event: dict[str, Any] = {"k": "r", "r": room_id, "f": encode(frame)}
    if author_id is not None:
        event["a"] = author_id
    publish(event)


def publish_member(member_id: int, event: dict[str, Any]) -> None:
    """An event for every socket of one member (a notice, blocks changed, close)."""
    if "frame" in event:
        check_frame(event["frame"])
    publish({"k": "u", "u": member_id, "e": event})


def session_tag(session_key: str | None) -> str | None:
    """What the bus and a socket know of a session: a short hash of its key, so the
    key itself (which signs a member in) never travels through Redis."""
    if not session_key:
        return None
    return hashlib.sha256(f"kindred.session:{session_key}".encode()).hexdigest()[:24]


def publish_close(
    *,
    member_id: int,
    code: int,
    room_id: int | None = None,
    session: str | None = None,
    topic: str | None = None,
) -> None:
    """Close a member's sockets with *code*: all of them, or only those in one room,
    of one session (its :func:`session_tag`) or listening on one topic."""
    event: dict[str, Any] = {"k": "c", "u": member_id, "r": room_id, "c": code}
    if session is not None:
        event["s"] = session
    if topic is not None:
        event["t"] = topic
    publish(event)


def publish_topic(topic: str, frame: dict[str, Any]) -> None:
    """A frame for every socket listening on *topic* (e.g. facilitators' ``queue``)."""
    publish({"k": "t", "t": topic, "f": encode(frame)})


# --- what services call: each publishes once the current transaction commits --------


def _on_commit(publish_call: Any, *args: Any, **kwargs: Any) -> None:
    # Arguments are bound now, not when the transaction commits (no late-binding
    # lambdas); outside a transaction Django runs the call at once.
    transaction.on_commit(functools.partial(publish_call, *args, **kwargs))


def publish_message_on_commit(data: StoredMessage, *, held: bool = False) -> None:
    _on_commit(publish_message, data, held=held)


def publish_room_on_commit(
    room_id: int, frame: dict[str, Any], *, author_id: int | None = None
) -> None:
    _on_commit(publish_room, room_id, frame, author_id=author_id)


def publish_topic_on_commit(topic: str, frame: dict[str, Any]) -> None:
    _on_commit(publish_topic, topic, frame)


def publish_to_members_on_commit(member_ids: Iterable[int], frame: dict[str, Any]) -> None:
    """*frame* to every socket of each of *member_ids* (read now)."""
    for member_id in list(member_ids):
        _on_commit(publish_member, member_id, {"frame": frame})


def publish_to_member_on_commit(member_id: int, frame: dict[str, Any]) -> None:
    publish_to_members_on_commit([member_id], frame)


def publish_blocks_on_commit(member_id: int, blocked_ids: Iterable[int]) -> None:
    """The member's sockets stop delivering messages from *blocked_ids*."""
    _on_commit(publish_member, member_id, {"kind": "blocks", "ids": list(blocked_ids)})


def publish_close_on_commit(**kwargs: Any) -> None:
    """:func:`publish_close` (same keyword arguments) once the transaction commits."""
    _on_commit(publish_close, **kwargs)
