"""Going invisible can't be told apart from leaving (issue 29, item 14): the class.

Two stores live through the same random afternoon of joins, tabs, leaves and
"open to chat" changes. In the first, member X goes invisible and comes back
now and then, and keeps opening and closing tabs while invisible. In the
second, X simply has no connection while invisible there, and reconnects their
tabs when visible again. Everything anyone else can observe must be the same
in both, after every step: the changes broadcast (handle, event, count,
open to chat), each room's list and count, the site-wide counts and who is
open to a chat. Runs on both backends.
"""

from __future__ import annotations

import random

import pytest

from core import redis as kredis
from realtime.presence import Arrival
from realtime.presence.memory import MemoryPresenceStore
from realtime.presence.redis_store import RedisPresenceStore
from tests.presence.conftest import TTL

T0 = 1_700_000_000.0
X = 1
ROOMS = ("newcomers", "evenings", "chat:7")
OTHERS = (2, 3, 4)  # 4 is always invisible: it must leave no trace in either world


class TwinRedisStore(RedisPresenceStore):
    """A second Redis store under its own keys (next to the test's own)."""

    @staticmethod
    def prefix() -> str:
        return kredis.key("presence-twin") + ":"


@pytest.fixture
def twin(store):
    if isinstance(store, MemoryPresenceStore):
        twin = MemoryPresenceStore(ttl=TTL)
    else:
        twin = TwinRedisStore(ttl=TTL)
    twin.clear()
    yield twin
    twin.clear()


def seen(changes):
    """What a room is told: only visible changes, as the frames carry them."""
    return sorted(
        (c.room, c.event, c.handle, c.count, c.open_to_chat if c.event != "leave" else None)
        for c in changes
        if c and c.visible
    )


def observed(store):
    counts = store.counts(now=T0)
    counts.pop("facilitators_on_duty")
    return {
        "rooms": {room: store.room_online(room, now=T0) for room in ROOMS},
        "counts": counts,
        "open": [(m["member_id"], m["handle"]) for m in store.members_open_to_chat(now=T0)],
    }


def connect(store, conn_id, member_id, room, *, invisible, open_to_chat):
    arrival = Arrival(
        conn_id=conn_id,
        member_id=member_id,
        handle=f"M{member_id}",
        room=room,
        role="member",
        invisible=invisible,
        open_to_chat=open_to_chat,
    )
    return store.connect(arrival, now=T0)


@pytest.mark.parametrize("seed", range(12))
def test_invisibility_looks_exactly_like_not_being_there(store, twin, seed):
    rng = random.Random(seed)
    conns: dict[str, tuple[int, str]] = {}  # live conn -> (member, room), both worlds
    x_invisible, x_open = False, False
    opens = dict.fromkeys(OTHERS, False)
    for step in range(80):
        a_changes, b_changes = [], []
        roll = rng.random()
        if roll < 0.35:  # someone opens a tab
            member = rng.choice((X, X, *OTHERS))
            conn_id, room = f"c{step}", rng.choice(ROOMS)
            conns[conn_id] = (member, room)
            invisible = x_invisible if member == X else member == 4
            flags = {"open_to_chat": x_open if member == X else opens[member]}
            a_changes.append(connect(store, conn_id, member, room, invisible=invisible, **flags))
            if member != X or not x_invisible:
                b_changes.append(
                    connect(twin, conn_id, member, room, invisible=member == 4, **flags)
                )
        elif roll < 0.6 and conns:  # someone closes a tab
            conn_id = rng.choice(sorted(conns))
            member, _room = conns.pop(conn_id)
            a_changes.append(store.disconnect(conn_id=conn_id, now=T0))
            if member != X or not x_invisible:
                b_changes.append(twin.disconnect(conn_id=conn_id, now=T0))
        elif roll < 0.8:  # X goes invisible, or comes back
            x_invisible = not x_invisible
            a_changes += store.set_member_state(member_id=X, invisible=x_invisible, now=T0)
            for conn_id, (member, room) in sorted(conns.items()):
                if member != X:
                    continue
                if x_invisible:
                    b_changes.append(twin.disconnect(conn_id=conn_id, now=T0))
                else:
                    b_changes.append(
                        connect(twin, conn_id, X, room, invisible=False, open_to_chat=x_open)
                    )
        else:  # someone turns "open to chat" on or off
            member = rng.choice((X, *OTHERS))
            if member == X:
                x_open = not x_open
                a_changes += store.set_member_state(member_id=X, open_to_chat=x_open, now=T0)
                if not x_invisible:
                    b_changes += twin.set_member_state(member_id=X, open_to_chat=x_open, now=T0)
            else:
                opens[member] = not opens[member]
                for world, out in ((store, a_changes), (twin, b_changes)):
                    out += world.set_member_state(
                        member_id=member, open_to_chat=opens[member], now=T0
                    )
        assert seen(a_changes) == seen(b_changes), f"step {step}"
        assert observed(store) == observed(twin), f"step {step}"
        assert all(c.handle != "M4" for c in a_changes if c and c.visible)
