"""The socket side of presence: what a room socket tells the presence store.

The store (realtime.presence) knows who is connected where; this module turns
its changes into ``presence`` frames on the bus. ``disconnect()`` is only the
fast path: the hub's heartbeat refreshes every local socket and its sweep drops
the sockets of a process that died without running it.
"""

from __future__ import annotations

import threading
from typing import Any

from community.models import Member
from realtime import bus
from realtime.presence import Arrival, Change, get_store
from rooms.models import Room


def presence_key(room_slug: str, room_kind: str, room_id: int) -> str:
    return f"chat:{room_id}" if room_kind == "direct" else room_slug


#: Changes whose room could not be looked up yet. A sweep removes what it reports
#: from the store at once, so a change dropped here would leave a ghost in every
#: open room list: each later publish tries these again first.
_unsent: list[Change] = []
_unsent_lock = threading.Lock()  # heartbeat, sweeper and joins publish from different threads


def publish_changes(changes: list[Change], room_ids: dict[str, int]) -> None:
    """Send each change to its room's sockets in every process (coalesced by the hubs).

    An invisible member's own join or leave is not sent at all: they are
    neither listed nor counted, so nothing in a room changes (docs/presence.md).
    A change whose room can't be resolved now (the database is briefly out of
    reach) is kept and sent on the next call, in order, rather than lost."""
    with _unsent_lock:
        pending = [*_unsent, *(c for c in changes if c.visible)]
        _unsent.clear()
    for index, change in enumerate(pending):
        try:
            room_id = room_ids.get(change.room) or resolve_room_id(change.room)
        except Exception:
            with _unsent_lock:
                _unsent[:0] = pending[index:]
            raise
        if room_id is None:
            continue
        event = {"k": "p", "r": room_id, "e": change.event, "h": change.handle, "n": change.count}
        if change.event != "leave":
            event["o"] = change.open_to_chat
        bus.publish(event)


def resolve_room_id(key: str) -> int | None:
    if key.startswith("chat:"):
        return int(key.split(":", 1)[1])
    return Room.objects.filter(slug=key).values_list("id", flat=True).first()


def join(*, conn_id: str, member: Any, room_key: str, room_id: int) -> None:
    arrival = Arrival(
        conn_id=conn_id,
        member_id=member.pk,
        handle=member.handle,
        room=room_key,
        role=member.role,
        invisible=member.invisible,
        open_to_chat=member.open_to_chat,
        on_duty=member.on_duty,
    )
    change = get_store().connect(arrival)
    if change is not None:
        publish_changes([change], {room_key: room_id})


def leave(*, conn_id: str, room_key: str, room_id: int) -> None:
    change = get_store().disconnect(conn_id=conn_id)
    if change is not None:
        publish_changes([change], {room_key: room_id})


def online(room_key: str) -> dict[str, Any]:
    listed, count = get_store().room_online(room_key)
    return {
        "online": [m["handle"] for m in listed],
        "online_count": count,
        "open_to_chat": [m["handle"] for m in listed if m.get("open_to_chat")],
    }


def heartbeat_and_sweep(sockets: dict[str, tuple[int, str, int]]) -> None:
    """Refresh this process's sockets ({conn_id: (member_id, room_key, room_id)}),
    re-enter any the store had already expired (this process stalled past the
    TTL, so their leave went out: they come back with a join), then sweep."""
    store = get_store()
    lost = store.heartbeat(list(sockets)) if sockets else []
    if lost:
        members = Member.objects.in_bulk({sockets[c][0] for c in lost if c in sockets})
        for conn_id in lost:
            member_id, room_key, room_id = sockets[conn_id]
            member = members.get(member_id)
            if member is not None and member.is_active and not member.is_banned:
                join(conn_id=conn_id, member=member, room_key=room_key, room_id=room_id)
    changes = store.sweep()
    if changes or _unsent:
        publish_changes(changes, {})


def sweep() -> None:
    """Announce the leave of every entry that has expired (its process died)."""
    changes = get_store().sweep()
    if changes or _unsent:
        publish_changes(changes, {})
