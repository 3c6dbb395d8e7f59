"""The presence store's contract, run against the memory and the Redis backend alike.

Time is always passed explicitly (``now=``), so nothing sleeps.
"""

from __future__ import annotations

import random
import threading
from collections import Counter

import pytest
import redis

from realtime.presence import Arrival, Change, ConnectionConflict, get_store, presence_counts
from realtime.presence.memory import MemoryPresenceStore
from realtime.presence.redis_store import RedisPresenceStore
from tests.presence.conftest import TTL

T0 = 1_700_000_000.0


def conn(store, conn_id, member_id, room="newcomers", *, now=T0, handle=None, **flags):
    fields = {"role": "member", "invisible": False, "open_to_chat": False, "on_duty": False}
    fields.update(flags)
    arrival = Arrival(
        conn_id=conn_id,
        member_id=member_id,
        handle=handle or f"Member{member_id}",
        room=room,
        **fields,
    )
    return store.connect(arrival, now=now)


def handles(store, room, now=T0):
    listed, _count = store.room_online(room, now=now)
    return [m["handle"] for m in listed]


def in_threads(*calls):
    """Run the calls at the same moment in threads; their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)
    errors = []

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not errors, errors
    return results


# --- joining and leaving -----------------------------------------------------------------


def test_first_connection_joins_and_last_leaves(store):
    assert conn(store, "c1", 1, handle="QuietOtter") == Change(
        "newcomers", "join", "QuietOtter", True, 1
    )
    assert conn(store, "c2", 2, handle="SteadyFern") == Change(
        "newcomers", "join", "SteadyFern", True, 2
    )
    assert store.room_online("newcomers", now=T0) == (
        [
            {"handle": "QuietOtter", "role": "member", "open_to_chat": False},
            {"handle": "SteadyFern", "role": "member", "open_to_chat": False},
        ],
        2,
    )
    assert store.disconnect(conn_id="c1", now=T0 + 1) == Change(
        "newcomers", "leave", "QuietOtter", True, 1
    )
    assert store.disconnect(conn_id="c1", now=T0 + 1) is None  # idempotent
    assert store.disconnect(conn_id="never-seen", now=T0 + 1) is None
    assert handles(store, "newcomers", T0 + 1) == ["SteadyFern"]
    assert store.counts(now=T0 + 1) == {
        "online": 1,
        "facilitators_on_duty": 0,
        "rooms": {"newcomers": 1},
    }


def test_several_tabs_are_one_member(store):
    assert conn(store, "tab1", 1).event == "join"
    assert conn(store, "tab2", 1) is None
    assert conn(store, "tab3", 1, now=T0 + 5) is None
    assert store.room_online("newcomers", now=T0 + 5) == (
        [{"handle": "Member1", "role": "member", "open_to_chat": False}],
        1,
    )
    assert store.counts(now=T0 + 5)["online"] == 1
    assert store.disconnect(conn_id="tab1", now=T0 + 6) is None
    assert store.disconnect(conn_id="tab3", now=T0 + 6) is None
    assert store.room_online("newcomers", now=T0 + 6)[1] == 1
    assert store.disconnect(conn_id="tab2", now=T0 + 7) == Change(
        "newcomers", "leave", "Member1", True, 0
    )
    assert store.counts(now=T0 + 7) == {"online": 0, "facilitators_on_duty": 0, "rooms": {}}


def test_reconnecting_the_same_socket_is_not_a_second_join(store):
    assert conn(store, "c1", 1).event == "join"
    assert conn(store, "c1", 1, now=T0 + 10) is None
    assert store.room_online("newcomers", now=T0 + 65)[1] == 1  # expiry was pushed on
    with pytest.raises(ConnectionConflict):
        conn(store, "c1", 1, room="other")
    with pytest.raises(ConnectionConflict):
        conn(store, "c1", 2)


def test_one_member_in_two_rooms(store):
    assert conn(store, "a", 1, "newcomers").count == 1
    assert conn(store, "b", 1, "evenings") == Change("evenings", "join", "Member1", True, 1)
    conn(store, "c", 2, "evenings")
    assert store.counts(now=T0) == {
        "online": 2,
        "facilitators_on_duty": 0,
        "rooms": {"newcomers": 1, "evenings": 2},
    }
    assert store.disconnect(conn_id="a", now=T0) == Change("newcomers", "leave", "Member1", True, 0)
    assert handles(store, "evenings") == ["Member1", "Member2"]
    assert store.live_member_ids(now=T0) == {1, 2}


def test_room_list_is_sorted_case_insensitively_with_roles_and_chat_flag(store):
    conn(store, "c1", 1, handle="bramble")
    conn(store, "c2", 2, handle="Alder", role="facilitator", open_to_chat=True)
    conn(store, "c3", 3, handle="Cedar")
    conn(store, "c3b", 3, handle="Cedar")
    listed, count = store.room_online("newcomers", now=T0)
    assert count == 3
    assert listed == [
        {"handle": "Alder", "role": "facilitator", "open_to_chat": True},
        {"handle": "bramble", "role": "member", "open_to_chat": False},
        {"handle": "Cedar", "role": "member", "open_to_chat": False},
    ]
    assert store.room_online("nowhere", now=T0) == ([], 0)


# --- invisible members and member state ---------------------------------------------------


def test_invisible_members_are_neither_listed_nor_counted(store):
    conn(store, "v", 1, handle="Seen")
    assert conn(store, "i", 2, handle="Unseen", invisible=True) == Change(
        "newcomers", "join", "Unseen", False, 1
    )
    assert handles(store, "newcomers") == ["Seen"]
    assert store.room_online("newcomers", now=T0)[1] == 1
    assert store.counts(now=T0) == {
        "online": 1,
        "facilitators_on_duty": 0,
        "rooms": {"newcomers": 1},
    }
    assert store.disconnect(conn_id="i", now=T0) == Change("newcomers", "leave", "Unseen", False, 1)


def test_going_invisible_and_back_updates_every_room(store):
    conn(store, "a", 1, "newcomers", handle="Willow", open_to_chat=True)
    conn(store, "b", 1, "evenings", handle="Willow")
    conn(store, "c", 2, "evenings")
    changes = store.set_member_state(member_id=1, invisible=True, now=T0 + 1)
    # Exactly what leaving both rooms would say.
    assert changes == [
        Change("evenings", "leave", "Willow", True, 1),
        Change("newcomers", "leave", "Willow", True, 0),
    ]
    assert handles(store, "evenings", T0 + 1) == ["Member2"]
    assert store.room_online("evenings", now=T0 + 1)[1] == 1
    assert store.counts(now=T0 + 1) == {
        "online": 1,
        "facilitators_on_duty": 0,
        "rooms": {"evenings": 1},
    }
    # Invisible, open to chat changes nothing anyone sees.
    assert store.set_member_state(member_id=1, open_to_chat=False, now=T0 + 1) == []
    assert store.set_member_state(member_id=1, open_to_chat=True, now=T0 + 1) == []
    # Not a flip: nothing to tell the rooms.
    assert store.set_member_state(member_id=1, invisible=True, now=T0 + 1) == []
    # A later tab keeps the member's current state, whatever it was created with.
    assert conn(store, "d", 1, "evenings", handle="Willow", invisible=False, now=T0 + 2) is None
    assert handles(store, "evenings", T0 + 2) == ["Member2"]
    assert store.set_member_state(member_id=1, invisible=False, now=T0 + 3) == [
        Change("evenings", "join", "Willow", True, 2, open_to_chat=True),
        Change("newcomers", "join", "Willow", True, 1, open_to_chat=True),
    ]
    # Open to chat, visible: an update in each room, the count unchanged.
    assert store.set_member_state(member_id=1, open_to_chat=False, now=T0 + 3) == [
        Change("evenings", "update", "Willow", True, 2, open_to_chat=False),
        Change("newcomers", "update", "Willow", True, 1, open_to_chat=False),
    ]
    assert store.set_member_state(member_id=1, open_to_chat=False, now=T0 + 3) == []
    assert store.set_member_state(member_id=1, on_duty=True, now=T0 + 3) == []
    assert handles(store, "evenings", T0 + 3) == ["Member2", "Willow"]
    # The leave after the flip back is a visible one.
    store.disconnect(conn_id="a", now=T0 + 4)
    assert store.disconnect(conn_id="a", now=T0 + 4) is None


def test_member_state_of_a_member_not_here(store):
    assert store.set_member_state(member_id=99, invisible=True, now=T0) == []
    conn(store, "c", 1)
    store.disconnect(conn_id="c", now=T0)
    assert store.set_member_state(member_id=1, open_to_chat=True, now=T0) == []
    # The next connection brings its own state.
    assert conn(store, "c2", 1, invisible=True, now=T0 + 1).visible is False


def test_fresh_state_after_the_old_connections_expired(store):
    conn(store, "old", 1, handle="Rowan", invisible=True)
    # Past the TTL (not swept yet) the member counts as gone: a new tab brings its state.
    change = conn(store, "new", 1, handle="Rowan", invisible=False, now=T0 + TTL + 5)
    assert change == Change("newcomers", "join", "Rowan", True, 1)
    assert handles(store, "newcomers", T0 + TTL + 5) == ["Rowan"]
    assert store.sweep(now=T0 + TTL + 6) == []  # "old" goes quietly: "new" is live


# --- facilitators on duty and the drop-in line -------------------------------------------


def test_on_duty_counts_facilitators_and_admins_while_connected(store):
    conn(store, "m", 1, on_duty=True)  # a member cannot be on duty
    conn(store, "f-off", 2, role="facilitator", on_duty=False)
    assert store.counts(now=T0)["facilitators_on_duty"] == 0
    conn(store, "f1", 3, role="facilitator", on_duty=True)
    conn(store, "f1b", 3, "evenings", role="facilitator", on_duty=True)
    conn(store, "a", 4, role="admin", on_duty=True, invisible=True)
    assert store.counts(now=T0)["facilitators_on_duty"] == 2
    assert store.on_duty_member_ids(now=T0) == {3, 4}

    assert store.set_member_state(member_id=2, on_duty=True, now=T0) == []
    assert store.set_member_state(member_id=1, on_duty=True, now=T0) == []
    assert store.on_duty_member_ids(now=T0) == {2, 3, 4}
    store.set_member_state(member_id=4, on_duty=False, now=T0)
    assert store.on_duty_member_ids(now=T0) == {2, 3}

    store.disconnect(conn_id="f1", now=T0 + 1)
    assert store.on_duty_member_ids(now=T0 + 1) == {2, 3}  # still in "evenings"
    store.disconnect(conn_id="f1b", now=T0 + 1)
    store.disconnect(conn_id="f-off", now=T0 + 1)
    assert store.on_duty_member_ids(now=T0 + 1) == set()
    assert store.counts(now=T0 + 1)["facilitators_on_duty"] == 0
    # Duty ends with the connection too when the process dies.
    conn(store, "f2", 5, role="facilitator", on_duty=True, now=T0 + 2)
    assert store.counts(now=T0 + 2 + TTL)["facilitators_on_duty"] == 0


def test_members_open_to_chat(store):
    conn(store, "a", 1, handle="zinnia", open_to_chat=True)
    conn(store, "b", 2, handle="Aster", role="facilitator", open_to_chat=True)
    conn(store, "b2", 2, "evenings", handle="Aster", role="facilitator", open_to_chat=True)
    conn(store, "c", 3, open_to_chat=False)
    conn(store, "d", 4, handle="Hidden", open_to_chat=True, invisible=True)
    assert store.members_open_to_chat(now=T0) == [
        {"member_id": 2, "handle": "Aster", "role": "facilitator"},
        {"member_id": 1, "handle": "zinnia", "role": "member"},
    ]
    store.set_member_state(member_id=1, open_to_chat=False, now=T0)
    store.set_member_state(member_id=3, open_to_chat=True, now=T0)
    assert [m["member_id"] for m in store.members_open_to_chat(now=T0)] == [2, 3]
    assert store.room_online("newcomers", now=T0)[0][0] == {
        "handle": "Aster",
        "role": "facilitator",
        "open_to_chat": True,
    }
    store.disconnect(conn_id="b", now=T0)
    assert [m["member_id"] for m in store.members_open_to_chat(now=T0)] == [2, 3]
    store.disconnect(conn_id="b2", now=T0)
    assert [m["member_id"] for m in store.members_open_to_chat(now=T0)] == [3]
    assert store.members_open_to_chat(now=T0 + TTL) == []


# --- expiry, heartbeats and sweeps -------------------------------------------------------


def test_expired_entries_vanish_before_any_sweep(store):
    conn(store, "a", 1, role="facilitator", on_duty=True, open_to_chat=True)
    conn(store, "b", 2, "chat:7")
    just_before = T0 + TTL - 0.001
    assert store.room_online("newcomers", now=just_before)[1] == 1
    assert store.counts(now=just_before) == {
        "online": 2,
        "facilitators_on_duty": 1,
        "rooms": {"newcomers": 1},
    }
    at_expiry = T0 + TTL
    assert store.room_online("newcomers", now=at_expiry) == ([], 0)
    assert store.counts(now=at_expiry) == {"online": 0, "facilitators_on_duty": 0, "rooms": {}}
    assert store.live_member_ids(now=at_expiry) == set()
    assert store.on_duty_member_ids(now=at_expiry) == set()
    assert store.members_open_to_chat(now=at_expiry) == []


def test_sweep_announces_each_leave_once(store):
    conn(store, "a", 1)
    conn(store, "a2", 1)
    conn(store, "b", 2, handle="Ghost", invisible=True)
    conn(store, "c", 3, now=T0 + 30)
    assert store.sweep(now=T0 + 10) == []
    changes = store.sweep(now=T0 + TTL + 1)
    assert sorted(changes, key=lambda c: c.handle) == [
        Change("newcomers", "leave", "Ghost", False, 1),
        Change("newcomers", "leave", "Member1", True, 1),
    ]
    assert store.sweep(now=T0 + TTL + 1) == []
    assert store.disconnect(conn_id="a", now=T0 + TTL + 1) is None
    assert store.room_online("newcomers", now=T0 + TTL + 1)[1] == 1


def test_heartbeat_keeps_a_connection_alive(store):
    conn(store, "a", 1)
    conn(store, "b", 2)
    assert store.heartbeat(["a"], now=T0 + 50) == set()
    assert store.heartbeat([], now=T0 + 50) == set()
    later = T0 + 100  # past the first expiry, before the refreshed one
    assert handles(store, "newcomers", later) == ["Member1"]
    assert store.sweep(now=later) == [Change("newcomers", "leave", "Member2", True, 1)]
    assert store.heartbeat(["a"], now=T0 + 105) == set()
    assert store.sweep(now=T0 + 150) == []
    assert store.sweep(now=T0 + 165) == [Change("newcomers", "leave", "Member1", True, 0)]


def test_heartbeat_never_brings_back_a_dead_connection(store):
    conn(store, "a", 1)
    conn(store, "b", 2)
    conn(store, "c", 3)
    assert len(store.sweep(now=T0 + TTL)) == 3
    conn(store, "c", 3, now=T0 + TTL)  # "c" reconnects as a fresh entry
    # Swept, expired-but-not-swept and never-seen ids are not refreshed; they are reported.
    assert store.heartbeat(["a", "c", "zzz"], now=T0 + TTL + 1) == {"a", "zzz"}
    assert handles(store, "newcomers", T0 + TTL + 1) == ["Member3"]
    assert store.disconnect(conn_id="c", now=T0 + TTL + 2).event == "leave"
    conn(store, "d", 4, now=T0 + 200)
    assert store.heartbeat(["d"], now=T0 + 200 + TTL) == {"d"}  # exactly at its expiry
    assert store.room_online("newcomers", now=T0 + 200 + TTL) == ([], 0)
    assert store.sweep(now=T0 + 200 + TTL) == [Change("newcomers", "leave", "Member4", True, 0)]


def test_a_crashed_process_leaves_no_ghosts(store):
    """Process A dies (no disconnects); process B keeps heartbeating its sockets."""
    dead = [f"A-{i}" for i in range(60)]
    for i, conn_id in enumerate(dead):
        member = i % 40  # members 0..19 have two tabs in process A
        room = "newcomers" if member % 2 else "evenings"
        conn(store, conn_id, member, room, now=T0 + i * 0.1)
    alive = {"B-1": (100, "newcomers"), "B-2": (101, "evenings"), "B-3": (3, "newcomers")}
    for conn_id, (member, room) in alive.items():
        conn(store, conn_id, member, room, now=T0)
    # Member 3 (also in A, same room) and 101 stay; everyone else was only in process A.
    assert store.counts(now=T0 + 10)["online"] == 42
    assert store.heartbeat(alive, now=T0 + 40) == set()
    changes = store.sweep(now=T0 + 90)
    left = Counter((c.room, c.handle) for c in changes)
    expected = {("newcomers" if m % 2 else "evenings", f"Member{m}") for m in range(40) if m != 3}
    assert set(left) == expected
    assert all(n == 1 for n in left.values())
    assert all(c.event == "leave" for c in changes)
    assert store.sweep(now=T0 + 90) == []
    assert store.counts(now=T0 + 90) == {
        "online": 3,
        "facilitators_on_duty": 0,
        "rooms": {"newcomers": 2, "evenings": 1},
    }
    # Then process B is killed too.
    assert len(store.sweep(now=T0 + 40 + TTL)) == 3
    assert store.counts(now=T0 + 40 + TTL) == {"online": 0, "facilitators_on_duty": 0, "rooms": {}}


def test_concurrent_sweeps_announce_each_leave_exactly_once(store):
    for i in range(300):
        conn(store, f"c{i}", i % 150, ("newcomers", "evenings", "chat:5")[i % 3])
    expected = {(("newcomers", "evenings", "chat:5")[i % 3], i % 150) for i in range(300)}
    results = in_threads(*[lambda: store.sweep(now=T0 + TTL + 1)] * 4)
    union = Counter((c.room, int(c.handle.removeprefix("Member"))) for r in results for c in r)
    assert set(union) == expected
    assert all(n == 1 for n in union.values())
    assert store.counts(now=T0 + TTL + 1)["online"] == 0


def test_disconnect_racing_a_sweep_announces_one_leave(store):
    for round_ in range(20):
        conn(store, f"c{round_}", round_, now=T0)
        results = in_threads(
            lambda r=round_: store.disconnect(conn_id=f"c{r}", now=T0 + TTL + 1),
            lambda: store.sweep(now=T0 + TTL + 1),
        )
        leaves = [results[0]] if results[0] else []
        leaves += results[1]
        assert leaves == [Change("newcomers", "leave", f"Member{round_}", True, 0)]


def test_disconnect_after_expiry_announces_the_leave_once(store):
    conn(store, "old", 1)
    conn(store, "live", 1, now=T0 + 30)
    # "old" expired without a sweep; closing "live" ends the member's presence.
    assert store.disconnect(conn_id="live", now=T0 + TTL + 40) == Change(
        "newcomers", "leave", "Member1", True, 0
    )
    assert store.sweep(now=T0 + TTL + 40) == []
    assert store.live_member_ids(now=T0 + TTL + 40) == set()


# --- rooms, chats and housekeeping -------------------------------------------------------


def test_private_chats_count_as_online_but_are_not_listed(store):
    assert conn(store, "x", 1, "chat:1") == Change("chat:1", "join", "Member1", True, 1)
    conn(store, "y", 2, "chat:1")
    conn(store, "z", 2, "newcomers")
    assert store.counts(now=T0) == {
        "online": 2,
        "facilitators_on_duty": 0,
        "rooms": {"newcomers": 1},
    }
    assert store.room_online("chat:1", now=T0)[1] == 2
    assert store.disconnect(conn_id="x", now=T0) == Change("chat:1", "leave", "Member1", True, 1)


def test_clear_drops_everything(store):
    conn(store, "a", 1, role="facilitator", on_duty=True, open_to_chat=True)
    conn(store, "b", 2, "chat:3")
    store.clear()
    assert store.counts(now=T0) == {"online": 0, "facilitators_on_duty": 0, "rooms": {}}
    assert store.room_online("newcomers", now=T0) == ([], 0)
    assert store.members_open_to_chat(now=T0) == []
    assert store.sweep(now=T0 + TTL * 2) == []
    assert store.heartbeat(["a"], now=T0) == {"a"}
    assert conn(store, "a", 1).event == "join"


# --- Redis only --------------------------------------------------------------------------


@pytest.fixture
def round_trips(monkeypatch):
    """Counts requests sent to Redis (a pipeline is one)."""
    sent = Counter()
    original = redis.connection.AbstractConnection.send_packed_command

    def counting(self, command, check_health=True):
        if check_health:  # health-check PINGs go with check_health=False
            sent["n"] += 1
        return original(self, command, check_health)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counting)

    def take():
        n, sent["n"] = sent["n"], 0
        return n

    return take


@pytest.mark.redis
def test_round_trips_do_not_grow_with_members(redis_store, round_trips):
    store = redis_store
    conn(store, "warm", 0)  # loads the scripts
    store.heartbeat(["warm"] + [f"x{i}" for i in range(1500)], now=T0)
    store.room_online("newcomers", now=T0)
    store.counts(now=T0)
    store.sweep(now=T0)
    store.set_member_state(member_id=0, invisible=True, now=T0)
    store.members_open_to_chat(now=T0)
    store.disconnect(conn_id="warm", now=T0)
    for i in range(1000):
        conn(store, f"c{i}", i, ("newcomers", "evenings")[i % 2], open_to_chat=i % 7 == 0)
    ids = [f"c{i}" for i in range(1000)]

    round_trips()
    assert conn(store, "one-more", 5000) is not None
    assert round_trips() == 1
    assert store.heartbeat(ids, now=T0 + 20) == set()
    assert round_trips() == 1
    assert store.heartbeat([*ids, *(f"d{i}" for i in range(1500))], now=T0 + 20) == {
        f"d{i}" for i in range(1500)
    }
    assert round_trips() == 1  # 2,500 ids: three script calls, one pipeline
    assert store.room_online("newcomers", now=T0 + 20)[1] == 501
    assert round_trips() == 1
    assert store.counts(now=T0 + 20)["online"] == 1001
    assert round_trips() == 1
    assert len(store.members_open_to_chat(now=T0 + 20)) == 143
    assert round_trips() == 1
    store.live_member_ids(now=T0 + 20)
    store.on_duty_member_ids(now=T0 + 20)
    assert round_trips() == 2
    store.set_member_state(member_id=3, invisible=True, now=T0 + 20)
    assert round_trips() == 1
    store.disconnect(conn_id="c1", now=T0 + 20)
    assert round_trips() == 1
    assert store.sweep(now=T0 + 21) == []
    assert round_trips() == 1
    store.disconnect(conn_id="one-more", now=T0 + 21)
    round_trips()
    assert len(store.sweep(now=T0 + 200)) == 999
    assert round_trips() == 1  # 999 expired: one script call (chunks of 1,000)


@pytest.mark.redis
def test_clear_leaves_other_keys_alone(redis_store):
    from core import redis as kredis

    client = kredis.sync_client()
    mine_elsewhere = kredis.key("not-presence", "x")
    someone_else = "someone-else:presence:conns"
    client.set(mine_elsewhere, "1")
    client.set(someone_else, "1")
    try:
        conn(redis_store, "a", 1)
        assert client.keys(kredis.key("presence", "*"))
        redis_store.clear()
        assert client.keys(kredis.key("presence", "*")) == []
        assert client.get(mine_elsewhere) == b"1"
        assert client.get(someone_else) == b"1"
    finally:
        client.delete(mine_elsewhere, someone_else)


@pytest.mark.redis
def test_scripts_are_reloaded_after_a_script_flush(redis_store):
    from core import redis as kredis

    conn(redis_store, "a", 1)
    kredis.sync_client().script_flush()
    assert conn(redis_store, "b", 2).count == 2
    kredis.sync_client().script_flush()
    ids = [f"z{i}" for i in range(2500)]
    assert redis_store.heartbeat(["a", "b", *ids], now=T0 + 1) == set(ids)


@pytest.mark.redis
def test_the_backends_agree_on_random_histories(memory_store, redis_store):
    """Random interleavings of every operation give identical answers on both backends."""
    rooms = ["newcomers", "evenings", "chat:1"]
    seen = Counter()
    for seed in range(8):
        rng = random.Random(seed)
        memory_store.clear()
        redis_store.clear()
        now = T0
        next_conn = 0
        conns: list[str] = []
        for _step in range(100):
            now += rng.choice([0, 0.5, 1, 3, 9, 25])
            op = rng.random()
            if op < 0.35 or not conns:
                if conns and rng.random() < 0.2:
                    cid = rng.choice(conns)  # the same socket again (or a conflict)
                else:
                    next_conn += 1
                    cid = f"s{seed}-{next_conn}"
                member = rng.randrange(8)
                room = rng.choice(rooms)
                args = {
                    "conn_id": cid,
                    "member_id": member,
                    "handle": f"M{member}",
                    "room": room,
                    "role": rng.choice(["member", "facilitator", "admin"]),
                    "invisible": rng.random() < 0.2,
                    "open_to_chat": rng.random() < 0.3,
                    "on_duty": rng.random() < 0.5,
                    "now": now,
                }
                conns.append(cid)
                call = ("connect", args)
            elif op < 0.5:
                call = ("disconnect", {"conn_id": rng.choice(conns), "now": now})
            elif op < 0.7:
                ids = rng.sample(conns, min(len(conns), rng.randrange(1, 6)))
                call = ("heartbeat", {"conn_ids": ids, "now": now})
            elif op < 0.8:
                call = ("sweep", {"now": now})
            elif op < 0.9:
                flags = {
                    "invisible": rng.choice([True, False]),
                    "open_to_chat": rng.choice([None, True, False]),
                    "on_duty": rng.choice([None, True, False]),
                }
                call = ("set_member_state", {"member_id": rng.randrange(8), "now": now, **flags})
            else:
                call = ("room_online", {"room": rng.choice(rooms), "now": now})
            name, kwargs = call
            outcomes = []
            for store in (memory_store, redis_store):
                try:
                    if name == "connect":
                        fields = {k: v for k, v in kwargs.items() if k != "now"}
                        result = store.connect(Arrival(**fields), now=kwargs["now"])
                    else:
                        result = getattr(store, name)(**kwargs)
                except ConnectionConflict:
                    result = "conflict"
                if name == "sweep":
                    result = sorted(result, key=repr)
                outcomes.append(result)
            assert outcomes[0] == outcomes[1], (seed, _step, call)
            seen[name, outcomes[0] == "conflict" or bool(outcomes[0])] += 1
            for reader in ("counts", "live_member_ids", "on_duty_member_ids"):
                a = getattr(memory_store, reader)(now=now)
                b = getattr(redis_store, reader)(now=now)
                assert a == b, (seed, _step, reader)
            assert memory_store.members_open_to_chat(now=now) == (
                redis_store.members_open_to_chat(now=now)
            )
    # The histories did reach the interesting cases (each seen more than a few times).
    for case in ("connect", "disconnect", "sweep", "set_member_state", "heartbeat"):
        assert seen[case, True] > 5, (case, seen)


# --- the process-wide store --------------------------------------------------------------


def test_get_store_is_one_per_process_and_follows_redis_url(settings):
    settings.REDIS_URL = ""
    first = get_store()
    assert isinstance(first, MemoryPresenceStore)
    assert get_store() is first
    first.connect(
        Arrival(conn_id="g1", member_id=1, handle="Solo", room="newcomers", role="member")
    )
    try:
        assert presence_counts()["rooms"] == {"newcomers": 1}
    finally:
        first.clear()
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # never contacted by get_store() itself
    assert isinstance(get_store(), RedisPresenceStore)
